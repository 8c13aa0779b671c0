"""A station that goes silent raises its no-data alarm through the gateway's own periodic
check (not a direct call), and data arriving again clears it."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from django.db import OperationalError

from zoneops.core.models import Alert
from zoneops.environment.clock import FakeClock
from zoneops.environment.services import update_station

from .conftest import GatewayThread, Logger, frame

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _wait_for(predicate, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OperationalError as exc:  # the suite's in-memory SQLite locks whole tables
            if "locked" not in str(exc):
                raise
        time.sleep(0.1)
    return False


def test_silent_station_alarm_raised_by_the_periodic_check(env):
    """The check runs on its real interval; the silence is measured on the gateway's clock,
    which the test moves past the station's no-data time (no sleeping through it)."""
    station = update_station(env.world.users["admin"], env.plant, {"no_data_seconds": 600})
    clock = FakeClock(datetime(2026, 3, 1, 8, 0, 30, tzinfo=UTC))
    running = GatewayThread(clock, idle_timeout=30, frame_timeout=5, silence_interval=0.05)
    try:
        logger = Logger(running.port)
        logger.send(frame(station, datetime(2026, 3, 1, 16, 0), {"a21028": 0.001}))
        assert logger.answers(1)[0].cn == "9014"
        key = "PLANT0001:*:no-data"
        checks = running.gateway.silence_checks
        assert _wait_for(lambda: running.gateway.silence_checks >= checks + 2)
        assert not Alert.objects.filter(key=key).exists()  # not silent yet
        clock.advance(601)
        assert _wait_for(lambda: Alert.objects.filter(key=key).exists())
        alert = Alert.objects.get(key=key)
        assert alert.level == 2 and alert.cause_cleared_at is None
        # Data again: the alarm's cause clears.
        logger.send(frame(station, datetime(2026, 3, 1, 16, 1), {"a21028": 0.001}))
        assert logger.answers(1)[0].cn == "9014"
        alert.refresh_from_db()
        assert alert.cause_cleared_at is not None
        logger.close()
    finally:
        running.stop()
