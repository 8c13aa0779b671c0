"""Units per station and factor: conversion at 298.15 K (24.45 L/mol) with molar masses from
data; every rule compares in its own unit, through the real gateway; charts and exports say
the station's unit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from zoneops.core.models import Alert
from zoneops.environment import selectors, units
from zoneops.environment.clock import FakeClock
from zoneops.environment.convert import BEIJING
from zoneops.environment.services import create_station, update_station
from zoneops.hj212.simulator import hourly_upload

from .conftest import GatewayThread, Logger, alerts_of, frame


def test_conversions_use_24_45_and_the_molar_mass_from_the_formula():
    assert units.molar_mass("a21028") == pytest.approx(2 * 1.008 + 32.06)  # H2S
    assert units.conversion("a21028", "ppm", "mg/m³") == pytest.approx(34.076 / 24.45)
    assert units.conversion("a21026", "µg/m³", "mg/m³") == pytest.approx(0.001)
    assert units.conversion("a21026", "ppb", "µg/m³") == pytest.approx(64.058 / 24.45)
    assert units.conversion("a21001", "mg/m³", "ppm") == pytest.approx(24.45 / 17.031)
    assert units.conversion("a24088", "mg/m³", "") == 1.0
    with pytest.raises(units.UnitError, match="molar mass"):
        units.conversion("a24088", "ppm", "mg/m³")  # NMHC: a mixture, no molar mass
    assert units.normalise("ug/m3") == "µg/m³"
    with pytest.raises(units.UnitError):
        units.normalise("grains")


pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def _local(moment: datetime) -> datetime:
    return moment.astimezone(BEIJING).replace(tzinfo=None)


def test_each_rule_compares_in_its_own_unit_through_the_gateway(env):
    admin = env.world.users["admin"]
    ambient = create_station(admin, {"mn": "AIR0001", "password": "pw-air", "name": "园区空气站",
                                   "kind": "ambient", "latitude": 30.7, "longitude": 120.9},
                                  factors=["a21026"], factor_units={"a21026": "ug/m3"})
    update_station(admin, env.plant, {}, factor_units={"a21028": "ppm"})
    with pytest.raises(ValidationError):
        update_station(admin, env.plant, {}, factor_units={"a21028": "grains"})
    clock = FakeClock(START + timedelta(hours=2))
    running = GatewayThread(clock)
    try:
        air, plant = Logger(running.port), Logger(running.port)
        # A normal hourly SO2 of 35 µg/m³ is no alarm (GB 3095 grade 2: 500 µg/m³) ...
        air.send(hourly_upload(mn="AIR0001", pw="pw-air", data_time=_local(START),
                               values={"a21026": 35.0}))
        assert air.answers(1)[0].cn == "9014"
        assert not Alert.objects.filter(key__startswith="AIR0001").exists()
        # ... 600 µg/m³ is.
        air.send(hourly_upload(mn="AIR0001", pw="pw-air",
                               data_time=_local(START + timedelta(hours=1)),
                               values={"a21026": 600.0}))
        assert air.answers(1)[0].cn == "9014"
        so2 = alerts_of("AIR0001:a21026:so2-ambient-hour").get()
        assert so2.data["measure"] == 600.0 and so2.data["unit"] == "µg/m³"
        # H2S in ppm: 0.05 ppm is 0.0697 mg/m³, above GB 14554's 0.06 (报警), not 预警.
        for minute in (1, 2):
            plant.send(frame(env.plant, _local(clock.now() + timedelta(minutes=minute - 3)),
                             {"a21028": 0.05}))
            assert plant.answers(1)[0].cn == "9014"
        h2s = alerts_of("PLANT0001:a21028:h2s-fenceline").get()
        h2s_data = h2s.data["members"]["PLANT0001:a21028:h2s-fenceline"]
        assert h2s.level == 4 and h2s_data["measure"] == pytest.approx(0.05 * 34.076 / 24.45)
        air.close()
        plant.close()
    finally:
        running.stop()
    # Charts and exports say the station's unit; tier lines are drawn in it.
    row = next(selectors.export_rows(ambient, None, None))
    assert row[4] == "µg/m³"
    lines = selectors.limits_by_factor(env.plant)["a21028"]
    assert {line["unit"] for line in lines} == {"ppm"}
    assert [round(line["value"], 4) for line in lines] == [
        round(0.03 / (34.076 / 24.45), 4), round(0.06 / (34.076 / 24.45), 4)]


def test_the_station_page_shows_units_device_codes_and_strict_limits(env):
    from zoneops.environment.models import StationFactor

    update_station(env.world.users["admin"], env.plant, {}, factor_units={"a21028": "ppm"})
    StationFactor.objects.filter(station=env.plant, factor__code="a24088").update(
        device_code="x1")
    page = env.world.client("admin").get(f"/environment/stations/{env.plant.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "a21028</span> 硫化氢 (ppm)" in text and "x1" in text
    assert "&gt; 0.06 mg/m³" in text  # the rule's own unit; "exceeds" is strictly above
