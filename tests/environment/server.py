"""A real `zoneops gateway` process on its own database, for tests that kill it.

pytest-django's test database is not reachable from another process (in-memory on SQLite), so
these tests migrate a database of their own - a SQLite file, or a throwaway PostgreSQL
database when the suite runs on PostgreSQL - as tests/browser/conftest.py does for its server.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path


def database_for_server(tmp: Path, name: str) -> tuple[str, Callable[[], None]]:
    """A fresh database URL for a server process and a function that removes it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp / f'{name}.sqlite3'}", lambda: None
    import psycopg

    base = url.rpartition("/")[0]
    admin_url = f"{base}/postgres"  # the suite's own database may not exist yet
    db = f"{name}_{os.getpid()}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db}"')

    def drop() -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    return f"{base}/{db}", drop


class Server:
    """Runs zoneops commands against one database; starts and kills gateway processes."""

    def __init__(self, tmp: Path, database_url: str) -> None:
        self.env = {**os.environ, "DATABASE_URL": database_url, "ZONEOPS_VAR_DIR": str(tmp),
                    "LOG_LEVEL": "warning"}
        self.log = tmp / "gateway.log"

    def zoneops(self, *args: str) -> str:
        result = subprocess.run([sys.executable, "-m", "zoneops.cli", *args], env=self.env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def python(self, code: str) -> str:
        return self.zoneops("shell", "-c", code)

    def gateway(self, port: int, *extra: str) -> subprocess.Popen:
        """Start a gateway and wait until it accepts connections."""
        with self.log.open("ab") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "zoneops.cli", "gateway", "--host", "127.0.0.1",
                 "--port", str(port), *extra], env=self.env, stdout=log, stderr=log)
        deadline = time.monotonic() + 60  # Django starting on a loaded 2-core CI machine
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return proc
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    raise RuntimeError("gateway did not start: "
                                       + self.log.read_text(errors="replace")) from None
                time.sleep(0.1)

    @staticmethod
    def kill9(proc: subprocess.Popen) -> None:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)

    @staticmethod
    def stop(proc: subprocess.Popen) -> None:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
