"""From hourly means to the figures of a day, a month and a year (pure: no Django).

Validity rules and the percentile formula are data (data/gb3095_2012_validity.json, with their
standards). A day's hours are a list of 24 values (hour h = h:00–(h+1):00 Beijing time), None
where the hour is missing or invalid.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).with_name("data") / "gb3095_2012_validity.json"
HOURS = 24
WINDOW = 8


@cache
def rules() -> dict:
    with DATA_FILE.open(encoding="utf-8") as source:
        return json.load(source)


def _rule(name: str) -> int:
    return rules()[name]["value"]


@dataclass(frozen=True)
class Mean:
    value: float | None  # None when there were too few hours
    count: int  # valid inputs used
    valid: bool


def _check_day(hourly: Sequence[float | None]) -> list[float | None]:
    if len(hourly) != HOURS:
        raise ValueError(f"a day has {HOURS} hourly values, got {len(hourly)}")
    values: list[float | None] = []
    for hour, value in enumerate(hourly):
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                                  or not math.isfinite(value) or value < 0):
            raise ValueError(f"hour {hour}: not a concentration: {value!r}")
        values.append(value)
    return values


def _mean(values: Iterable[float | None], minimum: int) -> Mean:
    present = [v for v in values if v is not None]
    if len(present) < minimum:
        return Mean(None, len(present), False)
    return Mean(sum(present) / len(present), len(present), True)


def daily_mean(hourly: Sequence[float | None]) -> Mean:
    """24-hour mean of SO2, NO2, CO, PM10 or PM2.5: valid with at least 20 hourly means
    (GB 3095-2012 §7)."""
    return _mean(_check_day(hourly), _rule("daily_mean_min_hours"))


def o3_8h_means(hourly: Sequence[float | None]) -> list[Mean]:
    """The 8-hour moving means inside one day, in order (windows ending at 8时 … 24时); each
    valid with at least 6 hourly means (GB 3095-2012 §7)."""
    values = _check_day(hourly)
    first_start = _rule("o3_window_first_end_hour") - WINDOW
    return [_mean(values[start:start + WINDOW], _rule("o3_8h_min_hours"))
            for start in range(first_start, HOURS - WINDOW + 1)]


def o3_daily_max_8h(hourly: Sequence[float | None]) -> Mean:
    """Daily maximum 8-hour O3: the largest valid 8-hour mean, valid with at least 14 valid
    windows (HJ 663-2013); `count` is the number of valid windows."""
    windows = [m for m in o3_8h_means(hourly) if m.valid]
    if len(windows) < _rule("o3_day_min_windows"):
        return Mean(None, len(windows), False)
    return Mean(max(m.value for m in windows), len(windows), True)


@dataclass(frozen=True)
class GoodRate:
    good: int  # days with AQI ≤ 100
    valid: int  # days with an AQI
    pct: float | None  # None without valid days


def good_rate(aqis: Iterable[int | None]) -> GoodRate:
    """优良率: share of days with AQI ≤ 100 among the days that have an AQI (None = no valid
    AQI that day: it counts in neither)."""
    limit = _rule("good_max_aqi")
    valid = [a for a in aqis if a is not None]
    good = sum(1 for a in valid if a <= limit)
    return GoodRate(good, len(valid), round(good / len(valid) * 100, 1) if valid else None)


def good_rates_by_month(days: Mapping[date, int | None]) -> dict[tuple[int, int], GoodRate]:
    """优良率 of each (year, month) present in `days`."""
    months: dict[tuple[int, int], list[int | None]] = {}
    for day, aqi in sorted(days.items()):
        months.setdefault((day.year, day.month), []).append(aqi)
    return {month: good_rate(values) for month, values in months.items()}


def good_rate_of_year(days: Mapping[date, int | None], year: int) -> GoodRate:
    return good_rate(aqi for day, aqi in days.items() if day.year == year)


def percentile(values: Iterable[float], p: float) -> float:
    """The p-th percentile by HJ 663-2013: sort ascending X(1)…X(n); k = 1 + (n − 1)·p/100;
    s = the integer part of k; m = X(s) + (X(s+1) − X(s))·(k − s)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    if not 0 <= p <= 100:
        raise ValueError(f"percentile out of 0–100: {p}")
    k = 1 + (len(ordered) - 1) * p / 100
    s = int(k)
    if s >= len(ordered):
        return float(ordered[-1])
    return ordered[s - 1] + (ordered[s] - ordered[s - 1]) * (k - s)


def o3_annual(daily_max_8h: Iterable[float | None]) -> float:
    """Annual O3: the 90th percentile of the valid daily maximum 8-hour means (HJ 663-2013)."""
    return percentile((v for v in daily_max_8h if v is not None), _rule("o3_annual_percentile"))


def co_annual(daily_means: Iterable[float | None]) -> float:
    """Annual CO: the 95th percentile of the valid daily means (HJ 663-2013)."""
    return percentile((v for v in daily_means if v is not None), _rule("co_annual_percentile"))
