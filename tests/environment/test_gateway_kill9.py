"""Reliability: `kill -9` a real gateway process while 50 loggers send; the loggers reconnect to
its successor and resend what was not acknowledged; every upload is then stored exactly once.
The gateway runs as a subprocess on a database of its own (see server.py)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

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
from zoneops.core.services.people import create_user
from zoneops.environment.services import create_station
admin = create_user(None, {"username": "admin", "full_name": "admin", "role": Role.ADMIN},
                  password="x-Strong-pass-9")
for i in range(__LOGGERS__):
    create_station(admin, {"mn": f"KILL{i:03d}", "password": "pw", "name": f"站{i}",
                         "kind": "ambient", "latitude": 30.7, "longitude": 120.9},
                 factors=["a21026", "a21004", "a21028"])
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

    def __init__(self, port: int, number: int, acked: list[int], start: datetime = T) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.mn = f"KILL{number:03d}"
        # (QN, frame); the QN is made from DataTime, and the 9014 echoes it.
        self.todo = [(make_qn(start + timedelta(minutes=k)), realtime_upload(
            mn=self.mn, pw="pw", data_time=start + timedelta(minutes=k), flag=5,
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


def _send_and_kill(port: int, start: datetime, kill, restart, kill_at: float = 1 / 3) -> list:
    """50 resending loggers; ``kill`` runs once ``kill_at`` of the uploads are acknowledged,
    ``restart`` after."""
    acked = [0]
    loggers = [ResendingLogger(port, n, acked, start) for n in range(LOGGERS)]
    for logger in loggers:
        logger.start()
    deadline = time.monotonic() + 20
    total = LOGGERS * PACKETS
    while acked[0] < total * kill_at and time.monotonic() < deadline:
        time.sleep(0.01)
    at_kill = acked[0]
    kill()
    assert 0 < at_kill < total, "the kill must land mid-stream"
    time.sleep(0.5)  # loggers find the gateway gone and keep retrying
    restart()
    for logger in loggers:
        logger.join(40)
    assert [lg.error for lg in loggers if lg.error] == []
    assert all(not lg.todo and not lg.unacked for lg in loggers), "every upload acknowledged"
    assert acked[0] == total
    assert sum(lg.reconnects for lg in loggers) >= 1
    return loggers


def _assert_stored_exactly_once(server: Server, start: datetime) -> None:
    stored = json.loads(server.python(COUNT).splitlines()[-1])
    # DataTime is Beijing time (UTC+8); readings are stored in UTC.
    begin = (start - timedelta(hours=8)).replace(tzinfo=UTC)
    keys = [(mn, code, when, kind) for mn, code, when, kind in
            ((m, c, datetime.fromisoformat(w), k) for m, c, w, k in stored) if when >= begin]
    expected = {(f"KILL{n:03d}", code, begin + timedelta(minutes=k), "rtd")
                for n in range(LOGGERS) for k in range(PACKETS) for code in FACTORS}
    assert len(keys) == len(expected) == LOGGERS * PACKETS * len(FACTORS)
    assert set(keys) == expected


def test_kill9_mid_stream_then_every_upload_stored_exactly_once(server):
    port = free_port()
    running = [server.gateway(port, "--silence-interval", "0")]

    def restart() -> None:
        running.append(server.gateway(port, "--silence-interval", "0"))

    try:
        loggers = _send_and_kill(port, T, lambda: server.kill9(running[0]), restart)
    finally:
        server.stop(running[-1])
    assert sum(lg.resent for lg in loggers) >= 1, "something was in flight at the kill"
    _assert_stored_exactly_once(server, T)


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return sorted(int(p) for p in out.split())


def _listening(pids: list[int], port: int) -> list[int]:
    """Those of the processes that hold a socket listening on the port (from /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[1].endswith(f":{port:04X}") and fields[3] == "0A":  # 0A: LISTEN
                inodes.add(fields[9])
    found = []
    for pid in pids:
        try:
            links = [os.readlink(f) for f in Path(f"/proc/{pid}/fd").iterdir()]
        except OSError:
            continue
        if any(link.startswith("socket:[") and link[8:-1] in inodes for link in links):
            found.append(pid)
    return found


def test_two_processes_one_killed_is_replaced_and_nothing_is_lost(server):
    """`--processes 2`: both serve the port; kill -9 one mid-stream, its loggers reconnect
    (to the survivor or the replacement the supervisor starts) and nothing is lost or
    stored twice, though the two processes now share stations' alarm state."""
    start = T + timedelta(days=1)
    port = free_port()
    gateway = server.gateway(port, "--silence-interval", "0", "--processes", "2")
    try:
        deadline = time.monotonic() + 20
        while (len(_listening(_children(gateway.pid), port)) < 2
               and time.monotonic() < deadline):
            time.sleep(0.1)
        first = _children(gateway.pid)
        assert len(_listening(first, port)) == 2, "both processes listen on the port"
        victim = first[0]

        def kill() -> None:
            os.kill(victim, signal.SIGKILL)

        # Early: on SQLite one process can win the write lock for a while, and the victim's
        # loggers must still have work when it dies.
        _send_and_kill(port, start, kill, lambda: None, kill_at=0.08)
        deadline = time.monotonic() + 20
        while (len(_listening(_children(gateway.pid), port)) < 2
               and time.monotonic() < deadline):
            time.sleep(0.1)
        now = _children(gateway.pid)
        assert victim not in now and first[1] in now
        assert len(_listening(now, port)) == 2, "the replacement listens too"
    finally:
        server.stop(gateway)
    _assert_stored_exactly_once(server, start)


def test_a_second_gateway_refuses_a_port_already_in_use(server):
    """A lone gateway binds its port alone (no SO_REUSEPORT), so a second one started by
    mistake - e.g. a second demo on another database - fails with a clear message instead of
    silently sharing the port and storing half of the uploads elsewhere."""
    port = free_port()
    first = server.gateway(port, "--silence-interval", "0")
    try:
        for extra in ([], ["--processes", "2"]):
            second = subprocess.run(
                [sys.executable, "-m", "zoneops.cli", "gateway", "--host", "127.0.0.1",
                 "--port", str(port), "--silence-interval", "0", *extra],
                env=server.env, capture_output=True, text=True, timeout=60)
            assert second.returncode != 0, extra
            assert f"127.0.0.1:{port} is already in use" in second.stderr, second.stderr
        # The first one still answers on its port.
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        assert first.poll() is None
    finally:
        server.stop(first)  # SIGINT, then kill if it has not stopped (a loaded CI machine)
