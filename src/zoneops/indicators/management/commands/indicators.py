"""`zoneops indicators check-claim --text TEXT` and `zoneops indicators aqi --in DAY.json`
print JSON on stdout and need no database. `zoneops indicators import FILE [--year Y --month
M] [--commit] [--as USER]` reads the statistics bureau's monthly sheet: a dry run that
checks and lists, written only with --commit. `zoneops indicators bulletin --year Y --month M
--out FILE.docx|FILE.xlsx [--as USER]` writes the monthly economic bulletin.
`zoneops indicators import-peers FILE [--dry-run] [--as USER]` reads the peer zones' sheet:
checked whole, then written (all or nothing) unless --dry-run.
`zoneops indicators air-days --from D --to D` prints the zone's daily AQI from its ambient
stations as one JSON object."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from zoneops.core.commandline import acting_user, write_whole

from ...aqi import AqiInputError, day_aqi
from ...claims import check_text


class Command(BaseCommand):
    help = "Zone indicators: check growth claims in text; AQI of one day (HJ 633-2012)."
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        claim = sub.add_parser("check-claim", help="find and check 年均增长 claims in text")
        claim.add_argument("--text", required=True, help="the text; '-' reads standard input")
        aqi = sub.add_parser("aqi", help="IAQI/AQI of one day from a JSON file")
        aqi.add_argument("--in", dest="path", required=True,
                         help="DAY.json ('-' reads standard input)")
        air = sub.add_parser("air-days", help="the zone's daily AQI from its ambient stations")
        air.add_argument("--from", dest="first", required=True, help="YYYY-MM-DD (Beijing)")
        air.add_argument("--to", dest="last", required=True, help="YYYY-MM-DD, inclusive")
        imp = sub.add_parser("import", help="the bureau's monthly sheet (dry run first)")
        imp.add_argument("file")
        imp.add_argument("--year", type=int, help="when the sheet's title does not say it")
        imp.add_argument("--month", type=int, help="last month of the period (2 for 1–2月)")
        imp.add_argument("--commit", action="store_true",
                         help="write (without it: a dry run that checks)")
        imp.add_argument("--as", dest="actor", default="admin", help="acting user's username")
        bul = sub.add_parser("bulletin", help="the monthly economic bulletin as docx or xlsx")
        # Read as text: check_period says in the user's language what is wrong with them.
        bul.add_argument("--year", required=True)
        bul.add_argument("--month", required=True, help="last month of the period (1–12)")
        bul.add_argument("--out", required=True, help="FILE.docx or FILE.xlsx")
        bul.add_argument("--as", dest="actor", default="admin",
                         help="whose view of the catalogue (username)")

        peers = sub.add_parser("import-peers", help="the peer zones' sheet (all or nothing)")
        peers.add_argument("file")
        peers.add_argument("--dry-run", action="store_true", help="check and list; write nothing")
        peers.add_argument("--as", dest="actor", default="admin", help="acting user's username")

    def handle(self, *args, action, **opts):
        if action == "import-peers":
            return self._import_peers(opts)
        if action == "import":
            return self._import(opts)
        if action == "bulletin":
            return self._bulletin(opts)
        if action == "air-days":
            return self._air_days(opts)
        if action == "check-claim":
            text = sys.stdin.read() if opts["text"] == "-" else opts["text"]
            result = {"claims": [claim.as_dict() for claim in check_text(text)]}
        else:
            try:
                result = day_aqi(self._read_day(opts["path"])).as_dict()
            except AqiInputError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _import(self, opts) -> None:
        from pathlib import Path

        from django.core.exceptions import PermissionDenied, ValidationError
        from django.utils.translation import gettext as _

        from zoneops.core.imports import ProblemsError

        from ... import bureau_import

        actor = acting_user(opts["actor"])
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(_("%(file)s: no such file") % {"file": path})
        plan = bureau_import.parse(path.read_bytes(), year=opts["year"], month=opts["month"])
        if plan.problems:
            raise CommandError("\n".join(str(p) for p in plan.problems))
        for line in bureau_import.describe(plan):
            self.stdout.write(line)
        if not opts["commit"]:
            self.stdout.write(_("dry run: nothing written (add --commit)"))
            return
        try:
            written = bureau_import.commit(actor, plan, source=path.name)
        except (ProblemsError, ValidationError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(_("%(n)s values of %(year)s-%(month)02d written")
                          % {"n": written, "year": plan.year, "month": plan.month})

    def _bulletin(self, opts) -> None:
        from pathlib import Path

        from django.utils.translation import gettext as _

        from ... import bulletin

        try:
            year, month = bulletin.check_period(opts["year"], opts["month"])
        except bulletin.BulletinInputError as exc:
            raise CommandError(str(exc)) from exc
        out = Path(opts["out"])
        kind = out.suffix.lower().lstrip(".")
        if kind not in ("docx", "xlsx"):
            raise CommandError(_("--out: “%(file)s” must end in .docx or .xlsx.")
                               % {"file": out})
        if not out.parent.is_dir():
            raise CommandError(_("--out: the folder %(folder)s does not exist.")
                               % {"folder": out.parent})
        actor = acting_user(opts["actor"])
        data = bulletin.build(actor, year, month)
        body = bulletin.to_docx(data) if kind == "docx" else bulletin.to_xlsx(data)
        write_whole(out, body)
        self.stdout.write(f"{out}: {data.title}（{len(data.rows)}项指标）")

    def _import_peers(self, opts) -> None:
        from pathlib import Path

        from django.core.exceptions import PermissionDenied, ValidationError
        from django.utils.translation import gettext as _

        from zoneops.core.imports import ProblemsError

        from ... import peers_import

        actor = acting_user(opts["actor"])
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(_("%(file)s: no such file") % {"file": path})
        plan = peers_import.parse(path.read_bytes())
        if plan.problems:
            raise CommandError("\n".join(str(p) for p in plan.problems))
        for line in peers_import.describe(plan):
            self.stdout.write(line)
        if opts["dry_run"]:
            self.stdout.write(_("dry run: nothing written"))
            return
        try:
            written = peers_import.commit(actor, plan)
        except (ProblemsError, ValidationError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(_("%(n)s peer zone values written") % {"n": written})

    def _air_days(self, opts) -> None:
        """One JSON object: the zone's days (one per date, valid or not) and their summary."""
        from datetime import date

        from django.utils.translation import gettext as _

        from ... import air_selectors

        dates = {}
        for option, key in (("--from", "first"), ("--to", "last")):
            try:
                dates[key] = date.fromisoformat(opts[key])
            except ValueError as exc:
                raise CommandError(_("%(option)s: %(value)s is not a date (YYYY-MM-DD)")
                                   % {"option": option, "value": opts[key]}) from exc
        if dates["last"] < dates["first"]:
            raise CommandError(_("--to is before --from"))
        if (dates["last"] - dates["first"]).days > 366 * 5:
            raise CommandError(_("--from/--to: at most five years at a time"))
        days = air_selectors.zone_days(dates["first"], dates["last"])
        self.stdout.write(json.dumps({
            "from": dates["first"].isoformat(), "to": dates["last"].isoformat(),
            "stations": [s.mn for s in air_selectors.air_stations()],
            "days": [d.as_dict() for d in days],
            "summary": air_selectors.summarise(days).as_dict()}, ensure_ascii=False))

    @staticmethod
    def _read_day(path: str):
        try:
            if path == "-":
                day = json.load(sys.stdin)
            else:
                with open(path, encoding="utf-8") as source:
                    day = json.load(source)
        except OSError as exc:
            raise CommandError(f"--in: cannot read {path}: {exc.strerror}") from exc
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CommandError(f"--in: {path} is not JSON: {exc}") from exc
        return day  # day_aqi names the field of any missing, negative or non-numeric value
