"""Small helpers the bench scripts share (run by hand, never by the test suite)."""

from __future__ import annotations

import http.cookiejar
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
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


class Browser:
    """One person's HTTP session against a bench server: a cookie jar, GET, and POST with the
    CSRF token from the cookie (errors come back as their status and body)."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=120) as r:
            return r.read().decode()

    def post(self, path: str, fields: list[tuple[str, str]]) -> tuple[int, str]:
        data = urllib.parse.urlencode(fields + [("csrfmiddlewaretoken", self.csrf())]).encode()
        request = urllib.request.Request(self.base + path, data=data,
                                         headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=120) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()
