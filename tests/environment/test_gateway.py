"""The gateway over real sockets on 127.0.0.1: answers after commit, authentication,
partial and merged reads, split packets, garbage and fuzz, timeouts."""

from __future__ import annotations

import random
import socket
import threading
import time
from datetime import datetime, timedelta

import pytest

from zoneops.environment.clock import FakeClock
from zoneops.environment.models import GatewayState, Reading, RejectCount, Station
from zoneops.hj212.simulator import upload_frames

from .conftest import GatewayThread, Logger, frame

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
T = datetime(2026, 3, 1, 16, 0)


def test_upload_is_stored_then_answered_with_its_qn(env, gateway):
    logger = Logger(gateway.port)
    logger.send(frame(env.plant, T, {"a21028": 0.01, "a24088": 1.5}))
    (answer,) = logger.answers(1)
    assert (answer.cn, answer.st, answer.mn) == ("9014", "91", "PLANT0001")
    assert answer.qn == "20260301160000000"
    # The answer came after the commit: the rows are there for anyone to read now.
    assert Reading.objects.filter(station=env.plant).count() == 2
    state = GatewayState.objects.get(station=env.plant)
    assert state.packets == 1 and state.last_address.startswith("127.0.0.1:")
    logger.close()


def test_unknown_mn_and_wrong_pw_get_9011_and_nothing_is_stored(env, gateway):
    logger = Logger(gateway.port)
    env.plant.password = "wrong"
    logger.send(frame(env.plant, T, {"a21028": 0.01}))
    env.plant.mn = "NOBODY"
    logger.send(frame(env.plant, T, {"a21028": 0.01}))
    pw_answer, mn_answer = logger.answers(2)
    assert (pw_answer.cn, pw_answer.cp.extras["QnRtn"]) == ("9011", "3")
    assert (mn_answer.cn, mn_answer.cp.extras["QnRtn"]) == ("9011", "4")
    assert not Reading.objects.exists()
    assert RejectCount.objects.get(station_id=env.plant.pk, code="bad_pw").count == 1
    assert gateway.gateway.stats.rejects == {"bad_pw": 1, "unknown_mn": 1}
    logger.close()


def test_a_park_reconnecting_at_once_is_authenticated_in_a_few_queries(env, gateway):
    """After a restart every logger reconnects at once: the gateway checks the credentials
    that arrive while one check runs together, and each connection still gets its own
    answer (9014, or 9011 with the reason for a wrong PW or an unknown MN)."""
    stations = [env.plant, env.edge, env.mast] * 12
    loggers = [Logger(gateway.port) for _ in range(len(stations) + 2)]
    for n, (logger, station) in enumerate(zip(loggers, stations, strict=False)):
        logger.send(frame(station, T + timedelta(minutes=n), {"a21028": 0.001}))
    wrong_pw = Station(mn=env.plant.mn, password="wrong")
    unknown = Station(mn="NOBODY0001", password="pw")
    loggers[-2].send(frame(wrong_pw, T, {"a21028": 0.001}))
    loggers[-1].send(frame(unknown, T, {"a21028": 0.001}))
    answers = [logger.answers(1)[0] for logger in loggers]
    assert [a.cn for a in answers[:-2]] == ["9014"] * len(stations)
    assert [(a.cn, a.cp.extras["QnRtn"]) for a in answers[-2:]] == [("9011", "3"),
                                                                      ("9011", "4")]
    assert Reading.objects.count() == len(stations)
    assert gateway.gateway.authenticator.checks < len(loggers) // 2
    for logger in loggers:
        logger.close()


def test_a_changed_password_reaches_a_connected_logger(env):
    """A connection re-checks the MN + PW it accepted (here after 60 s of the gateway's
    clock, moved by the test): once the station's password is changed, the old one gets 9011
    QnRtn=3 on the same connection and nothing is stored, and the new one is accepted."""
    clock = FakeClock()
    running = GatewayThread(clock, recheck_credentials=60.0)
    try:
        logger = Logger(running.port)
        logger.send(frame(env.plant, T, {"a21028": 0.01}))
        assert logger.answers(1)[0].cn == "9014"
        Station.objects.filter(pk=env.plant.pk).update(password="pw-rotated")
        clock.advance(59)
        logger.send(frame(env.plant, T + timedelta(minutes=1), {"a21028": 0.01}))
        assert logger.answers(1)[0].cn == "9014"  # still trusted: checked under 60 s ago
        clock.advance(2)
        logger.send(frame(env.plant, T + timedelta(minutes=2), {"a21028": 0.01}))
        (refused,) = logger.answers(1)
        assert (refused.cn, refused.cp.extras["QnRtn"]) == ("9011", "3")
        assert Reading.objects.filter(station=env.plant).count() == 2
        env.plant.password = "pw-rotated"
        logger.send(frame(env.plant, T + timedelta(minutes=2), {"a21028": 0.01}))
        assert logger.answers(1)[0].cn == "9014"
        assert Reading.objects.filter(station=env.plant).count() == 3
        logger.close()
    finally:
        running.stop()


