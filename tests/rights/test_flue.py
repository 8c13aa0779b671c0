"""Flue-gas loads from a firm's own stack: Σ hourly flow (m³/s × 3600) × concentration on real
readings, gaps lowering the coverage, NOx from NO2 + NO as NO2, and the 80 % / 100 % levels
and the core alert for an air pollutant; the stack kind's Chinese names."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from zoneops.core.models import Alert
from zoneops.environment.models import Factor, Reading, kind_of
from zoneops.environment.services import create_station
from zoneops.environment.units import molar_mass
from zoneops.rights import discharge, flue, services

BEIJING = ZoneInfo("Asia/Shanghai")
JAN1 = dt.date(2026, 1, 1)
START = dt.datetime(2026, 1, 1, tzinfo=BEIJING)
NOW = dt.datetime(2026, 1, 11, tzinfo=BEIJING)  # 240 hours into the year
GAP = (dt.datetime(2026, 1, 3, tzinfo=BEIJING), dt.datetime(2026, 1, 4, tzinfo=BEIJING))
# 10 m³/s = 36 000 m³/h; × 50 mg/m³ SO2 = 1.8 kg/h; × 100 mg/m³ NOx = 3.6 kg/h;
# × 20 mg/m³ NMHC = 0.72 kg/h.
VALUES = {"a00000": 10.0, "a21026": 50.0, "a21002": 100.0, "a24088": 20.0}


def stack(world, enterprise, mn: str, values: dict[str, float], *, gap=None,
          flagged: dict[str, dt.datetime] | None = None, units: dict[str, str] | None = None):
    station = create_station(world.users["admin"], {
        "mn": mn, "password": "pw", "name": f"{mn}排气筒", "kind": "stack",
        "latitude": 30.7, "longitude": 120.9, "enterprise": enterprise}, factors=list(values),
        factor_units=units)
    factor = {f.code: f for f in Factor.objects.filter(code__in=values)}
    rows, when = [], START
    while when < NOW:
        if gap is None or not gap[0] <= when < gap[1]:
            for code, value in values.items():
                flag = "D" if (flagged or {}).get(code) == when else "N"
                rows.append(Reading(station=station, factor=factor[code], time=when,
                                    kind="hour", value=value, flag=flag))
        when += dt.timedelta(hours=1)
    Reading.objects.bulk_create(rows)
    return station


@pytest.fixture
def air(world):
    office = world.users["office"]
    for pollutant in ("SO2", "NOx", "VOCs"):
        services.set_cap(actor=office, pollutant=pollutant, quantity="100", basis="测试总量")
    # Measured: SO2 0.3888 t (216 h × 1.8 kg), NOx 0.7776 t, VOCs 0.15552 t.
    for pollutant, quantity in (("SO2", "0.45"), ("NOx", "0.7"), ("VOCs", "8")):
        services.verify_initial(actor=office, enterprise=world.enterprise_a, pollutant=pollutant,
                                quantity=quantity, legal_basis="排污许可证", valid_from=JAN1)
    stack(world, world.enterprise_a, "STACK01", VALUES, gap=GAP)
    return world


def rows_of(world):
    return {r.pollutant: r for r in discharge.usage([world.enterprise_a], now=NOW)}


def test_the_stack_kind_has_chinese_names():
    assert kind_of("排气筒") == kind_of("废气排放口") == kind_of("废气排放口监测点") == "stack"


def test_load_is_the_sum_of_hourly_flow_times_concentration_with_coverage(air):
    rows = rows_of(air)
    so2, nox, vocs = rows["SO2"], rows["NOx"], rows["VOCs"]
    assert so2.measured_t == pytest.approx(216 * 36000 * 50e-6 / 1000)
    assert so2.measured_t == pytest.approx(0.3888)
    assert nox.measured_t == pytest.approx(0.7776) and vocs.measured_t == pytest.approx(0.15552)
    assert so2.coverage == pytest.approx(216 / 240) and so2.points == ("STACK01",)
    assert so2.projected_t == pytest.approx(0.3888 / 216 * 8760)
    assert (so2.level, nox.level, vocs.level) == ("warn", "over", "ok")
    assert vocs.surplus_t == pytest.approx(8 - 0.15552 / 216 * 8760)  # 1.69 t could be sold
    # The water pollutants it holds nothing of and has no point for are not listed.
    assert set(rows) == {"SO2", "NOx", "VOCs"}


def test_an_hour_without_flow_or_with_a_fault_flag_is_a_gap(world):
    when = START + dt.timedelta(hours=5)
    stack(world, world.enterprise_a, "STACK02", VALUES, flagged={"a00000": when,
                                                                 "a21026": when + ONE_HOUR})
    rows = rows_of(world)
    assert rows["SO2"].coverage == pytest.approx(238 / 240)
    assert rows["NOx"].coverage == pytest.approx(239 / 240)
    assert rows["SO2"].measured_t == pytest.approx(238 * 1.8 / 1000)
    # Held nothing, discharged something: over.
    assert rows["SO2"].level == "over" and rows["SO2"].share is None


ONE_HOUR = dt.timedelta(hours=1)


def test_nox_from_no2_and_no_as_no2(world):
    # 40 mg/m³ NO2 + 30 mg/m³ NO × 46/30 = 86 mg/m³ as NO2, × 36 000 m³/h = 3.096 kg/h.
    stack(world, world.enterprise_a, "STACK03",
          {"a00000": 10.0, "a21004": 40.0, "a21003": 30.0})
    nox = rows_of(world)["NOx"]
    ratio = flue.coefficients()["no_as_no2"]["value"]
    assert ratio == pytest.approx(molar_mass("a21004") / molar_mass("a21003"), abs=1e-4)
    assert nox.measured_t == pytest.approx(240 * 36000 * (40 + 30 * ratio) * 1e-6 / 1000)
    assert nox.measured_t == pytest.approx(0.7430, abs=1e-3)
    assert nox.coverage == pytest.approx(1.0)


def test_flue_core_on_rows():
    hour = dt.datetime(2026, 1, 1, tzinfo=BEIJING)
    rows = [(hour, "a00000", 2.0, "N"), (hour, "a21002", 10.0, "N"), (hour, "a21004", 1.0, "N"),
            (hour + ONE_HOUR, "a00000", 2.0, "N"), (hour + ONE_HOUR, "a21004", 5.0, "N"),
            (hour + 2 * ONE_HOUR, "a00000", None, "N"), (hour + 2 * ONE_HOUR, "a21026", 5.0, "N"),
            (hour + 3 * ONE_HOUR, "a00000", 2.0, "T"), (hour + 3 * ONE_HOUR, "a21026", 5.0, "M")]
    loads = flue.stack_loads(rows)
    # a21002 wins over its parts; NO2 without NO is no NOx; no flow or a bad flag: a gap.
    assert loads["NOx"].hours == 1 and loads["NOx"].tonnes == pytest.approx(7200 * 10e-9)
    assert loads["SO2"].hours == 0 and loads["SO2"].tonnes == 0


def test_the_worker_alerts_for_an_air_pollutant_at_100_percent(air):
    assert discharge.check(NOW) == 1
    alert = Alert.objects.get(module="rights")
    assert alert.key == f"discharge:{air.enterprise_a.pk}:NOx:2026"
    assert "111" in alert.title  # 0.7776 / 0.7
    services.sell_from_reserve(actor=air.users["office"], enterprise=air.enterprise_a,
                               pollutant="NOx", quantity="0.1", legal_basis="挂牌出让",
                               valid_from=JAN1)
    assert discharge.check(NOW) == 0
    alert.refresh_from_db()
    assert alert.cause_cleared_at is not None


def test_the_page_lists_air_rows(air):
    body = air.client("enterprise_a").get("/rights/discharge/").content.decode()
    assert 'data-pollutant="NOx" data-level="over"' in body
    assert 'data-pollutant="SO2" data-level="warn"' in body and "STACK01" in body


def test_a_concentration_in_micrograms_is_scaled_and_one_in_ppm_is_a_gap(world):
    stack(world, world.enterprise_a, "STACK04", {"a00000": 10.0, "a21026": 50000.0,
                                                 "a21002": 100.0},
          units={"a21026": "µg/m³", "a21002": "ppm"})
    rows = rows_of(world)
    assert rows["SO2"].measured_t == pytest.approx(240 * 1.8 / 1000)
    assert rows["NOx"].measured_t == 0 and rows["NOx"].coverage == 0
