"""Hourly means computed by the platform from real-time readings, so the 1-hour rules (GB
3095, GB 31571 Table 7, GB 37822 Table A.1) work with loggers that send only CN 2011.

The pure part (:func:`hourly_mean`) judges one hour of one factor from a summary the database
computes (counts, mean, first and last time): only valid readings (flags N and T, HJ
212-2017 Table 8) count, and the mean exists only when they cover at least the minutes GB
3095-2012 §7 requires (data/averaging.json). Each valid reading covers the logger's interval
(the hour's mean gap between readings, capped: data/averaging.json), so a logger reporting
every 5 minutes covers the hour as one reporting every 30 s does, and faulty readings cover
nothing. (The mean gap, not the median: the database gives it without sending the rows.)
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "averaging.json"
HOUR = 3600.0


@cache
def _data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def min_minutes() -> int:
    return int(_data()["hour"]["min_minutes"])


def max_cover() -> float:
    return float(_data()["reading_covers_at_most_seconds"]["value"])


def hourly_mean(count: int, valid: int, mean: float | None, span_seconds: float
                ) -> float | None:
    """The 1-hour mean of one factor from its hour's summary: ``count`` real-time readings
    (any flag) spread over ``span_seconds`` (first to last), ``valid`` of them N/T with
    ``mean`` their mean; None when the valid ones cover less than GB 3095's minutes. A
    reading covers the logger's interval (the mean gap of the hour's readings, at most
    data/averaging.json's cap; 60 s for a lone reading)."""
    if not valid or mean is None:
        return None
    interval = min(span_seconds / (count - 1), max_cover()) if count > 1 else 60.0
    if valid * interval < min_minutes() * 60.0:
        return None
    return float(mean)


def hour_start(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def hour_after(moment: datetime) -> datetime:
    return hour_start(moment) + timedelta(hours=1)
