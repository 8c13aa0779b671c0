import os
import signal
import subprocess
import sys
from importlib import import_module

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import translation

from ...models import Role


class Command(BaseCommand):
    help = "Migrate, load the demo zone (idempotent), print the demo logins and serve."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="load the demo data only")
        # The same variables as `make demo` (README, "Ports"): PORT, HOST, GATEWAY_PORT.
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"),
                            help="address of the web server (default $HOST or 127.0.0.1)")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")),
                            help="port of the web server (default $PORT or 8000); the HJ 212 "
                                 "gateway listens on $GATEWAY_PORT (default 8212)")

    def handle(self, *args, no_serve, host, port, **options):
        from ...demo import load

        call_command("migrate", interactive=False, verbosity=0)
        with translation.override("zh-hans"):
            logins = load(stdout=self.stdout)
            # Each module may add its own demo data: a `demo.load(stdout)` in the app package,
            # run after the core demo (so units, enterprises and people exist), idempotent.
            for config in apps.get_app_configs():
                if config.name.startswith("zoneops.") and config.name != "zoneops.core":
                    try:
                        module = import_module(f"{config.name}.demo")
                    except ModuleNotFoundError as exc:
                        if exc.name != f"{config.name}.demo":
                            raise
                        continue
                    module.load(stdout=self.stdout)
        # One login per role is what a visitor needs; the other staff accounts exist for realism.
        first_per_role = []
        for login in logins:
            if login["role"] not in {shown["role"] for shown in first_per_role}:
                first_per_role.append(login)
        width = max(len(login["username"]) for login in first_per_role)
        self.stdout.write(self.style.SUCCESS("\nDemo zone loaded. Demo logins (演示账号):"))
        with translation.override("zh-hans"):
            for login in first_per_role:
                self.stdout.write(f"  {login['username']:<{width}}  {login['password']}  "
                                  f"{Role(login['role']).label}（{login['full_name']} · "
                                  f"{login['unit_or_enterprise']}）")
        self.stdout.write(f"  … and {len(logins) - len(first_per_role)} more staff accounts "
                          "with the same password (see People when logged in as admin).")
        if no_serve:
            return
        self.stdout.write(self.style.SUCCESS(
            f"\nZoneOps is at http://{host}:{port}/  (log in with a demo account above; "
            "Ctrl-C stops it)\n"))
        children = _start_live_feed(self.stdout)
        # uvicorn re-raises the SIGTERM it stopped on once it has shut down; by default that
        # kills this process before the finally below could stop the gateway and simulator.
        previous = signal.signal(signal.SIGTERM, _exit_on_signal)
        try:
            call_command("serve", host=host, port=port)
        finally:
            signal.signal(signal.SIGTERM, previous)
            for child in children:  # stop the gateway and the simulator with the server
                child.terminate()
            for child in children:
                try:
                    child.wait(5)
                except subprocess.TimeoutExpired:
                    child.kill()


def _exit_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def _start_live_feed(stdout) -> list[subprocess.Popen]:
    """The environment module's HJ 212 gateway and the logger simulator (with a scripted
    H2S release two minutes in), so the live watch moves and an alarm happens."""
    if not apps.is_installed("zoneops.environment"):
        return []
    port = os.environ.get("GATEWAY_PORT", "8212")
    command = [sys.executable, "-m", "zoneops.cli"]
    gateway = subprocess.Popen([*command, "gateway", "--host", "127.0.0.1", "--port", port,
                                "--silence-interval", "30"])
    simulator = subprocess.Popen([*command, "simulate", "--port", port, "--interval", "10",
                                  "--release", "a21028@CWHG-E01", "--release-after", "120",
                                  "--release", "a24088@CWHG-E03", "--release-after", "120"],
                                 stdout=subprocess.DEVNULL)
    children = [simulator]
    if apps.is_installed("zoneops.water"):  # the wastewater chain's loggers: history, then live
        children.append(subprocess.Popen([*command, "water", "simulate", "--port", port,
                                          "--days", "3", "--pace", "0.01", "--live",
                                          "--raise-alerts"],
                                         stdout=subprocess.DEVNULL))
    stdout.write(f"HJ 212 gateway on 127.0.0.1:{port} and the simulated loggers started.\n")
    return [*children, gateway]
