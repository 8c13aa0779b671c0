"""`zoneops rights import FILE.xlsx [--commit] [--as USER]`: initial holdings from a sheet,
checked and previewed first (a dry run); written only with --commit, all rows or none."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Emission rights: import initial holdings."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="initial holdings (核定) from an .xlsx sheet")
        imp.add_argument("file")
        imp.add_argument("--commit", action="store_true",
                         help="write (without it: a dry run that checks)")
        imp.add_argument("--as", dest="actor", default="admin", help="acting user's username")

    def handle(self, *args, action: str, **opts) -> None:
        from zoneops.core.models import User

        from ... import importer

        actor = User.objects.filter(username=opts["actor"], is_active=True).first()
        if actor is None:
            raise CommandError(_("no active user %(name)s (use --as)") % {"name": opts["actor"]})
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
