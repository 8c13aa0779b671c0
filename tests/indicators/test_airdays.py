"""Hourly → daily (GB 3095-2012 §7 validity), O3 daily max 8-h, 优良率, HJ 663 percentiles."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from zoneops.indicators import airdays


def hours(value=10.0, missing=()):
    return [None if h in missing else value for h in range(24)]


def test_daily_mean_needs_twenty_hours():
    assert airdays.daily_mean(hours(missing=range(4))) == airdays.Mean(10.0, 20, True)
    short = airdays.daily_mean(hours(missing=range(5)))
    assert (short.value, short.count, short.valid) == (None, 19, False)
    mixed = [float(h) for h in range(24)]
    assert airdays.daily_mean(mixed).value == pytest.approx(11.5)


def test_a_day_is_24_hours_of_concentrations():
    with pytest.raises(ValueError, match="24 hourly values"):
        airdays.daily_mean([1.0] * 23)
    with pytest.raises(ValueError, match="hour 5"):
        airdays.daily_mean([1.0] * 5 + [-1.0] + [1.0] * 18)


def test_o3_windows_lie_inside_the_day():
    series = [float(h) for h in range(24)]
    windows = airdays.o3_8h_means(series)
    assert len(windows) == 17  # ending at 8时 … 24时
    assert windows[0].value == pytest.approx(3.5)  # hours 0–7
    assert windows[-1].value == pytest.approx(19.5)  # hours 16–23
    assert airdays.o3_daily_max_8h(series) == airdays.Mean(19.5, 17, True)


def test_o3_window_needs_six_hours():
    windows = airdays.o3_8h_means(hours(missing={0, 1}))
    assert windows[0].valid and windows[0].count == 6
    windows = airdays.o3_8h_means(hours(missing={0, 1, 2}))
    assert not windows[0].valid and windows[0].value is None


def test_o3_day_needs_fourteen_valid_windows():
    # Hours 0–2 missing: windows starting 0 (5 hours)… only the first is short → 16 valid.
    assert airdays.o3_daily_max_8h(hours(missing={0, 1, 2})).count == 16
    # Hours 13–15 missing: windows starting 8…13 hold all three (5 hours) → 11 valid: invalid.
    day = airdays.o3_daily_max_8h(hours(missing={13, 14, 15}))
    assert (day.valid, day.value, day.count) == (False, None, 11)
    # Hours 19–23 missing: windows starting 14, 15, 16 keep 5 hours or fewer → 14 valid.
    edge = airdays.o3_daily_max_8h(hours(missing={19, 20, 21, 22, 23}))
    assert (edge.valid, edge.count) == (True, 14)
    # One more missing hour (18) loses the window starting at 13 too: 13 valid windows.
    short = airdays.o3_daily_max_8h(hours(missing={18, 19, 20, 21, 22, 23}))
    assert (short.valid, short.count) == (False, 13)


def test_good_rate():
    rate = airdays.good_rate([30, 50, 100, 101, 180, None, None])
    assert (rate.good, rate.valid, rate.pct) == (3, 5, 60.0)
    assert airdays.good_rate([None]).pct is None


def test_good_rate_by_month_and_year():
    start = date(2026, 1, 30)
    days = {start + timedelta(days=i): aqi for i, aqi in enumerate([40, 120, 60, 70, None, 200])}
    months = airdays.good_rates_by_month(days)
    assert months[(2026, 1)] == airdays.GoodRate(1, 2, 50.0)  # Jan 30, 31
    assert months[(2026, 2)] == airdays.GoodRate(2, 3, 66.7)  # Feb 1–4, one without AQI
    assert airdays.good_rate_of_year(days, 2026) == airdays.GoodRate(3, 5, 60.0)


def test_percentile_is_hj663_formula():
    values = [float(v) for v in range(10, 0, -1)]  # unsorted on purpose
    # k = 1 + 9·0.9 = 9.1, s = 9: X(9) + (X(10) − X(9))·0.1 = 9.1
    assert airdays.percentile(values, 90) == pytest.approx(9.1)
    assert airdays.percentile(values, 95) == pytest.approx(9.55)
    assert airdays.percentile(values, 100) == 10.0
    assert airdays.percentile([42.0], 90) == 42.0
    with pytest.raises(ValueError):
        airdays.percentile([], 90)


def test_o3_and_co_annual_skip_invalid_days():
    o3 = [float(v) for v in range(1, 366)] + [None] * 3
    # 365 valid values 1…365: k = 1 + 364·0.9 = 328.6 → 328 + 0.6 = 328.6
    assert airdays.o3_annual(o3) == pytest.approx(328.6)
    co = [0.5] * 95 + [2.0] * 5 + [None]
    # 100 values: k = 1 + 99·0.95 = 95.05 → X(95) + (X(96) − X(95))·0.05 = 0.5 + 1.5·0.05
    assert airdays.co_annual(co) == pytest.approx(0.575)


def test_rules_carry_their_sources():
    rules = airdays.rules()
    assert rules["daily_mean_min_hours"]["value"] == 20
    assert "GB 3095-2012" in rules["daily_mean_min_hours"]["source"]
    assert rules["o3_8h_min_hours"]["value"] == 6
    assert "HJ 663-2013" in rules["percentile"]["source"]
