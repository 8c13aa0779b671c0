"""Air days from real station rows: hourly readings in the database → per-station and zone
daily means with GB 3095 validity → AQI; the air-days command; the pages and who may see them."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from tests.matrix import INTERNAL, WORLD_ROLES, Matrix, Row, ids
from zoneops.environment.models import Factor, Reading
from zoneops.environment.services import create_station
from zoneops.indicators import air_demo, air_selectors, aqi

BEIJING = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 3, 2)
CODES = {"SO2": "a21026", "NO2": "a21004", "PM10": "a34002", "PM2.5": "a34004",
         "CO": "a21005", "O3": "a05024"}


def put_hours(station, name: str, value: float, day: date = DAY, hours=range(24),
              flag: str = "N") -> None:
    factor = Factor.objects.get(code=CODES[name])
    Reading.objects.bulk_create([
        Reading(station=station, factor=factor, kind="hour", value=value, flag=flag,
                time=datetime(day.year, day.month, day.day, h, tzinfo=BEIJING).astimezone(UTC))
        for h in hours])


def put_day(station, values: dict[str, float], day: date = DAY) -> None:
    for name, value in values.items():
        put_hours(station, name, value, day)


@pytest.fixture
def air(world):
    admin = world.users["admin"]
    common = {"latitude": 30.70, "longitude": 120.90, "unit": world.unit_a}
    # A reports SO2 in µg/m³, everything else in the factors' own mg/m³.
    a = create_station(admin, {"mn": "AIR-A", "password": "pw", "name": "甲站",
                               "kind": "ambient", **common}, factors=list(CODES.values()),
                       factor_units={"a21026": "µg/m³"})
    b = create_station(admin, {"mn": "AIR-B", "password": "pw", "name": "乙站",
                               "kind": "ambient", **common}, factors=list(CODES.values()))
    edge = create_station(admin, {"mn": "EDGE-X", "password": "pw", "name": "边界站",
                                  "kind": "boundary", **common}, factors=list(CODES.values()))
    put_day(a, {"SO2": 40, "NO2": 0.030, "PM10": 0.060, "PM2.5": 0.050, "CO": 0.8,
                "O3": 0.120})
    put_day(b, {"SO2": 0.020, "NO2": 0.050, "PM10": 0.100, "CO": 1.2, "O3": 0.160})
    put_hours(b, "PM2.5", 0.070, hours=range(19))  # 19 hours: no valid 24-hour mean
    put_hours(b, "PM2.5", 0.900, hours=range(19, 24), flag="D")  # invalid flag: not counted
    # A boundary station is no ambient site: its filthy air must not enter the zone's AQI.
    put_day(edge, {"SO2": 2.0, "NO2": 2.0, "PM10": 2.0, "PM2.5": 2.0, "CO": 50, "O3": 0.9})
    return a, b


def test_station_days_apply_units_and_validity(air):
    a, b = air
    days = air_selectors.station_days([a, b], DAY, DAY)[DAY]
    day_a, day_b = days
    assert day_a.means["SO2"].value == pytest.approx(40)  # µg/m³ as sent
    assert day_a.means["NO2"].value == pytest.approx(30)  # mg/m³ × 1000
    assert day_a.means["CO"].value == pytest.approx(0.8)  # CO stays in mg/m³
    assert day_a.means["O3"].valid and day_a.means["O3"].count == 17  # windows 0…16
    assert day_a.result is not None and day_a.hours["PM2.5"] == 24
    assert not day_b.means["PM2.5"].valid and day_b.hours["PM2.5"] == 19
    assert day_b.missing == ["PM2.5"] and day_b.result is None
    assert "PM2.5" not in day_b.iaqi() and day_b.iaqi()["O3"] == 100  # 160 µg/m³: a breakpoint


def test_twenty_hours_make_a_valid_day(air):
    _a, b = air
    # The 20th valid hour: the flagged one at 19:00 is found sound after all.
    hour = datetime(2026, 3, 2, 19, tzinfo=BEIJING)
    assert Reading.objects.filter(station=b, factor__code=CODES["PM2.5"], time=hour
                                  ).update(flag="N", value=0.070) == 1
    day_b = air_selectors.station_days([b], DAY, DAY)[DAY][0]
    assert day_b.means["PM2.5"].valid and day_b.means["PM2.5"].count == 20


def test_zone_day_is_the_mean_of_the_stations(air):
    (zone,) = air_selectors.zone_days(DAY, DAY)
    assert [sd.station.mn for sd in zone.station_days] == ["AIR-A", "AIR-B"]  # no EDGE-X
    assert zone.concentrations == pytest.approx({"SO2": 30, "NO2": 40, "PM10": 80,
                                                 "PM2.5": 50, "CO": 1.0, "O3": 140})
    assert zone.stations["PM2.5"] == 1 and zone.stations["O3"] == 2
    # NO2 at exactly 40 µg/m³ is IAQI 50, not 51 (float noise of the unit conversion).
    assert zone.result.iaqi == {"SO2": 30, "NO2": 50, "PM10": 65, "PM2.5": 69, "CO": 25,
                                "O3": 84}
    assert (zone.result.aqi, zone.result.category, zone.result.primary) == (84, "良", ["O3"])


def test_days_follow_beijing_time(air):
    a, _b = air
    late = date(2026, 3, 3)
    put_day(a, {"SO2": 10, "NO2": 0.01, "PM10": 0.01, "PM2.5": 0.01, "CO": 0.1, "O3": 0.05},
            day=late)
    first = Reading.objects.filter(station=a, time__gte=datetime(2026, 3, 2, 16, tzinfo=UTC)
                                   ).order_by("time").first()
    assert first.time == datetime(2026, 3, 2, 16, tzinfo=UTC)  # 00:00 of 3 March, Beijing
    day = air_selectors.station_days([a], late, late)[late][0]
    assert day.hours == dict.fromkeys(CODES, 24) and day.result.aqi == 25


def test_summary_of_days(air):
    a, b = air
    put_day(a, {"SO2": 10, "NO2": 0.01, "PM10": 0.2, "PM2.5": 0.12, "CO": 0.1, "O3": 0.05},
            day=DAY + timedelta(days=1))
    days = air_selectors.zone_days(DAY, DAY + timedelta(days=2))
    summary = air_selectors.summarise(days)
    assert [d.result.aqi if d.result else None for d in days] == [84, 158, None]
    assert summary.as_dict() == {
        "good_days": 1, "valid_days": 2, "days": 3, "good_rate_pct": 50.0,
        "categories": {"优": 0, "良": 1, "轻度污染": 0, "中度污染": 1, "重度污染": 0,
                       "严重污染": 0},
        "o3_8h_90th": 131.0, "pm25_mean": 85.0}


def test_air_days_command(air):
    out = StringIO()
    call_command("indicators", "air-days", "--from", "2026-03-01", "--to", "2026-03-02",
                 stdout=out)
    result = json.loads(out.getvalue())
    assert result["stations"] == ["AIR-A", "AIR-B"]
    first, second = result["days"]
    assert first["date"] == "2026-03-01" and first["valid"] is False and first["aqi"] is None
    assert len(first["missing"]) == 6
    assert second["valid"] and second["aqi"] == 84 and second["primary"] == ["O3"]
    assert second["concentrations"]["pm25_24h"] == 50 and second["stations"]["PM2.5"] == 1
    assert result["summary"]["good_rate_pct"] == 100.0


@pytest.mark.parametrize("args, message", [
    (("--from", "2026-3-1x", "--to", "2026-03-02"), "不是日期"),
    (("--from", "2026-03-05", "--to", "2026-03-02"), "早于"),
])
def test_air_days_command_refuses_bad_dates_in_chinese(air, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("indicators", "air-days", *args, stdout=StringIO())


PAGES = [Row("/indicators/air/", INTERNAL), Row("/indicators/air/?month=2026-03", INTERNAL),
         Row("/indicators/air/day/2026-03-02/", INTERNAL)]


@pytest.mark.parametrize("row", PAGES, ids=ids(PAGES))
def test_air_pages_matrix(air, world, row):
    Matrix(WORLD_ROLES, world.client, anonymous=302).check(row)


def test_month_page_colours_days_and_headers_in_both_languages(air, world):
    client = world.client("office")
    page = client.get("/indicators/air/?month=2026-03").content.decode()
    assert 'data-day="2026-03-02" data-category="良" data-aqi="84"' in page
    assert "background:#ffff00" in page  # 良 = yellow (data/air_zone.json)
    assert 'data-day="2026-03-01" data-category=""' in page
    assert "<th scope=\"col\">星期一</th>" in page and "Mon" not in page and "Week" not in page
    english = client.get("/indicators/air/?month=2026-03", HTTP_ACCEPT_LANGUAGE="en")
    text = english.content.decode()
    assert "<th scope=\"col\">Mon</th>" in text and "星期" not in text
    assert "Good-day rate" in text


def test_month_page_refuses_a_bad_month(world):
    response = world.client("office").get("/indicators/air/?month=2026-13")
    assert response.status_code == 400 and "YYYY-MM" in response.content.decode()


def test_day_page_shows_each_station(air, world):
    client = world.client("leader")
    page = client.get("/indicators/air/day/2026-03-02/").content.decode()
    assert 'data-station="AIR-A" data-aqi="69"' in page  # A alone: PM2.5 50 → IAQI 69
    assert 'data-station="AIR-B" data-aqi=""' in page
    assert 'data-pollutant="PM2.5" data-valid="0"' in page and 'data-hours="19"' in page
    assert 'data-testid="zone-day" data-aqi="84" data-category="良"' in page
    assert "EDGE-X" not in page
    assert client.get("/indicators/air/day/2026-02-30/").status_code == 404


def test_demo_hours_make_valid_days(world):
    admin = world.users["admin"]
    create_station(admin, {"mn": "CWKQ-T01", "password": "pw", "name": "演示站",
                           "kind": "ambient", "latitude": 30.7, "longitude": 120.9},
                   factors=list(CODES.values()))
    air_demo.load()
    count = Reading.objects.filter(kind="hour").count()
    assert count > 60 * 24 * 6 * 0.95
    air_demo.load()  # idempotent
    assert Reading.objects.filter(kind="hour").count() == count
    from django.utils import timezone

    today = timezone.localdate()
    days = air_selectors.zone_days(today - timedelta(days=30), today - timedelta(days=1))
    assert sum(d.result is not None for d in days) >= 28
    assert {d.result.category for d in days if d.result} <= set(
        c["name"] for c in aqi.table()["categories"])


def test_aqi_categories_and_averaging_read_in_the_readers_language():
    """HJ 633 category names and averaging times come from the data files in Chinese; the
    pages show them through the air_labels filters, in English for an English reader."""
    from django.utils import translation

    from zoneops.indicators.templatetags.air_labels import aqi_category, averaging

    with translation.override("en"):
        assert aqi_category("轻度污染") == "Lightly polluted" and averaging("24 h") == "24-h mean"
    with translation.override("zh-hans"):
        assert aqi_category("良") == "良" and averaging("daily max 8 h") == "日最大8小时平均"
    assert aqi_category(None) == "" and aqi_category("未知") == "未知"
