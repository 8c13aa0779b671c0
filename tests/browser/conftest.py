"""Browser tests: a real `zoneops serve` process on its own database, driven by Debian's
Chromium through Playwright. The server is loaded with the real demo (`zoneops demo --no-serve`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.net import free_port, wait_for_healthz

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Flags for a root, offline, headless Chromium; without the background-networking ones it tries
# to reach Google's hosts at every start.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]
SCREENSHOTS = Path(os.environ.get("ZONEOPS_SCREENSHOTS",
                                  Path(__file__).resolve().parents[1] / "_artifacts"))




def _database_for_server(tmp: Path) -> tuple[str, callable]:
    """A fresh database for the server: a throwaway PostgreSQL database when the suite runs on
    PostgreSQL, else a SQLite file. Returns its URL and a function that removes it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp / 'browser.sqlite3'}", lambda: None
    import psycopg

    base, _, _name = url.rpartition("/")
    name = f"zoneops_browser_{os.getpid()}"
    # The maintenance database always exists; DATABASE_URL's own database may not (pytest-django
    # creates test_<name>, not <name>).
    admin_url = f"{base}/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return f"{base}/{name}", drop


class Site:
    def __init__(self, base_url: str, env: dict[str, str]):
        self.base_url = base_url
        self.env = env

    def zoneops(self, *args: str, stdin: str | None = None) -> str:
        result = subprocess.run([sys.executable, "-m", "zoneops.cli", *args], env=self.env,
                                input=stdin, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def python(self, code: str) -> str:
        """Run code in a Django shell against the server's database."""
        return self.zoneops("shell", "-c", code)


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("site")
    database_url, drop_database = _database_for_server(tmp)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "ZONEOPS_VAR_DIR": str(tmp),
           "LOG_LEVEL": "warning", "LOGIN_FAILURE_LIMIT": "50"}
    site = Site(f"http://127.0.0.1:{port}", env)
    site.zoneops("demo", "--no-serve")
    server = subprocess.Popen(
        [sys.executable, "-m", "zoneops.cli", "serve", "--port", str(port), "--no-worker"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_healthz(site.base_url, server)
        yield site
    finally:
        server.terminate()
        server.wait(timeout=10)
        drop_database()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                             headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, site):
    context = browser.new_context(base_url=site.base_url, viewport={"width": 1366, "height": 860},
                                  locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def login(page, username: str, password: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_selector("header.topbar")


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)
