"""Water points report through the real HJ 212 gateway: the demo's virtual loggers (the air
simulator's, sending hourly CN 2061 data) over a socket, the plant's inlet and outlet on one
logger as e1xxyy/e2xxyy process codes; the stored readings give the balance exactly what the
same data gives as a file."""

from __future__ import annotations

import asyncio
import io
import json
from datetime import datetime

import pytest
from django.core.management import call_command

from tests.environment.conftest import GatewayThread
from zoneops.environment.models import Factor, Reading
from zoneops.water.balance import run
from zoneops.water.feed import _loggers, _send
from zoneops.water.selectors import fields_for

from .conftest import build, mn_of

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_water_loggers_through_the_gateway_feed_the_balance(world) -> None:
    from zoneops.water.demo import uploads

    chain = build(world, store=False)
    frames = uploads(chain.doc, mn_of)
    gateway = GatewayThread(idle_timeout=5, frame_timeout=2)
    try:
        loggers = _loggers("127.0.0.1", gateway.port, frames)
        start = chain.doc["series"][0]["time"]
        acked = asyncio.run(_send(loggers, datetime.fromisoformat(start), 96, 0.0))
    finally:
        gateway.stop()
    assert acked == 96 * len(frames)
    # The plant's process codes are stored under their own factors …
    codes = set(Factor.objects.filter(code__startswith="e").values_list("code", flat=True))
    assert {"e10201", "e20201", "e10101", "e20101"} <= codes
    assert Reading.objects.filter(factor__code="e20201", kind="hour").count() == 96
    # … and the balance reads them as the plant's inlet and outlet.
    out = io.StringIO()
    call_command("water", "check", "--from", "2026-12-01", "--to", "2026-12-05", stdout=out)
    stored = json.loads(out.getvalue())["anomalies"]
    assert stored == run(chain.doc)["anomalies"]
    assert ("N1", "unexplained_load", "COD") in {(a["point"], a["kind"], a["pollutant"])
                                                 for a in stored}


def test_process_codes_feed_their_side_of_the_plant_first() -> None:
    assert fields_for("plant_inlet", "e10201") == ("cod_mg_l", (0, 1))
    assert fields_for("plant_outlet", "e10201") is None  # an inlet code at the outlet
    assert fields_for("plant_outlet", "e20301") == ("nh3n_mg_l", (0, 1))
    assert fields_for("plant_outlet", "w01018") == ("cod_mg_l", (1, 0))  # w code: second
    assert fields_for("network", "e10201") is None
    assert fields_for("source", "w00000") == ("flow_l_s", (1, 0))
    assert fields_for("source", "a21028") is None