def test_partial_and_merged_reads_and_resend_stored_once(env, gateway):
    frames = [frame(env.plant, T + timedelta(minutes=i), {"a21028": 0.001 * i})
              for i in range(20)]
    stream = b"".join(frames + frames[:5])  # the last five are resent
    logger = Logger(gateway.port)
    rng = random.Random(7)
    pos = 0
    while pos < len(stream):  # cut at arbitrary points, some reads holding several frames
        step = rng.choice([1, 3, 17, 200, 700])
        logger.send(stream[pos:pos + step])
        pos += step
        time.sleep(0.001)
    answers = logger.answers(25)
    assert len(answers) == 25 and all(a.cn == "9014" for a in answers)
    assert Reading.objects.filter(station=env.plant).count() == 20
    logger.close()


def test_split_upload_parts_stored_and_answered_each(env, gateway):
    from zoneops.environment.services import update_station
    from zoneops.hj212.codes import POLLUTANTS

    codes = sorted(POLLUTANTS)  # every code the tables know, registered for the station
    update_station(env.world.users["admin"], env.plant, {}, factors=codes)
    values = {code: (float(i) + 0.123456, "N") for i, code in enumerate(codes)}
    parts = upload_frames("2011", mn=env.plant.mn, pw=env.plant.password, data_time=T,
                          values=values)
    assert len(parts) > 1
    logger = Logger(gateway.port)
    logger.send(b"".join(parts))
    answers = logger.answers(len(parts))
    assert len({a.qn for a in answers}) == len(parts)
    assert Reading.objects.filter(station=env.plant).count() == len(codes)
    logger.close()


