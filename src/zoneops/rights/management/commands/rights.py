"""`zoneops rights import FILE.xlsx [--commit] [--as USER]`: initial holdings from a sheet,
checked and previewed first (a dry run); written only with --commit, all rows or none.
`zoneops rights report --year Y --out FILE.(xlsx|docx)`: the annual report as a file."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zoneops.core.commandline import acting_user, write_whole


class Command(BaseCommand):
    help = "Emission rights: import initial holdings; write the annual report."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="initial holdings (核定) from an .xlsx sheet")
        imp.add_argument("file")
        imp.add_argument("--commit", action="store_true",
                         help="write (without it: a dry run that checks)")
        imp.add_argument("--as", dest="actor", default="admin", help="acting user's username")
        rep = sub.add_parser("report", help="the annual report as .xlsx or .docx")
        rep.add_argument("--year", type=int, required=True)
        rep.add_argument("--out", required=True, help="FILE.xlsx or FILE.docx")

    def handle(self, *args, action: str, **opts) -> None:
        if action == "report":
            self._report(opts["year"], opts["out"])
            return

        from ... import importer

        actor = acting_user(opts["actor"])
        path, commit = opts["file"], opts["commit"]
        try:
            with open(path, "rb") as handle:
                plan = importer.run(actor, handle, dry_run=not commit)
        except OSError as exc:
            raise CommandError(_("cannot read %(path)s: %(error)s")
                               % {"path": path, "error": exc.strerror}) from exc
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        for line in plan.previews:
            self.stdout.write(line)
        rows = len(plan.items)
        if commit:
            self.stdout.write(_("imported %(rows)s rows") % {"rows": rows})
        else:
            self.stdout.write(_("dry run: %(rows)s rows are good; nothing written (add --commit)")
                              % {"rows": rows})

    def _report(self, year: int, out: str) -> None:
        from ... import report

        if not 2000 <= year <= 2100:
            raise CommandError(_("year: give a year such as 2026."))
        suffix = out.rsplit(".", 1)[-1].lower() if "." in out else ""
        if suffix not in ("xlsx", "docx"):
            raise CommandError(_("--out must end in .xlsx or .docx"))
        built = report.build(year)
        body = report.xlsx(built) if suffix == "xlsx" else report.docx(built)
        try:
            write_whole(out, body)
        except OSError as exc:
            raise CommandError(_("cannot write %(path)s: %(error)s")
                               % {"path": out, "error": exc.strerror}) from exc
        self.stdout.write(_("annual report %(year)s written to %(path)s")
                          % {"year": year, "path": out})
