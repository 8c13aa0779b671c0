"""`zoneops water balance --in CHAIN.json [--out OUT.json]`: the pure balance engine on a
chain file (no database needed). `zoneops water check --from … --to … [--raise-alerts]`: the
same on the registered chain and its stations' stored HJ 212 readings."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError

from zoneops.core.commandline import write_whole
from zoneops.water.balance import ChainError, run


def read_chain(path: str):
    try:
        if path == "-":
            return json.load(sys.stdin)
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError as exc:
        raise CommandError(f"--in: cannot read {path}: {exc.strerror}", returncode=2) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CommandError(f"--in: not valid JSON: {exc}", returncode=2) from exc


class Command(BaseCommand):
    help = "Wastewater chain: balance a chain's loads and report anomalies (JSON)."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        bal = sub.add_parser("balance", help="balance a CHAIN.json and list anomaly episodes")
        bal.add_argument("--in", dest="input", required=True,
                         help="chain file (points and series), - for standard input")
        bal.add_argument("--out", default=None, help="result file (default: standard output)")
        check = sub.add_parser("check", help="balance the registered chain's stored readings")
        check.add_argument("--from", dest="start", required=True,
                           help="ISO date or time (Beijing time without an offset)")
        check.add_argument("--to", dest="end", required=True, help="end (exclusive)")
        check.add_argument("--kind", default="hour", choices=["min", "hour"],
                           help="which stored readings (HJ 212 2051 minute or 2061 hourly data)")
        check.add_argument("--out", default=None, help="result file (default: standard output)")
        check.add_argument("--raise-alerts", action="store_true",
                           help="turn every anomaly into a core alert")
        sim = sub.add_parser("simulate", help="feed the demo chain's stations through an "
                             "HJ 212 gateway (hourly data, CN 2061)")
        sim.add_argument("--host", default="127.0.0.1")
        sim.add_argument("--port", type=int, default=8212)
        sim.add_argument("--days", type=int, default=3,
                         help="days of history to send first (a night discharge included)")
        sim.add_argument("--pace", type=float, default=0.0,
                         help="seconds between the history's uploads")
        sim.add_argument("--live", action="store_true",
                         help="then send each hour's data as the hour ends, until stopped")
        sim.add_argument("--raise-alerts", action="store_true",
                         help="after each send, balance the last 72 hours and raise alerts")

    def handle(self, *args, action, out=None, **opts):
        if action == "simulate":
            from zoneops.water.feed import run_simulation

            try:
                sent = run_simulation(host=opts["host"], port=opts["port"], days=opts["days"],
                                      pace=opts["pace"], live=opts["live"],
                                      alerts=opts["raise_alerts"])
            except ValueError as exc:
                raise CommandError(str(exc), returncode=2) from exc
            self.stdout.write(f"{sent} hourly uploads sent and acknowledged\n")
            return
        if action == "check":
            result = self._check(opts)
        else:
            try:
                result = run(read_chain(opts["input"]))
            except ChainError as exc:
                raise CommandError(str(exc), returncode=2) from exc
        text = json.dumps(result, ensure_ascii=False, indent=1) + "\n"
        if out is None:
            self.stdout.write(text, ending="")
            return
        try:
            write_whole(out, text)
        except OSError as exc:
            raise CommandError(f"--out: cannot write {out}: {exc.strerror}", returncode=2) from exc

    def _check(self, opts) -> dict:
        from zoneops.water import selectors, services
        from zoneops.water.balance import balance, parse_chain
        from zoneops.water.balance.limits import set_names

        start, end = _when(opts["start"], "--from"), _when(opts["end"], "--to")
        if end <= start:
            raise CommandError("--to must be after --from", returncode=2)
        try:
            chain = parse_chain(selectors.chain_document(start, end, opts["kind"]), set_names())
        except ChainError as exc:
            raise CommandError(f"stored chain: {exc}", returncode=2) from exc
        found = balance(chain)
        if opts["raise_alerts"]:
            services.raise_alerts(found)
        return {"anomalies": [a.as_json() for a in found]}


def _when(text: str, option: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"{option}: not an ISO date or time: {text!r}", returncode=2) from exc
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo("Asia/Shanghai"))