def test_garbage_and_fuzz_never_disturb_a_good_connection(env, gateway):
    good = Logger(gateway.port)
    stop = threading.Event()
    rng = random.Random(212)
    valid = frame(env.edge, T, {"a21028": 0.01})

    def fuzz() -> None:
        while not stop.is_set():
            try:
                with socket.create_connection(("127.0.0.1", gateway.port), timeout=2) as s:
                    for _ in range(20):
                        kind = rng.random()
                        if kind < 0.3:
                            chunk = rng.randbytes(rng.randint(1, 3000))
                        elif kind < 0.6:  # a valid frame with a flipped byte
                            b = bytearray(valid)
                            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
                            chunk = bytes(b)
                        elif kind < 0.8:
                            chunk = b"##9999" + b"A" * rng.randint(0, 5000)
                        else:
                            chunk = b"##0100" + rng.randbytes(104) + b"\r\n"
                        s.sendall(chunk)
            except OSError:
                pass

    # The good logger signs in first: flipped bytes in the fuzz hit passwords too, and the
    # gateway then slows that address down for every MN not yet seen there (gateway_guard).
    good.send(frame(env.plant, T, {"a21028": 0.001}))
    assert good.answers(1)[0].cn == "9014"
    threads = [threading.Thread(target=fuzz) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for i in range(1, 30):
            good.send(frame(env.plant, T + timedelta(minutes=i), {"a21028": 0.001}))
            (answer,) = good.answers(1)
            assert answer.cn == "9014"
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert Reading.objects.filter(station=env.plant).count() == 30
    assert gateway.gateway.stats.rejects  # the fuzz was seen and refused
    # Good frames of the boundary station hidden in the fuzz may be stored, never others.
    assert not Reading.objects.exclude(station__in=[env.plant, env.edge]).exists()
    good.close()


def test_bad_frame_from_known_station_counted_by_reason(env, gateway):
    logger = Logger(gateway.port)
    logger.send(frame(env.plant, T, {"a21028": 0.01}))
    logger.answers(1)
    bad = bytearray(frame(env.plant, T + timedelta(minutes=1), {"a21028": 0.01}))
    bad[-4] = ord("0") if bad[-4] != ord("0") else ord("1")  # break the CRC
    logger.send(bytes(bad))
    logger.send(frame(env.plant, T + timedelta(minutes=2), {"a21028": 0.01}))
    (answer,) = logger.answers(1)
    assert answer.qn == "20260301160200000"
    assert RejectCount.objects.get(station=env.plant, code="crc_mismatch").count == 1
    logger.close()


def _broken_crc(station, when) -> bytes:
    bad = bytearray(frame(station, when, {"a21028": 0.01}))
    bad[-4] = ord("0") if bad[-4] != ord("0") else ord("1")
    return bytes(bad)


def test_a_connection_sending_only_rejects_is_closed_and_its_log_capped(env, gateway, caplog):
    caplog.set_level("WARNING", logger="zoneops.gateway")
    spewer = Logger(gateway.port)
    for i in range(25):
        try:
            spewer.send(_broken_crc(env.plant, T + timedelta(minutes=i)))
        except (BrokenPipeError, ConnectionResetError):
            break  # closed already
        time.sleep(0.005)  # separate reads, so the close comes at the twentieth
    assert spewer.closed_by_server()
    rejected = gateway.gateway.stats.rejects["crc_mismatch"]
    assert 20 <= rejected <= 25
    one_by_one = [r for r in caplog.records if "rejected (crc_mismatch)" in r.getMessage()]
    assert len(one_by_one) == 5
    summary = [r.getMessage() for r in caplog.records if "not logged one by one" in r.getMessage()]
    assert summary == [f"{spewer.sock.getsockname()[0]}:{spewer.sock.getsockname()[1]}: "
                       f"{rejected - 5} further rejected frames not logged one by one"]
    assert any("rejected frames in a row, closing" in r.getMessage() for r in caplog.records)


def test_a_good_frame_between_rejects_keeps_the_connection(env, gateway):
    logger = Logger(gateway.port)
    for round_ in range(2):
        for i in range(15):
            logger.send(_broken_crc(env.plant, T + timedelta(minutes=i)))
        logger.send(frame(env.plant, T + timedelta(hours=round_), {"a21028": 0.01}))
        (answer,) = logger.answers(1)
        assert answer.cn == "9014"
    assert gateway.gateway.stats.rejects["crc_mismatch"] == 30
    logger.close()


def test_idle_and_slow_connections_time_out(env, gateway):
    slow = Logger(gateway.port)
    slow.send(frame(env.plant, T, {"a21028": 0.01})[:20])  # a frame that never ends
    idle = Logger(gateway.port)
    started = time.monotonic()
    assert slow.closed_by_server()
    assert 1.5 < time.monotonic() - started < 5
    assert idle.closed_by_server()
    assert gateway.gateway.stats.rejects.get("timeout_slow") == 1
    assert gateway.gateway.stats.rejects.get("timeout_idle") == 1


def test_a_logger_that_keeps_sending_is_never_idle_and_one_that_stops_is(env):
    """The idle timer is moved only when it fires: a logger sending every 0.3 s across three
    idle times of 0.8 s stays connected and answered; once it stops it is closed as idle."""
    running = GatewayThread(idle_timeout=0.8, frame_timeout=0.5)
    try:
        logger = Logger(running.port)
        for k in range(8):
            logger.send(frame(env.plant, T + timedelta(minutes=k), {"a21028": 0.001}))
            assert logger.answers(1)[0].cn == "9014"
            time.sleep(0.3)
        stopped = time.monotonic()
        assert logger.closed_by_server()
        assert 0.4 < time.monotonic() - stopped < 3
        assert running.gateway.stats.rejects == {"timeout_idle": 1}
    finally:
        running.stop()


def test_a_logger_that_reads_no_answers_is_closed_after_the_write_timeout(env):
    """Answers a logger never reads fill the kernel's buffers, then ours; after write_timeout
    the connection is closed (counted, not logged as a failure) and the others go on."""
    from zoneops.hj212 import encode

    running = GatewayThread(write_timeout=0.5)
    try:
        deaf = socket.socket()
        deaf.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)  # before connecting
        deaf.connect(("127.0.0.1", running.port))
        deaf.settimeout(5)
        notice = encode(st=22, cn=2022, pw=env.plant.password, mn=env.plant.mn, flag=5,
                        qn="20260301160000000")  # answered with 9013 at once, no database
        began = time.monotonic()
        with pytest.raises(OSError):  # the gateway aborts: our sends fail, or it resets
            while time.monotonic() - began < 20:
                deaf.sendall(notice * 50)
        assert running.gateway.stats.rejects.get("timeout_write") == 1
        other = Logger(running.port)  # everyone else is unaffected
        other.send(frame(env.plant, T, {"a21028": 0.001}))
        assert other.answers(1)[0].cn == "9014"
        other.close()
        deaf.close()
    finally:
        running.stop()


def test_many_concurrent_loggers(env, gateway):
    from zoneops.environment.services import create_station

    admin = env.world.users["admin"]
    stations = [create_station(admin, {"mn": f"MANY{i:03d}", "password": "p", "name": f"站{i}",
                                     "kind": "ambient", "latitude": 30.7, "longitude": 120.9},
                                    factors=["a21026", "a21004"])
                for i in range(30)]
    errors = []

    def run(station) -> None:
        try:
            logger = Logger(gateway.port)
            for k in range(5):
                logger.send(frame(station, T + timedelta(minutes=k), {"a21026": 0.01,
                                                                      "a21004": 0.02}))
            assert len(logger.answers(5)) == 5
            logger.close()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(s,)) for s in stations]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Reading.objects.filter(station__mn__startswith="MANY").count() == 30 * 5 * 2
