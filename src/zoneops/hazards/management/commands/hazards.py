"""`zoneops hazards assess --in UNIT.json`: GB 18218-2018 S, R and grade of one unit as JSON.

A thin shell over the pure engine (``zoneops.hazards.gb18218``): it needs no database.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ...gb18218 import AssessmentError, assess_json


def read_unit(path: str) -> object:
    """The UNIT JSON from a file (or standard input for "-"); numbers stay exact decimals."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(
            _("cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
        ) from exc
    except UnicodeDecodeError as exc:
        raise CommandError(_("%(path)s is not UTF-8 text") % {"path": path}) from exc
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise CommandError(
            _("%(path)s is not valid JSON: %(error)s (line %(line)s, column %(column)s)")
            % {"path": path, "error": exc.msg, "line": exc.lineno, "column": exc.colno}
        ) from exc


class Command(BaseCommand):
    help = "Major hazards (GB 18218-2018): assess a unit."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        assess = sub.add_parser("assess", help="S, R and grade of one unit (GB 18218-2018)")
        assess.add_argument(
            "--in",
            dest="in_path",
            required=True,
            help="UNIT.json ({kind, population_500m, chemicals: [...]}); - for stdin",
        )

    def handle(self, *args, action: str, **opts) -> None:
        if action == "assess":
            data = read_unit(opts["in_path"])
            try:
                result = assess_json(data)
            except AssessmentError as exc:
                raise CommandError(f"{exc.field}: {_(exc.template) % exc.params}") from exc
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
