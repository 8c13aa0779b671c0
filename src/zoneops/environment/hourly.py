"""Hourly means computed by the platform from real-time readings, so the 1-hour rules (GB
3095, GB 31571 Table 7, GB 37822 Table A.1) work with loggers that send only CN 2011.

The pure part (:func:`hourly_mean`) takes one hour's readings of one factor: only valid ones
(flags N and T, HJ 212-2017 Table 8) count, and the mean exists only when they cover at
least the minutes GB 3095-2012 §7 requires (data/averaging.json). A reading covers the
minutes up to the next reading (valid or not), at most the logger's usual interval (the
median gap, capped: data/averaging.json), so a logger reporting every 5 minutes covers the
hour as one reporting every 30 s does, and a faulty stretch covers nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from statistics import median

from .engine import ALARMING_FLAGS

DATA = Path(__file__).parent / "data" / "averaging.json"
HOUR = 3600.0


@cache
def _data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def min_minutes() -> int:
    return int(_data()["hour"]["min_minutes"])


def max_cover() -> float:
    return float(_data()["reading_covers_at_most_seconds"]["value"])


def hourly_mean(readings: Sequence[tuple[float, float | None, str]], hour_start: float
                ) -> float | None:
    """The mean of one factor's real-time readings (t, value, flag) in the hour starting at
    ``hour_start`` (seconds), or None when the valid ones cover too little of it."""
    inside = sorted((t, v, v is not None and (flag or "N")[:1].upper() in ALARMING_FLAGS)
                    for t, v, flag in readings if hour_start <= t < hour_start + HOUR)
    valid = [v for _t, v, ok in inside if ok]
    if not valid:
        return None
    times = [t for t, _v, _ok in inside]  # the logger's cadence, whatever the flags
    gaps = [b - a for a, b in zip(times, times[1:], strict=False) if b > a]
    interval = min(median(gaps), max_cover()) if gaps else 60.0
    covered = 0.0
    for i, (t, _v, ok) in enumerate(inside):
        if ok:  # a valid reading covers up to the next reading, at most one interval
            end = times[i + 1] if i + 1 < len(times) else hour_start + HOUR
            covered += min(end - t, interval)
    if covered < min_minutes() * 60.0:
        return None
    return sum(valid) / len(valid)


def hour_start(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def hour_after(moment: datetime) -> datetime:
    return hour_start(moment) + timedelta(hours=1)
