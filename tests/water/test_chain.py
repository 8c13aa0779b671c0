"""Reading the chain: the column-wise fast path and the row-wise checker agree."""

from __future__ import annotations

import math

import numpy as np
import pytest

from zoneops.water.balance import ChainError, parse_chain
from zoneops.water.balance.chain import _series_by_column, _series_by_row
from zoneops.water.balance.limits import set_names
from zoneops.water.simulate import Gap, simulate


def test_column_and_row_readers_give_the_same_chain() -> None:
    doc = simulate(days=1, seed=3, gaps=(Gap("S1", 2, 2, flag="D"), Gap("N1", 5, 1, None)))
    doc["series"][3]["ph"] = 7.2
    del doc["series"][4]["tp_mg_l"]
    doc["series"][5]["tn_mg_l"] = None
    points = parse_chain({"points": doc["points"], "series": []}, set_names()).points
    fast = _series_by_column(points, doc["series"])
    slow = _series_by_row(points, doc["series"])
    assert fast is not None
    assert np.array_equal(fast.point_index, slow.point_index)
    assert np.array_equal(fast.seconds, slow.seconds)
    assert np.array_equal(fast.flags, slow.flags)
    assert fast.utc_offset == slow.utc_offset
    for name, column in slow.values.items():
        assert np.array_equal(fast.values[name], column, equal_nan=True), name
    assert math.isnan(fast.values["tp_mg_l"][4]) and fast.values["ph"][3] == 7.2


@pytest.mark.parametrize(("value", "message"), [
    (float("nan"), "must be a finite number"), (float("inf"), "must be a finite number"),
    (True, "must be a number or null"), ("5", "must be a number or null")])
def test_values_the_fast_path_must_not_let_through(value, message) -> None:
    doc = simulate(days=1, seed=3)
    doc["series"][7]["cod_mg_l"] = value
    with pytest.raises(ChainError, match=rf"series\[7\]\.cod_mg_l: {message}"):
        parse_chain(doc, set_names())
