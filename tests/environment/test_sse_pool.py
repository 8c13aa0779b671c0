"""Live-update streams against a real `zoneops serve` process (issue 17, item 1).

On PostgreSQL the web process has a psycopg pool; before the fix every open
`/environment/events/` stream kept one pooled connection for its lifetime, so a few browser
tabs made every other request - `/healthz` included - wait for the pool and fail. Here more
streams than the pool holds stay open while `/healthz` answers quickly, and a person's streams
beyond the per-person bound are told to come back later."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.net import free_port, wait_for_healthz

from .server import Server, database_for_server

POOL_SIZE = 3
SETUP = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from zoneops.core.models import Role
from zoneops.core.services.people import create_user
keys = []
for name in ("watcher", "other"):
    user = create_user(None, {"username": name, "role": Role.DUTY_OFFICER}, password="x-Pass-2026!")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "zoneops.core.auth.ThrottledModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    keys.append(session.session_key)
print(" ".join(keys))
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sse")
    url, drop = database_for_server(tmp, "zo_env_sse")
    try:
        server = Server(tmp, url)
        server.zoneops("migrate", "-v0")
        sessions = server.python(SETUP).split()[-2:]
        port = free_port()
        env = {**server.env, "DATABASE_POOL_MIN": "1", "DATABASE_POOL_MAX": str(POOL_SIZE),
               "DATABASE_POOL_TIMEOUT": "4", "ENVIRONMENT_SSE_MAX_STREAMS_PER_USER": "6",
               "ENVIRONMENT_SSE_MAX_STREAMS": "10"}
        proc = subprocess.Popen([sys.executable, "-m", "zoneops.cli", "serve", "--port",
                                 str(port), "--no-worker"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for_healthz(f"http://127.0.0.1:{port}", proc)
            yield port, sessions
        finally:
            proc.terminate()
            proc.wait(10)
    finally:
        drop()


def open_stream(port: int, session: str) -> tuple[socket.socket, str]:
    """Open one stream and read its first event; returns the socket (kept open) and the text."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(f"GET /environment/events/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 f"Cookie: sessionid={session}\r\nAccept: text/event-stream\r\n\r\n".encode())
    received = b""
    while b"retry:" not in received or b"\n\n" not in received.partition(b"retry:")[2]:
        chunk = sock.recv(4096)
        if not chunk:
            break
        received += chunk
    return sock, received.decode(errors="replace")


def timed_healthz(port: int) -> tuple[int, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=15) as reply:
            status = reply.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return status, time.monotonic() - started


def test_more_streams_than_the_pool_and_healthz_stays_fast(site):
    port, (watcher, other) = site
    streams = [open_stream(port, watcher) for _ in range(6)]
    streams += [open_stream(port, other) for _ in range(3)]
    try:
        assert all("200 OK" in text and "retry: 2000" in text for _, text in streams)
        time.sleep(2)  # every stream has polled at least once more
        for _ in range(5):
            status, seconds = timed_healthz(port)
            assert status == 200 and seconds < 1.0, (status, seconds)
        # The overall bound (10) leaves one slot; beyond it a stream is told to retry later.
        _, tenth = open_stream(port, other)
        refused = open_stream(port, other)
        streams.append(refused)
        assert "event: busy" not in tenth
        assert "event: busy" in refused[1] and "retry: " in refused[1]
    finally:
        for sock, _ in streams:
            sock.close()


def test_a_person_beyond_the_bound_is_told_to_retry(site):
    port, (watcher, _) = site
    time.sleep(1)  # the previous test's streams notice their closed sockets
    streams = [open_stream(port, watcher) for _ in range(6)]
    try:
        assert not any("event: busy" in text for _, text in streams)
        sock, text = open_stream(port, watcher)
        streams.append((sock, text))
        retry = int(text.split("retry: ")[1].split("\n")[0])
        assert "event: busy" in text and retry >= 30_000
    finally:
        for sock, _ in streams:
            sock.close()
