"""`zoneops supervision import|export|remind|report`: the three lists from the command line."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from zoneops.core.models import User

# run_reminders' counts, named in the command's language.
REMIND_LABELS = {"before": N_("reminders before due"), "due": N_("reminders on the day"),
                 "overdue": N_("overdue"), "notices": N_("notices issued"),
                 "lights changed": N_("lights changed")}


class Command(BaseCommand):
    help = "Three-list supervision: import a list, export items, send reminders, monthly report."

    def add_arguments(self, parser):
        parser.add_argument("--user", default="admin",
                            help="the person the command acts for (default: admin)")
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import lists from a workbook (xlsx, xls, csv, docx): "
                             "each sheet into its list, or --list NAME [--sheet SHEET]")
        imp.add_argument("file")
        imp.add_argument("--list", dest="list_name", default=None,
                         help="import into this list (all list sheets, or only --sheet)")
        imp.add_argument("--sheet", default=None, help="with --list: only this sheet")
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
        syn = sub.add_parser("sync-alerts", help="close open red-light alerts of items that "
                             "are no longer red, with the reason (a repair; remind does it too)")
        syn.add_argument("--date", dest="on", default=None, help="YYYY-MM-DD, default today")
        rep = sub.add_parser("report", help="monthly report as xlsx and docx")
        rep.add_argument("--month", required=True, help="YYYY-MM")
        rep.add_argument("--out", required=True, help="folder for the two files")
        for command in (imp, exp, rem, syn, rep):
            command.add_argument("--lang", default="zh-hans", choices=["zh-hans", "en"],
                                 help="language of the messages and of the files written "
                                 "(default zh-hans)")

    def _actor(self, username: str) -> User:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("No active user %(user)s (use --user).")
                               % {"user": username})
        return user

    def handle(self, *args, action, user, lang, **options):
        from django.utils import translation

        with translation.override(lang):
            try:
                getattr(self, f"do_{action.replace('-', '_')}")(self._actor(user), **options)
            except PermissionDenied as exc:
                raise CommandError(_("Permission denied: %(why)s") % {"why": exc}) from exc
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc

    def do_import(self, actor, *, file, list_name, sheet, year, dry_run, create_units,
                  **rest):
        from ...importer import run_import, run_workbook_import

        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No such file: %(file)s") % {"file": file})
        if sheet and not list_name:
            raise CommandError(_("--sheet needs --list NAME."))
        if list_name:
            plans = [run_import(actor, path, list_name=list_name, year=year, dry_run=dry_run,
                                create_units=create_units, sheet=sheet)]
            problems = []
        else:
            plans, problems = run_workbook_import(actor, path, year=year, dry_run=dry_run,
                                                  create_units=create_units)
        problems = problems + [p for plan in plans for p in plan.problems]
        for problem in problems:
            self.stderr.write(_("ERROR %(problem)s") % {"problem": problem})
        committed = bool(plans) and all(p.committed for p in plans)
        for plan in plans:
            for name in plan.units_to_create:
                self.stdout.write((_("created unit: %(name)s") if committed
                                   else _("would create unit: %(name)s")) % {"name": name})
        if problems or not plans:
            self.stderr.write(_("%(n)s problem(s); nothing was imported.")
                              % {"n": len(problems)})
            sys.exit(1)
        for plan in plans:
            for item in plan.updated_items:
                for change in item.changes:
                    self.stdout.write(_("update %(code)s: %(change)s")
                                      % {"code": item.code, "change": change})
            verb = (_("would import %(items)s items with %(nodes)s nodes into %(list)s")
                    if dry_run else
                    _("imported %(items)s items with %(nodes)s nodes into %(list)s"))
            self.stdout.write(verb % {
                "items": len(plan.items), "nodes": sum(len(i.nodes) for i in plan.items),
                "list": f"{plan.year} {plan.list_name}"} + (
                _(" (sheet %(sheet)s; %(new)s new, %(updated)s updated)") % {
                    "sheet": plan.sheet or "*", "new": len(plan.new_items),
                    "updated": len(plan.updated_items)}))

    def do_export(self, actor, *, list_name, year, out, **rest):
        from ...exports import export_items
        from ...selectors import filter_items, items_for

        qs = filter_items(items_for(actor), {"list": list_name} if list_name else {})
        if year:
            qs = qs.filter(supervision_list__year=year)
        if list_name and not qs.exists():
            raise CommandError(_("No items in list %(list)s.") % {"list": list_name})
        Path(out).write_bytes(export_items(qs))
        self.stdout.write(_("exported %(n)s items to %(file)s") % {"n": qs.count(),
                                                                    "file": out})

    def do_remind(self, actor, *, on: str | None = None, **rest):
        from ...reminders import run_reminders

        counts = run_reminders(_parse_date(on) if on else None)
        self.stdout.write(_(", ").join(f"{_(REMIND_LABELS.get(k, k))}: {v}"
                                       for k, v in counts.items()))

    def do_sync_alerts(self, actor, *, on: str | None = None, **rest):
        from ... import services

        closed = services.sync_light_alerts(on=_parse_date(on) if on else None)
        self.stdout.write(_("alerts closed: %(n)s") % {"n": closed})

    def do_report(self, actor, *, month, out, **rest):
        from ...report import write_monthly_report

        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        for path in write_monthly_report(actor, month, folder):
            self.stdout.write(_("wrote %(file)s") % {"file": path})


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(_("--date must be YYYY-MM-DD, not %(text)s.")
                           % {"text": text}) from exc
