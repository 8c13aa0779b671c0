"""Small helpers the bench scripts share (run by hand, never by the test suite)."""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def p95(values: list[float]) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def recreate(url: str) -> None:
    """Drop and create the PostgreSQL database named by url (through the maintenance database)."""
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def serve(env: dict, workers: int, stderr=None) -> tuple[subprocess.Popen, str]:
    """Start `zoneops serve` on a free port and wait until /healthz answers."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "zoneops.cli", "serve", "--port", str(port),
                               "--no-worker", "--workers", str(workers)], env=env,
                              stdout=subprocess.DEVNULL, stderr=stderr or subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    return server, base
