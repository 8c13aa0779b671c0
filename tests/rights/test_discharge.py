"""Measured discharge against the holding: the year-to-date load of a firm's own water
points (the water module's hourly loads), coverage, warning at 80 %, a core alert at 100 %
raised by the worker's job and cleared when rights are bought; the page's matrix."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.matrix import INTERNAL, WORLD_ROLES, Matrix, Row, ids
from zoneops.core.models import Alert
from zoneops.environment.models import Factor, Reading
from zoneops.environment.services import create_station
from zoneops.rights import discharge, services
from zoneops.water.selectors import FACTORS
from zoneops.water.services import create_point

BEIJING = ZoneInfo("Asia/Shanghai")
JAN1 = dt.date(2026, 1, 1)
NOW = dt.datetime(2026, 3, 1, tzinfo=BEIJING)  # 1416 hours into the year
GAP = (dt.datetime(2026, 2, 1, tzinfo=BEIJING), dt.datetime(2026, 2, 11, tzinfo=BEIJING))


def monitored_point(world, enterprise, code: str, *, flow: float, cod: float, nh3n: float,
                    start: dt.datetime, end: dt.datetime, gap=None):
    admin = world.users["admin"]
    station = create_station(admin, {"mn": f"RW{code}", "password": "pw", "name": code,
                                   "kind": "enterprise", "latitude": 30.7,
                                   "longitude": 120.9}, factors=list(FACTORS))
    create_point(admin, {"code": code, "name": code, "kind": "source", "station": station,
                       "enterprise": enterprise})
    factor = {f.code: f for f in Factor.objects.filter(code__in=("w00000", "w01018",
                                                                  "w21003"))}
    rows, when = [], start
    while when < end:
        if gap is None or not gap[0] <= when < gap[1]:
            for name, value in (("w00000", flow), ("w01018", cod), ("w21003", nh3n)):
                rows.append(Reading(station=station, factor=factor[name], time=when,
                                    kind="hour", value=value, flag="N"))
        when += dt.timedelta(hours=1)
    Reading.objects.bulk_create(rows)
    return station


@pytest.fixture
def measured(world):
    office = world.users["office"]
    for pollutant, cap in (("COD", "100"), ("NH3-N", "10")):
        services.set_cap(actor=office, pollutant=pollutant, quantity=cap, basis="测试总量")
    for enterprise, pollutant, quantity in ((world.enterprise_a, "COD", "2.5"),
                                            (world.enterprise_a, "NH3-N", "0.2"),
                                            (world.enterprise_b, "COD", "7")):
        services.verify_initial(actor=office, enterprise=enterprise, pollutant=pollutant,
                                quantity=quantity, legal_basis="排污许可证", valid_from=JAN1)
    # 5 L/s × 100 mg/L = 1.8 kg/h COD, × 10 mg/L = 0.18 kg/h NH3-N, over 1176 of 1416 h.
    monitored_point(world, world.enterprise_a, "SA", flow=5, cod=100, nh3n=10,
                    start=dt.datetime(2026, 1, 1, tzinfo=BEIJING), end=NOW, gap=GAP)
    return world


def rows_of(world, who="office"):
    user = world.users[who]
    return {(r.enterprise.name, r.pollutant): r for r in discharge.usage_for(user, now=NOW)}


def test_year_to_date_load_share_coverage_and_projection(measured):
    rows = rows_of(measured)
    cod = rows[("甲化工有限公司", "COD")]
    assert cod.measured_t == pytest.approx(1176 * 1.8 / 1000)
    assert cod.coverage == pytest.approx(1176 / 1416)
    assert cod.share == pytest.approx(2.1168 / 2.5) and cod.level == "warn"
    assert cod.projected_t == pytest.approx(2.1168 / 1176 * 8760)
    assert cod.surplus_t == 0 and cod.points == ("SA",)
    nh3n = rows[("甲化工有限公司", "NH3-N")]
    assert nh3n.measured_t == pytest.approx(0.21168) and nh3n.level == "over"
    b = rows[("乙建材有限公司", "COD")]  # holds rights but has no monitored point
    assert (b.measured_t, b.coverage, b.level, b.points) == (0.0, 0.0, "ok", ())
    assert b.projected_t is None


def test_the_worker_alerts_at_100_percent_and_clears_after_a_purchase(measured):
    assert discharge.check(NOW) == 1
    alert = Alert.objects.get(module="rights")
    assert alert.key == f"discharge:{measured.enterprise_a.pk}:NH3-N:2026"
    assert alert.enterprise == measured.enterprise_a and "106" in alert.title
    assert discharge.check(NOW) == 1 and Alert.objects.filter(module="rights").count() == 1
    services.sell_from_reserve(actor=measured.users["office"], enterprise=measured.enterprise_a,
                               pollutant="NH3-N", quantity="0.1", legal_basis="挂牌出让",
                               valid_from=JAN1)
    assert discharge.check(NOW) == 0
    alert.refresh_from_db()
    assert alert.cause_cleared_at is not None


def test_the_worker_job_runs_at_most_hourly(measured):
    discharge._last_check.clear()
    assert discharge.check_job(NOW) == 1
    Alert.objects.filter(module="rights").delete()
    assert discharge.check_job(NOW + dt.timedelta(minutes=30)) == 0
    assert not Alert.objects.filter(module="rights").exists()
    assert discharge.check_job(NOW + dt.timedelta(hours=1)) == 1
    discharge._last_check.clear()


PAGES = [Row("/rights/discharge/", INTERNAL | {"enterprise_a"}),
         Row("/rights/discharge/", (), 405, method="POST")]


@pytest.mark.parametrize("row", PAGES, ids=ids(PAGES))
def test_discharge_page_matrix(measured, row):
    Matrix(WORLD_ROLES, measured.client, anonymous=302).check(row)


def test_an_enterprise_sees_only_its_own_discharge(measured):
    assert set(rows_of(measured, "enterprise_a")) == {("甲化工有限公司", "COD"),
                                                      ("甲化工有限公司", "NH3-N")}
    body = measured.client("enterprise_a").get("/rights/discharge/").content.decode()
    assert "甲化工有限公司" in body and "乙建材有限公司" not in body
    body = measured.client("office").get("/rights/discharge/").content.decode()
    assert "乙建材有限公司" in body and 'data-level="over"' in body
