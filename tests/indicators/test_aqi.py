"""IAQI/AQI per HJ 633-2012, checked against the Table 1 breakpoints written out here (a second
copy of the standard's table, independent of the data file) at every boundary."""

from __future__ import annotations

import pytest

from zoneops.indicators.aqi import AqiInputError, category_of, day_aqi, table

LEVELS = [0, 50, 100, 150, 200, 300, 400, 500]
# HJ 633-2012 Table 1, 24-hour rows (CO in mg/m³) and the O3 8-hour row.
TABLE_1 = {
    "SO2": ("so2_24h", [0, 50, 150, 475, 800, 1600, 2100, 2620]),
    "NO2": ("no2_24h", [0, 40, 80, 180, 280, 565, 750, 940]),
    "PM10": ("pm10_24h", [0, 50, 150, 250, 350, 420, 500, 600]),
    "PM2.5": ("pm25_24h", [0, 35, 75, 115, 150, 250, 350, 500]),
    "CO": ("co_24h", [0, 2, 4, 14, 24, 36, 48, 60]),
    "O3": ("o3_8h", [0, 100, 160, 215, 265, 800]),
}
O3_1H = [0, 160, 200, 300, 400, 800, 1000, 1200]
CLEAN = {"so2_24h": 0, "no2_24h": 0, "pm10_24h": 0, "pm25_24h": 0, "co_24h": 0, "o3_8h": 0}


def day(**values):
    return {**CLEAN, **values}


def test_data_file_matches_the_table():
    data = table()
    assert data["iaqi"] == LEVELS
    for name, (key, points) in TABLE_1.items():
        assert data["pollutants"][name]["field"] == key
        assert data["pollutants"][name]["breakpoints"] == points
        assert "HJ 633-2012 Table 1" in data["pollutants"][name]["source"]
    assert data["substitutes"]["o3_1h"]["breakpoints"] == O3_1H


@pytest.mark.parametrize("name", TABLE_1)
def test_every_breakpoint_and_just_above_it(name):
    key, points = TABLE_1[name]
    step = 0.01 if name == "CO" else 0.1
    for i, point in enumerate(points):
        on = day_aqi(day(**{key: point}))
        assert on.iaqi[name] == LEVELS[i], (name, point)
        if i == len(points) - 1:
            continue
        above = day_aqi(day(**{key: round(point + step, 2)}))
        assert above.iaqi[name] == LEVELS[i] + 1, (name, point)  # rounded up, never down
        below_next = day_aqi(day(**{key: round(points[i + 1] - step, 2)}))
        assert below_next.iaqi[name] == LEVELS[i + 1], (name, points[i + 1])


def test_interpolation_rounds_up():
    # PM2.5 40: 50 + (100 − 50)/(75 − 35)·(40 − 35) = 56.25 → 57.
    assert day_aqi(day(pm25_24h=40)).iaqi["PM2.5"] == 57
    # CO 2.1 mg/m³: 50 + 25·0.1 = 52.5 → 53.
    assert day_aqi(day(co_24h=2.1)).iaqi["CO"] == 53
    # NO2 60 is exactly IAQI 75: no spurious round-up.
    assert day_aqi(day(no2_24h=60)).iaqi["NO2"] == 75


def test_top_of_a_full_row_stays_at_500():
    assert day_aqi(day(pm25_24h=650)).iaqi["PM2.5"] == 500
    assert day_aqi(day(pm25_24h=650)).category == "严重污染"


def test_o3_8h_above_800_uses_the_1h_mean():
    with pytest.raises(AqiInputError) as missing:
        day_aqi(day(o3_8h=801))
    assert missing.value.field == "o3_1h"
    result = day_aqi(day(o3_8h=801, o3_1h=900))
    assert result.iaqi["O3"] == 350  # 300 + 100/200·100 on the 1-hour row
    assert result.primary == ["O3"]
    assert day_aqi(day(o3_8h=800)).iaqi["O3"] == 300  # on the last 8-hour breakpoint
    assert day_aqi(day(o3_8h=120, o3_1h=900)).iaqi["O3"] == 67  # 1-hour ignored below 800


@pytest.mark.parametrize("aqi, category", [
    (0, "优"), (50, "优"), (51, "良"), (100, "良"), (101, "轻度污染"), (150, "轻度污染"),
    (151, "中度污染"), (200, "中度污染"), (201, "重度污染"), (300, "重度污染"), (301, "严重污染"),
    (500, "严重污染"),
])
def test_categories(aqi, category):
    assert category_of(aqi) == category


def test_primary_pollutants():
    assert day_aqi(day(pm25_24h=35, pm10_24h=50)).primary == []  # AQI 50: none
    assert day_aqi(day(pm25_24h=35, pm10_24h=50)).aqi == 50
    tie = day_aqi(day(pm25_24h=75, pm10_24h=150, no2_24h=40))
    assert (tie.aqi, tie.category, tie.primary) == (100, "良", ["PM10", "PM2.5"])
    ozone = day_aqi({"so2_24h": 8, "no2_24h": 35, "pm10_24h": 70, "pm25_24h": 38,
                     "co_24h": 0.7, "o3_8h": 182})
    assert ozone.iaqi == {"SO2": 8, "NO2": 44, "PM10": 60, "PM2.5": 54, "CO": 18, "O3": 120}
    assert (ozone.aqi, ozone.category, ozone.primary) == (120, "轻度污染", ["O3"])


@pytest.mark.parametrize("bad, field", [
    ({"pm25_24h": -1}, "pm25_24h"),
    ({"co_24h": "0.8"}, "co_24h"),
    ({"no2_24h": None}, "no2_24h"),
    ({"so2_24h": True}, "so2_24h"),
    ({"pm10_24h": float("nan")}, "pm10_24h"),
])
def test_bad_values_name_the_field(bad, field):
    with pytest.raises(AqiInputError) as error:
        day_aqi(day(**bad))
    assert error.value.field == field and field in str(error.value)


def test_all_missing_fields_are_named_at_once():
    with pytest.raises(AqiInputError) as error:
        day_aqi({"so2_24h": 5, "no2_24h": 20})
    for key in ("pm10_24h", "pm25_24h", "co_24h", "o3_8h"):
        assert f"{key}: missing" in str(error.value)
