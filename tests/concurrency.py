"""Races on a real database: N threads, each on its own connection, start together.

Only PostgreSQL runs them (SQLite serialises writers, so the race cannot happen there); a
module defines its race tests under `if ON_POSTGRESQL:` so they are not collected elsewhere."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.conf import settings
from django.db import connection

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"].endswith(("postgresql", "postgis"))


def race(count: int, attempt: Callable[[], str], timeout: float = 120) -> list[str]:
    """Run `attempt` in `count` threads released at once; returns each one's outcome label
    (an unexpected exception becomes "error: …", so the caller's assertion shows it)."""
    start = threading.Barrier(count)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            start.wait()
            try:
                outcome = attempt()
            except Exception as exc:  # noqa: BLE001 - reported in the caller's assertion
                outcome = f"error: {exc!r}"
            with lock:
                outcomes.append(outcome)
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=run) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    return outcomes
