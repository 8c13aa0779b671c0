"""`zoneops supervision import|export|remind|report`: the three lists from the command line."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from zoneops.core.models import User


class Command(BaseCommand):
    help = "Three-list supervision: import a list, export items, send reminders, monthly report."

    def add_arguments(self, parser):
        parser.add_argument("--user", default="admin",
                            help="the person the command acts for (default: admin)")
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import a list from an Excel workbook")
        imp.add_argument("file")
        imp.add_argument("--list", required=True, dest="list_name")
        imp.add_argument("--year", required=True, type=int)
        imp.add_argument("--dry-run", action="store_true", help="check only, change nothing")
        imp.add_argument("--create-units", action="store_true",
                         help="create units the workbook names but the zone does not have")
        exp = sub.add_parser("export", help="export items with nodes and progress history")
        exp.add_argument("--list", dest="list_name", default="")
        exp.add_argument("--year", type=int, default=None)
        exp.add_argument("--out", required=True)
        rem = sub.add_parser("remind", help="send due reminders and notices (idempotent)")
        rem.add_argument("--date", dest="on", default=None, help="YYYY-MM-DD, default today")
        rep = sub.add_parser("report", help="monthly report as xlsx and docx")
        rep.add_argument("--month", required=True, help="YYYY-MM")
        rep.add_argument("--out", required=True, help="folder for the two files")

    def _actor(self, username: str) -> User:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r} (use --user)")
        return user

    def handle(self, *args, action, user, **options):
        try:
            getattr(self, f"do_{action}")(self._actor(user), **options)
        except PermissionDenied as exc:
            raise CommandError(f"permission denied: {exc}") from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc

    def do_import(self, actor, *, file, list_name, year, dry_run, create_units, **_):
        from ...importer import run_import

        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no such file: {file}")
        with path.open("rb") as handle:
            plan = run_import(actor, handle, list_name=list_name, year=year, dry_run=dry_run,
                              create_units=create_units)
        for problem in plan.problems:
            self.stderr.write(f"ERROR {problem}")
        for name in plan.units_to_create:
            self.stdout.write(f"{'would create' if dry_run else 'created'} unit: {name}")
        nodes = sum(len(i.nodes) for i in plan.items)
        if not plan.ok:
            self.stderr.write(f"{len(plan.problems)} problem(s); nothing was imported.")
            sys.exit(1)
        verb = "would import" if dry_run else "imported"
        self.stdout.write(f"{verb} {len(plan.items)} items with {nodes} nodes into "
                          f"{plan.year} {plan.list_name}")

    def do_export(self, actor, *, list_name, year, out, **_):
        from ...exports import export_items
        from ...selectors import filter_items, items_for

        qs = filter_items(items_for(actor), {"list": list_name} if list_name else {})
        if year:
            qs = qs.filter(supervision_list__year=year)
        if list_name and not qs.exists():
            raise CommandError(f"no items in list {list_name!r}")
        Path(out).write_bytes(export_items(qs))
        self.stdout.write(f"exported {qs.count()} items to {out}")

    def do_remind(self, actor, *, on: str | None = None, **_):
        from ...reminders import run_reminders

        counts = run_reminders(_parse_date(on) if on else None)
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))

    def do_report(self, actor, *, month, out, **_):
        from ...report import write_monthly_report

        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        for path in write_monthly_report(actor, month, folder):
            self.stdout.write(f"wrote {path}")


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--date must be YYYY-MM-DD, not {text!r}") from exc
