"""`zoneops water balance --in CHAIN.json [--out OUT.json]`: the pure balance engine on a
chain file (no database needed)."""

from __future__ import annotations

import json
import os
import sys
import tempfile

from django.core.management.base import BaseCommand, CommandError

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


def write_atomically(path: str, text: str) -> None:
    """Write the whole file or nothing: a reader never sees half a result."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".water-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class Command(BaseCommand):
    help = "Wastewater chain: balance a chain's loads and report anomalies (JSON)."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        bal = sub.add_parser("balance", help="balance a CHAIN.json and list anomaly episodes")
        bal.add_argument("--in", dest="input", required=True,
                         help="chain file (points and series), - for standard input")
        bal.add_argument("--out", default=None, help="result file (default: standard output)")

    def handle(self, *args, action, input, out, **opts):
        try:
            result = run(read_chain(input))
        except ChainError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        text = json.dumps(result, ensure_ascii=False, indent=1) + "\n"
        if out is None:
            self.stdout.write(text, ending="")
            return
        try:
            write_atomically(out, text)
        except OSError as exc:
            raise CommandError(f"--out: cannot write {out}: {exc.strerror}", returncode=2) from exc
