"""The connection guard's settings through the real `zoneops gateway` command (flags and
GATEWAY_* environment variables, passed on to the processes of --processes N), and the
connection cap fitted to the open-file limit. The gateway runs on a database of its own."""

from __future__ import annotations

import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.net import free_port

from .server import Server, database_for_server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gateway_guard")
    url, drop = database_for_server(tmp, "zo_env_guard")
    try:
        server = Server(tmp, url)
        server.zoneops("migrate", "-v0")
        yield server
    finally:
        drop()


def _kept_for(port: int) -> float:
    """Seconds until the gateway closes a connection that sends nothing."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        try:
            assert sock.recv(1) == b""
        except ConnectionResetError:
            pass
    return time.monotonic() - started


def test_flags_and_environment_variables_set_the_guard(server):
    port = free_port()
    server.env["GATEWAY_MAX_PER_ADDRESS"] = "2"
    try:
        gateway = server.gateway(port, "--silence-interval", "0", "--auth-timeout", "1")
    finally:
        del server.env["GATEWAY_MAX_PER_ADDRESS"]
    try:
        time.sleep(0.3)  # the start-up probe's connection is gone
        held = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(2)]
        started = time.monotonic()
        assert _kept_for(port) < 0.5  # a third from 127.0.0.1: refused at once
        # Both held connections never authenticate: closed after about a second.
        for sock in held:
            assert sock.recv(1) == b""
            sock.close()
        assert 0.5 < time.monotonic() - started < 5
        time.sleep(0.2)
        assert 0.5 < _kept_for(port) < 5  # places free again: accepted, then timed out
    finally:
        server.stop(gateway)
    log = server.log.read_text(errors="replace")
    assert "refused_max_per_address" in log


def test_processes_get_the_guard_settings(server):
    port = free_port()
    gateway = server.gateway(port, "--silence-interval", "0", "--processes", "2",
                             "--max-per-address", "7", "--pw-failure-limit", "4")
    try:
        deadline = time.monotonic() + 20
        children: list[int] = []
        while len(children) < 2 and time.monotonic() < deadline:
            out = subprocess.run(["pgrep", "-P", str(gateway.pid)], capture_output=True,
                                 text=True).stdout
            children = [int(p) for p in out.split()]
            time.sleep(0.1)
        assert len(children) == 2
        for pid in children:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            at = argv.index(b"--max-per-address")
            assert argv[at + 1] == b"7"
            assert argv[argv.index(b"--pw-failure-limit") + 1] == b"4"
            assert argv[argv.index(b"--auth-timeout") + 1] == b"60.0"
    finally:
        server.stop(gateway)


def test_the_connection_cap_fits_the_open_file_limit(server):
    """Under a low open-file limit (no LimitNOFILE) the gateway lowers its cap and says so,
    instead of failing to accept once the descriptors run out."""
    port = free_port()

    def low_limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (300, 300))

    with server.log.open("ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "zoneops.cli", "gateway", "--host", "127.0.0.1", "--port",
             str(port), "--silence-interval", "0"], env=server.env, stdout=log, stderr=log,
            preexec_fn=low_limit)  # noqa: PLW1509 - only sets a resource limit
    try:
        deadline = time.monotonic() + 30
        while "at most 200 connections" not in server.log.read_text(errors="replace"):
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        server.stop(proc)
