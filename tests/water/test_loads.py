"""Hourly loads: the unit conversion, Σ flow × concentration, gaps and travel-time shifts."""

from __future__ import annotations

import math

import numpy as np
import pytest

from zoneops.water.balance import parse_chain
from zoneops.water.balance.loads import (
    LOAD_KG_H_PER_L_S_MG_L,
    first_complete_hour,
    hourly,
    shifted,
    step_seconds,
)

POINT = [{"id": "S1", "kind": "source"}]


def row(minute: int, flow, cod, flag: str = "N", hour: int = 1, **more) -> dict:
    return {"point": "S1", "time": f"2026-12-01T{hour:02d}:{minute:02d}:00+08:00",
            "flow_l_s": flow, "cod_mg_l": cod, "nh3n_mg_l": None, "flag": flag, **more}


def grid_of(rows: list[dict], **kw):
    return hourly(parse_chain({"points": POINT, "series": rows}), **kw)


def test_units_one_litre_per_second_at_one_mg_per_litre_is_3_6_grams_an_hour() -> None:
    assert LOAD_KG_H_PER_L_S_MG_L == pytest.approx(0.0036)
    grid = grid_of([row(0, 10.0, 50.0)])  # one hourly reading: the whole hour
    cod = grid.pollutants["COD"]
    # 10 L/s × 50 mg/L = 500 mg/s; × 3600 s = 1.8 kg in the hour.
    assert cod.load[0, 0] == pytest.approx(1.8)
    assert cod.coverage[0, 0] == 1.0 and cod.conc[0, 0] == pytest.approx(50.0)


def test_hourly_load_is_the_sum_of_flow_times_concentration_not_mean_times_mean() -> None:
    rows = [row(0, 10.0, 100.0), row(30, 30.0, 20.0)]
    grid = grid_of(rows)
    # Σ: 10×100×1800 + 30×20×1800 mg = 2.88 kg; mean×mean would say 20×60×3600 mg = 4.32 kg.
    assert grid.pollutants["COD"].load[0, 0] == pytest.approx(2.88)
    mean_times_mean = np.mean([10, 30]) * np.mean([100, 20]) * LOAD_KG_H_PER_L_S_MG_L
    assert mean_times_mean == pytest.approx(4.32)
    # The hour's concentration is flow-weighted: 2.88 kg / (20 L/s × 3600 s) = 40 mg/L.
    assert grid.pollutants["COD"].conc[0, 0] == pytest.approx(40.0)


def test_flagged_and_missing_values_are_gaps_never_zeros() -> None:
    rows = [row(m, 10.0, 50.0) for m in range(0, 60, 10)]
    rows[1] = row(10, 10.0, 0.0, flag="D")  # a fault reading's value must not count
    grid = grid_of(rows)
    cod = grid.pollutants["COD"]
    assert cod.load[0, 0] == pytest.approx(1.8)  # the mean rate of the five valid readings
    assert cod.coverage[0, 0] == pytest.approx(5 / 6)
    for flag in "FMSDCB":
        rows[2] = row(20, 10.0, 9999.0, flag=flag)
        cod = grid_of(rows).pollutants["COD"]
        assert math.isnan(cod.load[0, 0])  # 4/6 covered < 75 %: a gap, not a number
    rows[2] = row(20, None, 50.0)  # no flow: no load for that step either
    assert math.isnan(grid_of(rows).pollutants["COD"].load[0, 0])
    assert grid_of(rows, min_coverage=0.6).pollutants["COD"].load[0, 0] == pytest.approx(1.8)


def test_bad_flag_is_remembered_and_t_marks_a_lower_bound() -> None:
    rows = [row(0, 10.0, 50.0, flag="T"), row(0, 10.0, 50.0, flag="M", hour=2)]
    grid = grid_of(rows)
    cod = grid.pollutants["COD"]
    assert cod.load[0, 0] == pytest.approx(1.8) and cod.censored[0, 0]
    assert math.isnan(cod.load[0, 1]) and grid.bad_flag[0, 1] == "NTFMSDCB".index("M")


def test_step_is_the_points_usual_gap() -> None:
    chain = parse_chain({"points": POINT, "series": [row(m, 1.0, 1.0) for m in (0, 10, 20, 50)]})
    assert step_seconds(chain)[0] == 600.0


def test_shift_by_travel_time() -> None:
    x = np.array([0.0, 10.0, 20.0, 30.0, np.nan, 50.0])
    whole, spread = shifted(x, 120)
    assert np.isnan(whole[:2]).all() and whole[2:4].tolist() == [0.0, 10.0]
    assert spread.tolist() == [0.0] * 6
    half, spread = shifted(x, 30)  # half of hour h and half of hour h-1
    assert half[1:4].tolist() == [5.0, 15.0, 25.0] and np.isnan(half[4:]).all()
    assert spread[1:4].tolist() == [5.0, 5.0, 5.0]
    assert first_complete_hour(120) == 2 and first_complete_hour(30) == 1
    assert first_complete_hour(0) == 0


def test_no_flow_is_a_known_zero_load_even_without_a_concentration() -> None:
    rows = [row(0, 0.0, None), row(30, 10.0, 50.0)]
    cod = grid_of(rows).pollutants["COD"]
    assert cod.coverage[0, 0] == 1.0
    assert cod.load[0, 0] == pytest.approx(0.9)  # half an hour of 1.8 kg/h
    assert cod.conc[0, 0] == pytest.approx(50.0)
    cod = grid_of([row(0, 0.0, None, flag="D"), row(30, 10.0, 50.0)]).pollutants["COD"]
    assert math.isnan(cod.load[0, 0])  # a zero flow under a fault flag is no reading
