"""Reliability: `kill -9` a real gateway process while 50 loggers send; the loggers reconnect to
its successor and resend what was not acknowledged; every upload is then stored exactly once.
The gateway runs as a subprocess on a database of its own (see server.py)."""

from __future__ import annotations

import json
import socket
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from tests.net import free_port
from zoneops.hj212 import Reframer
from zoneops.hj212.simulator import make_qn, realtime_upload

from .server import Server, database_for_server

LOGGERS = 50
PACKETS = 12  # per logger
WINDOW = 4  # uploads in flight before a logger waits for answers
FACTORS = ("a21026", "a21004", "a21028")
T = datetime(2026, 3, 2, 8, 0)

SETUP = """
from zoneops.core.models import Role
from zoneops.core.services.people import save_user
from zoneops.environment.services import save_station
admin = save_user(None, {"username": "admin", "full_name": "admin", "role": Role.ADMIN},
                  password="x-Strong-pass-9")
for i in range(__LOGGERS__):
    save_station(admin, {"mn": f"KILL{i:03d}", "password": "pw", "name": f"站{i}",
                         "kind": "ambient", "latitude": 30.7, "longitude": 120.9})
""".replace("__LOGGERS__", str(LOGGERS))

COUNT = """
import json
from zoneops.environment.models import Reading
rows = Reading.objects.filter(station__mn__startswith="KILL").values_list(
    "station__mn", "factor__code", "time", "kind")
print(json.dumps([[m, f, t.isoformat(), k] for m, f, t, k in rows]))
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("kill9")
    url, drop = database_for_server(tmp, "zo_env_kill9")
    try:
        server = Server(tmp, url)
        server.zoneops("migrate", "-v0")
        server.python(SETUP)
        yield server
    finally:
        drop()


class ResendingLogger(threading.Thread):
    """A data logger with A=1 uploads: it keeps every upload until its 9014 arrives, and after
    a broken connection reconnects and resends those first."""

    def __init__(self, port: int, number: int, acked: list[int]) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.mn = f"KILL{number:03d}"
        # (QN, frame); the QN is made from DataTime, and the 9014 echoes it.
        self.todo = [(make_qn(T + timedelta(minutes=k)), realtime_upload(
            mn=self.mn, pw="pw", data_time=T + timedelta(minutes=k), flag=5,
            values={code: (number + k) / 1e5 for code in FACTORS})) for k in range(PACKETS)]
        self.unacked: dict[str, bytes] = {}  # QN -> frame, in send order
        self.acked = acked  # shared counter [n], read by the test to time the kill
        self.resent = 0
        self.reconnects = 0
        self.error: Exception | None = None

    def run(self) -> None:
        deadline = time.monotonic() + 45
        try:
            while (self.todo or self.unacked) and time.monotonic() < deadline:
                try:
                    sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
                except OSError:
                    time.sleep(0.05)  # gateway down: try again
                    continue
                try:
                    self._session(sock)
                except OSError:
                    self.reconnects += 1
                finally:
                    sock.close()
        except Exception as exc:  # noqa: BLE001 - reported by the test
            self.error = exc

    def _session(self, sock: socket.socket) -> None:
        for data in self.unacked.values():
            sock.sendall(data)
            self.resent += 1
        reframer = Reframer()
        while self.todo or self.unacked:
            while self.todo and len(self.unacked) < WINDOW:
                qn, data = self.todo.pop(0)
                self.unacked[qn] = data
                sock.sendall(data)
                time.sleep(0.005)
            chunk = sock.recv(4096)
            if not chunk:
                raise ConnectionResetError("gateway closed the connection")
            for frame in reframer.feed(chunk):
                if frame.ok and frame.packet.cn == "9014":
                    if self.unacked.pop(frame.packet.qn, None) is not None:
                        self.acked[0] += 1


def test_kill9_mid_stream_then_every_upload_stored_exactly_once(server):
    port = free_port()
    gateway = server.gateway(port, "--silence-interval", "0")
    acked = [0]
    loggers = [ResendingLogger(port, n, acked) for n in range(LOGGERS)]
    try:
        for logger in loggers:
            logger.start()
        deadline = time.monotonic() + 20
        total = LOGGERS * PACKETS
        while acked[0] < total // 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        at_kill = acked[0]
        server.kill9(gateway)
        assert 0 < at_kill < total, "the kill must land mid-stream"
        time.sleep(0.5)  # loggers find the gateway gone and keep retrying
        gateway = server.gateway(port, "--silence-interval", "0")
        for logger in loggers:
            logger.join(40)
    finally:
        server.stop(gateway)
    assert [lg.error for lg in loggers if lg.error] == []
    assert all(not lg.todo and not lg.unacked for lg in loggers), "every upload acknowledged"
    assert acked[0] == total
    assert sum(lg.reconnects for lg in loggers) >= 1
    assert sum(lg.resent for lg in loggers) >= 1, "something was in flight at the kill"

    stored = json.loads(server.python(COUNT).splitlines()[-1])
    keys = [(mn, code, datetime.fromisoformat(when), kind) for mn, code, when, kind in stored]
    # DataTime is Beijing time (UTC+8); readings are stored in UTC.
    expected = {(f"KILL{n:03d}", code,
                 (T + timedelta(minutes=k - 8 * 60)).replace(tzinfo=UTC), "rtd")
                for n in range(LOGGERS) for k in range(PACKETS) for code in FACTORS}
    assert len(keys) == len(expected) == LOGGERS * PACKETS * len(FACTORS)
    assert set(keys) == expected
