"""包保 duty periods (pure): the calendar quarter, month or ISO week (Monday to Sunday) a duty
falls in, and the last period that has ended."""

from __future__ import annotations

from datetime import date, timedelta

CADENCES = ("quarterly", "monthly", "weekly")


def period_of(cadence: str, day: date) -> tuple[date, date]:
    """The period (first day, last day) of ``cadence`` that holds ``day``."""
    if cadence == "weekly":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if cadence == "monthly":
        start = day.replace(day=1)
    elif cadence == "quarterly":
        start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    else:
        raise ValueError(f"unknown cadence {cadence!r}")
    months = 1 if cadence == "monthly" else 3
    month = start.month - 1 + months
    nxt = date(start.year + month // 12, month % 12 + 1, 1)
    return start, nxt - timedelta(days=1)


def previous_period(cadence: str, day: date) -> tuple[date, date]:
    """The last whole period before the one holding ``day``."""
    start, _end = period_of(cadence, day)
    return period_of(cadence, start - timedelta(days=1))
