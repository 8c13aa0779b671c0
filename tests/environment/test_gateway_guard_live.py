"""The gateway's connection guard over real sockets (issue 17): password guessing is slowed
down and its connections closed while the station keeps working from its own address;
connections that never authenticate are closed; connections are capped per address and in
total; every refusal is counted by reason. Loopback has a whole /8: 127.0.0.2 and 127.0.0.3
are other addresses."""

from __future__ import annotations

import logging
import socket
import time
from datetime import datetime, timedelta

import pytest

from zoneops.core.models import AuditEntry
from zoneops.environment.clock import FakeClock
from zoneops.environment.models import Reading, RejectCount, Station
from zoneops.hj212 import Reframer

from .conftest import GatewayThread, Logger, frame

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
T = datetime(2026, 3, 1, 16, 0)
THROTTLED = "environment.gateway throttled"


class LoggerFrom(Logger):
    """A test logger connecting from another loopback address."""

    def __init__(self, port: int, source: str) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10,
                                             source_address=(source, 0))
        self.reframer = Reframer()
        self.pending: list = []


def wrong(station: Station) -> Station:
    return Station(mn=station.mn, password="guess")


def until(condition, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.fixture
def guarded():
    clock = FakeClock()
    running = GatewayThread(clock, idle_timeout=5, frame_timeout=2, pw_failure_limit=3,
                            pw_answer_delay=0.3, reject_flush_interval=0.1)
    running.clock = clock
    yield running
    running.stop()


def test_guessing_is_slowed_and_closed_while_the_station_works_from_its_address(env, guarded):
    stats = guarded.gateway.stats
    # The attack: thousands of wrong PWs pipelined on one connection, then the right
    # one. Three are checked and answered 9011 QnRtn=3; the third reaches the limit: its
    # answer is held back, then the connection is closed and the rest is never read.
    attacker = Logger(guarded.port)
    attacker.send(b"".join(frame(wrong(env.plant), T + timedelta(minutes=k), {"a21028": 1})
                           for k in range(200)) + frame(env.plant, T, {"a21028": 0.01}))
    started = time.monotonic()
    answers = attacker.answers(10)
    assert [(a.cn, a.cp.extras["QnRtn"]) for a in answers] == [("9011", "3")] * 3
    assert attacker.closed_by_server()
    assert time.monotonic() - started >= 0.3  # the third answer waited pw_answer_delay
    assert not Reading.objects.exists()
    assert stats.rejects == {"bad_pw": 3, "closed_pw_limit": 1}
    audit = AuditEntry.objects.get(action=THROTTLED)
    assert audit.object_id == str(env.plant.pk) and audit.actor_name == "gateway"
    assert audit.after == {"limit": "mn_address", "address": "127.0.0.1", "failures": 3,
                           "window_seconds": 900.0}

    # During the back-off even the right PW from that address is not checked: it is
    # answered 9011 QnRtn=3 (late) and the connection closed.
    again = Logger(guarded.port)
    again.send(frame(env.plant, T, {"a21028": 0.01}))
    (refused,) = again.answers(1)
    assert (refused.cn, refused.cp.extras["QnRtn"]) == ("9011", "3")
    assert again.closed_by_server()
    assert stats.rejects["pw_backoff"] == 1 and stats.rejects["bad_pw"] == 3
    assert until(lambda: RejectCount.objects.filter(station=env.plant, code="pw_backoff",
                                                    count=1).exists())

    # The station itself, from its own address, is not kept out.
    station = LoggerFrom(guarded.port, "127.0.0.2")
    station.send(frame(env.plant, T, {"a21028": 0.01}))
    assert station.answers(1)[0].cn == "9014"
    station.close()

    # After the back-off (2 s of the gateway's clock) the right PW works from there too.
    guarded.clock.advance(2.5)
    later = Logger(guarded.port)
    later.send(frame(env.plant, T + timedelta(minutes=1), {"a21028": 0.01}))
    assert later.answers(1)[0].cn == "9014"
    assert Reading.objects.filter(station=env.plant).count() == 2
    assert AuditEntry.objects.filter(action=THROTTLED).count() == 1
    assert "closed_pw_limit=1" in guarded.gateway.counters()
    assert "pw_backoff=1" in guarded.gateway.counters()
    later.close()


def test_an_address_guessing_over_many_mns_is_slowed_but_a_known_station_there_is_not(
        env, guarded):
    """Per address the limit is four times the per-MN one (12 here), unknown MNs included;
    an MN that has logged in from that address is not slowed down by its total."""
    trusted = Logger(guarded.port)
    trusted.send(frame(env.edge, T, {"a21028": 0.01}))
    assert trusted.answers(1)[0].cn == "9014"
    trusted.close()
    for k in range(12):
        guesser = Logger(guarded.port)
        guesser.send(frame(Station(mn=f"NOBODY{k}", password="x"), T, {"a21028": 1}))
        (answer,) = guesser.answers(1)
        assert answer.cp.extras["QnRtn"] == "4"
        guesser.close()
    assert guarded.gateway.stats.rejects == {"unknown_mn": 12, "closed_pw_limit": 1}
    stranger = Logger(guarded.port)  # another MN, never seen from here: backed off
    stranger.send(frame(env.mast, T, {"a01007": 1.0}))
    assert stranger.answers(1)[0].cp.extras["QnRtn"] == "3"
    assert stranger.closed_by_server()
    known = Logger(guarded.port)  # the station that logged in from here: not
    known.send(frame(env.edge, T + timedelta(minutes=1), {"a21028": 0.01}))
    assert known.answers(1)[0].cn == "9014"
    known.close()
    assert not AuditEntry.objects.filter(action=THROTTLED).exists()  # no station to audit
    # The address's back-off is not blamed on the station whose MN the stranger named.
    time.sleep(0.3)  # a few flushes of the counted rejects
    assert guarded.gateway.stats.rejects["pw_backoff"] == 1
    assert not RejectCount.objects.filter(code="pw_backoff").exists()


def test_a_connection_that_never_authenticates_is_closed_whatever_it_sends(env):
    """A CRLF every 0.1 s kept such a connection open forever (issue 17)."""
    running = GatewayThread(idle_timeout=5, frame_timeout=2, auth_timeout=0.6)
    try:
        chatty = Logger(running.port)
        authenticated = Logger(running.port)
        authenticated.send(frame(env.plant, T, {"a21028": 0.01}))
        assert authenticated.answers(1)[0].cn == "9014"
        started = time.monotonic()
        closed_after = None
        while time.monotonic() - started < 4:
            try:
                chatty.send(b"\r\n")
            except OSError:
                closed_after = time.monotonic() - started
                break
            time.sleep(0.1)
        assert closed_after is not None and 0.4 < closed_after < 3
        assert running.gateway.stats.rejects == {"timeout_unauthenticated": 1}
        # The authenticated connection outlives the timeout and is still answered.
        time.sleep(max(0.0, 0.8 - (time.monotonic() - started)))
        authenticated.send(frame(env.plant, T + timedelta(minutes=1), {"a21028": 0.01}))
        assert authenticated.answers(1)[0].cn == "9014"
        authenticated.close()
    finally:
        running.stop()


def test_connections_are_capped_per_address_and_in_total(env, caplog):
    running = GatewayThread(max_per_address=3, max_connections=5)
    caplog.set_level(logging.WARNING, logger="zoneops.gateway")
    try:
        stats = running.gateway.stats

        def answered(logger: Logger, minute: int) -> bool:
            logger.send(frame(env.plant, T + timedelta(minutes=minute), {"a21028": 0.01}))
            return logger.answers(1)[0].cn == "9014"

        mine = [Logger(running.port) for _ in range(3)]
        assert all(answered(lg, k) for k, lg in enumerate(mine))
        assert Logger(running.port).closed_by_server()  # the 4th from 127.0.0.1
        other = [LoggerFrom(running.port, "127.0.0.2") for _ in range(2)]
        assert all(answered(lg, 10 + k) for k, lg in enumerate(other))
        assert LoggerFrom(running.port, "127.0.0.3").closed_by_server()  # 5 open in all
        assert stats.rejects == {"refused_max_per_address": 1, "refused_max_connections": 1}
        assert "refused_max_per_address" in caplog.text
        # A place freed is a place for anyone.
        mine.pop().close()
        assert until(lambda: running.gateway.guard.open_total == 4)
        third = LoggerFrom(running.port, "127.0.0.3")
        assert answered(third, 20)
        # Refusals are logged once a minute per address and reason, counted every time.
        for _ in range(3):
            assert LoggerFrom(running.port, "127.0.0.3").closed_by_server()
        assert stats.rejects["refused_max_connections"] == 4
        assert caplog.text.count("refused_max_connections") == 1
        for lg in (*mine, *other, third):
            lg.close()
        assert until(lambda: running.gateway.guard.open_total == 0)
        assert running.gateway.guard.open_by_address == {}
    finally:
        running.stop()


def test_the_counters_are_logged_with_their_reasons(env, caplog):
    running = GatewayThread(stats_interval=0.2, max_per_address=1)
    caplog.set_level(logging.INFO, logger="zoneops.gateway")
    try:
        first = Logger(running.port)
        first.send(frame(env.plant, T, {"a21028": 0.01}))
        assert first.answers(1)[0].cn == "9014"
        assert Logger(running.port).closed_by_server()
        assert until(lambda: "refused_max_per_address=1" in caplog.text)
        line = next(r.getMessage() for r in caplog.records
                    if "refused_max_per_address=1" in r.getMessage())
        assert line.startswith("counters: connections=2 open=1 packets=1 stored=1")
        first.close()
    finally:
        running.stop()
