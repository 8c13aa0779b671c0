"""The demo chain: 12 enterprises → 4 network points → the plant → its outfall → two river
sections, loaded through the services, idempotent; its simulated data (the loggers' values)
hold a night discharge into N2 that the balance catches."""

from __future__ import annotations

from datetime import datetime

import pytest

from zoneops.core import demo as core_demo
from zoneops.water import demo
from zoneops.water.balance import run
from zoneops.water.models import WaterPoint

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_demo_chain_is_loaded_once() -> None:
    core_demo.load()
    demo.load()
    kinds = sorted(WaterPoint.objects.values_list("kind", flat=True))
    assert kinds.count("source") == 12 and kinds.count("network") == 4
    assert kinds.count("river") == 2 and {"plant_inlet", "plant_outlet", "outfall"} < set(kinds)
    p_in, p_out = (WaterPoint.objects.get(code=c) for c in ("P-in", "P-out"))
    assert p_in.station_id == p_out.station_id  # one plant logger, e1/e2 codes
    assert WaterPoint.objects.get(code="R-down").target_class == "III"
    s1 = WaterPoint.objects.get(code="S1")
    assert s1.enterprise.contacts.filter(username="enterprise").exists()
    assert all(p.location() for p in WaterPoint.objects.select_related("station"))
    demo.load()
    assert WaterPoint.objects.count() == 21


def test_the_scripted_night_discharge_is_caught() -> None:
    now = datetime.fromisoformat("2026-12-04T10:20:00+08:00")
    night = demo.night_before(now)
    assert night == datetime.fromisoformat("2026-12-04T01:00:00+08:00")
    assert demo.night_before(now.replace(hour=3)).day == 3  # tonight's is not over yet
    doc = demo.data(datetime.fromisoformat("2026-12-01T00:00:00+08:00"), 4, night)
    top = run(doc)["anomalies"][0]
    assert (top["point"], top["kind"], top["pollutant"]) == ("N2", "unexplained_load", "COD")
    assert top["start"] == "2026-12-04T01:00:00+08:00" and top["end"].startswith(
        "2026-12-04T05:00")
    assert 25 < top["residual_kg_h"] < 35
