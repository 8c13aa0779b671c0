"""Network helpers for tests that run real servers on 127.0.0.1."""

import socket


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_healthz(base_url: str, server, timeout: float = 30) -> None:
    """Wait until a `zoneops serve` process answers /healthz; fail with its stderr if it
    exits or does not answer in time."""
    import subprocess
    import time
    import urllib.request

    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(f"{base_url}/healthz", timeout=1)
            return
        except OSError as exc:
            if server.poll() is not None or time.monotonic() > deadline:
                errors = server.stderr.read().decode(errors="replace") if (
                    server.stderr and server.stderr is not subprocess.DEVNULL) else ""
                raise RuntimeError("server did not start: " + errors) from exc
            time.sleep(0.2)
