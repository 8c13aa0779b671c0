"""`zoneops hazards assess --in UNIT.json`: GB 18218-2018 S, R and grade of one unit as JSON
(a thin shell over the pure engine; it needs no database).
`zoneops hazards zone --in RELEASE.json`: AEGL threat zones of a release as GeoJSON (pure; no
database: receptors come in the RELEASE document).
`zoneops hazards import FILE.xlsx [--commit] [--as USER]`: the registry from a sheet, checked
and previewed first; written only with --commit.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zoneops.core.commandline import acting_user

from ...gb18218 import AssessmentError, assess_json


def read_unit(path: str, parse_float=Decimal) -> object:
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
        return json.loads(text, parse_float=parse_float)
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
        zone = sub.add_parser("zone", help="AEGL threat zones of a release, as GeoJSON")
        zone.add_argument(
            "--in",
            dest="in_path",
            required=True,
            help="RELEASE.json ({chemical, source, release, met, ...}); - for stdin",
        )
        duties = sub.add_parser(
            "check-duties", help="raise an alert for each 包保 duty missed in its last period"
        )
        duties.add_argument("--today", help="YYYY-MM-DD (default: today)")
        imp = sub.add_parser("import", help="units, equipment and chemicals from an .xlsx sheet")
        imp.add_argument("file")
        imp.add_argument(
            "--commit", action="store_true", help="write (without it: a dry run that checks)"
        )
        imp.add_argument("--as", dest="actor", default="admin", help="acting user's username")

    def handle(self, *args, action: str, **opts) -> None:
        if action == "import":
            return self.do_import(opts["file"], opts["actor"], commit=opts["commit"])
        if action == "check-duties":
            return self.do_check_duties(opts.get("today"))
        if action == "zone":
            return self.do_zone(opts["in_path"])
        if action == "assess":
            data = read_unit(opts["in_path"])
            try:
                result = assess_json(data)
            except AssessmentError as exc:
                raise CommandError(f"{exc.field}: {_(exc.template) % exc.params}") from exc
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))

    def do_check_duties(self, today_text: str | None) -> None:
        from datetime import date

        from django.utils import timezone

        from ...services import check_duties

        try:
            today = date.fromisoformat(today_text) if today_text else timezone.localdate()
        except ValueError as exc:
            raise CommandError(_("--today must be a date like 2026-12-04")) from exc
        counts = check_duties(today=today)
        self.stdout.write(
            _("%(checked)s responsible people checked, %(missed)s missed duties alerted")
            % counts
        )

    def do_zone(self, path: str) -> None:
        from zoneops.dispersion import InputError

        from ...threatzone import threat_zone

        data = read_unit(path, parse_float=float)
        try:
            result = threat_zone(data)
        except InputError as exc:
            raise CommandError(
                _("bad release input at %(field)s: %(message)s")
                % {"field": exc.field, "message": str(exc).split(": ", 1)[-1]}
            ) from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def do_import(self, path: str, username: str, *, commit: bool) -> None:

        from ... import importer

        actor = acting_user(username)
        try:
            with open(path, "rb") as handle:
                plan = importer.run(actor, handle, dry_run=not commit)
        except OSError as exc:
            raise CommandError(
                _("cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
            ) from exc
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        for line in plan.previews:
            self.stdout.write(line)
        rows = len(plan.rows)
        if commit:
            self.stdout.write(_("imported %(rows)s rows") % {"rows": rows})
        else:
            self.stdout.write(
                _("dry run: %(rows)s rows are good; nothing written (add --commit)")
                % {"rows": rows}
            )
