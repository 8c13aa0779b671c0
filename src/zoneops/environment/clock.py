"""The clock the gateway and the alarm layer read, injectable so tests move time instead of
sleeping through a window (credential re-checks, no-data time, clock skew, clear delays).

``now()`` is wall time (aware UTC): what readings are judged against. ``monotonic()`` is for
intervals. The gateway's socket timeouts (idle, slow frame, write) stay on the event loop's
own clock: they guard real sockets, and a test that wants them short configures them short.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = ["SYSTEM", "Clock", "FakeClock", "SystemClock"]


class Clock(Protocol):
    def now(self) -> datetime: ...

    def monotonic(self) -> float: ...


class SystemClock:
    """The machine's clocks."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()


class FakeClock:
    """A clock that moves only when told (thread-safe: a gateway reads it on its own thread)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
        if self._now.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._mono = 1000.0
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def monotonic(self) -> float:
        with self._lock:
            return self._mono

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += timedelta(seconds=seconds)
            self._mono += seconds

    def set(self, moment: datetime) -> None:
        """Jump wall time (as an NTP step would); the monotonic clock only moves forward."""
        with self._lock:
            step = (moment - self._now).total_seconds()
            self._now = moment
            self._mono += max(0.0, step)


SYSTEM: Clock = SystemClock()
