import argparse
import errno
import logging
import os

from django.core.management.base import BaseCommand, CommandError

from ...gateway import GatewayConfig, port_in_use, run, run_processes


class Command(BaseCommand):
    help = "Run the HJ 212 gateway (asyncio TCP server for data loggers)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("GATEWAY_HOST", "0.0.0.0"))  # noqa: S104
        parser.add_argument("--port", type=int, default=int(os.environ.get("GATEWAY_PORT",
                                                                            "8212")))
        parser.add_argument("--idle-timeout", type=float, default=300.0)
        parser.add_argument("--frame-timeout", type=float, default=30.0)
        parser.add_argument("--write-timeout", type=float, default=10.0,
                            help="seconds a logger may leave answers unread before it is "
                                 "disconnected")
        parser.add_argument("--silence-interval", type=float, default=30.0,
                            help="seconds between no-data checks (0: never)")
        parser.add_argument("--workers", type=int, default=None, help="database threads")
        parser.add_argument("--recheck-credentials", type=float, default=60.0,
                            help="seconds a connection trusts an MN + PW before checking again")
        parser.add_argument("--processes", type=int, default=1,
                            help="gateway processes sharing the port (e.g. one per core)")
        # The connection guard (issue 17): each has an environment variable for its default.
        guard = parser.add_argument_group(
            "connection guard (per gateway process; environment variables in brackets)")
        for flag, env, kind, default, text in _GUARD:
            # A string default goes through `type` too: a bad variable is an argparse error.
            guard.add_argument(flag, type=kind, default=os.environ.get(env, default),
                               help=f"{text} [{env}, default {default}]")
        # Set by --processes for its own children only: they share the port.
        parser.add_argument("--shared-port", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, host, port, idle_timeout, frame_timeout, write_timeout,
               silence_interval, workers, processes, recheck_credentials, shared_port,
               **options):
        guard = {flag[2:].replace("-", "_"): options[flag[2:].replace("-", "_")]
                 for flag, *_rest in _GUARD}
        for name, value in guard.items():
            if value < 0 or (value == 0 and name not in _MAY_BE_ZERO):
                raise CommandError(f"--{name.replace('_', '-')} must be positive")
        logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO").upper(),
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        if processes > 1:
            if port == 0:
                raise CommandError("--processes needs a fixed --port")
            if port_in_use(host, port):
                raise CommandError(_port_taken(host, port))
            argv = ["--host", host, "--port", str(port), "--idle-timeout", str(idle_timeout),
                    "--frame-timeout", str(frame_timeout), "--write-timeout",
                    str(write_timeout), "--silence-interval",
                    str(silence_interval), "--recheck-credentials", str(recheck_credentials)]
            if workers:
                argv += ["--workers", str(workers)]
            for name, value in guard.items():
                argv += [f"--{name.replace('_', '-')}", str(value)]
            run_processes(processes, argv)
            return
        try:
            run(GatewayConfig(host=host, port=port, idle_timeout=idle_timeout,
                              frame_timeout=frame_timeout, write_timeout=write_timeout,
                              silence_interval=silence_interval, workers=workers,
                              recheck_credentials=recheck_credentials,
                              reuse_port=shared_port, **guard))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CommandError(_port_taken(host, port)) from None
            raise


_GUARD = [
    ("--max-connections", "GATEWAY_MAX_CONNECTIONS", int, "5000",
     "connections open at once; lowered to fit the open-file limit (LimitNOFILE)"),
    ("--max-per-address", "GATEWAY_MAX_PER_ADDRESS", int, "1000",
     "connections open at once from one IP address"),
    ("--auth-timeout", "GATEWAY_AUTH_TIMEOUT", float, "60",
     "seconds a connection may stay open without a right MN + PW"),
    ("--pw-failure-limit", "GATEWAY_PW_FAILURE_LIMIT", int, "5",
     "wrong PWs for one MN from one address (x4 per address, x4 per MN) before back-off"),
    ("--pw-failure-window", "GATEWAY_PW_FAILURE_WINDOW", float, "900",
     "seconds over which wrong PWs are counted"),
    ("--pw-max-delay", "GATEWAY_PW_MAX_DELAY", float, "300",
     "longest back-off in seconds (it doubles from 2 s)"),
    ("--pw-answer-delay", "GATEWAY_PW_ANSWER_DELAY", float, "2",
     "seconds a refusal past a limit is held before its 9011 answer and the close"),
    ("--stats-interval", "GATEWAY_STATS_INTERVAL", float, "300",
     "seconds between log lines of the counters (0: never)"),
]

_MAY_BE_ZERO = {"pw_answer_delay", "stats_interval"}


def _port_taken(host: str, port: int) -> str:
    return (f"{host}:{port} is already in use (another gateway or program listens there); "
            "stop it or choose another --port (GATEWAY_PORT for make demo)")
