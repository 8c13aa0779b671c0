"""`zoneops tracing import FILE.xlsx [--commit] [--as USER]`: release points from a sheet,
checked first (a dry run lists every problem as 工作表!单元格); written only with --commit.
`zoneops tracing run [--alert N]`: one tracing cycle of the worker (or one alert's trace) now.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from zoneops.core.commandline import acting_user


class Command(BaseCommand):
    help = "Source tracing: import release points; run the tracing cycle."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="release points from a sheet (.xlsx/.xls/.csv)")
        imp.add_argument("file")
        imp.add_argument("--commit", action="store_true",
                         help="write (without it: a dry run that checks)")
        imp.add_argument("--as", dest="actor", default="admin", help="acting user's username")
        run = sub.add_parser("run", help="run the worker's tracing cycle once")
        run.add_argument("--alert", type=int, default=None, help="trace this alert only")

    def handle(self, *args, action: str, **opts) -> None:
        if action == "import":
            return self.do_import(opts["file"], opts["actor"], commit=opts["commit"])
        return self.do_run(opts["alert"])

    def do_import(self, path: str, username: str, *, commit: bool) -> None:

        from ... import importer

        actor = acting_user(username)
        try:
            with open(path, "rb") as handle:
                plan = importer.read(handle)
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc
        if plan.problems:
            for problem in plan.problems:
                self.stderr.write(problem)
            raise CommandError(_("%(n)s problem(s); nothing written") % {"n": len(plan.problems)})
        self.stdout.write(_("%(new)s new, %(changed)s updated release point(s)")
                          % {"new": plan.new, "changed": plan.changed})
        if not commit:
            self.stdout.write(_("dry run: nothing written (add --commit to write)"))
            return
        try:
            saved = importer.commit(actor, plan)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            for message in exc.messages:
                self.stderr.write(message)
            raise CommandError(_("nothing written")) from exc
        self.stdout.write(self.style.SUCCESS(_("%(n)s release point(s) written")
                                             % {"n": len(saved)}))

    def do_run(self, alert_pk: int | None) -> None:
        from zoneops.core.models import Alert

        from ... import jobs, runner, services

        if alert_pk is None:
            self.stdout.write(f"{jobs.run_due()} trace(s) run")
            return
        alert = Alert.objects.filter(pk=alert_pk).first()
        trace = services.ensure_trace(alert) if alert else None
        if trace is None:
            raise CommandError(_("alert %(pk)s cannot be traced") % {"pk": alert_pk})
        trace = runner.run(trace, now=timezone.now())
        self.stdout.write(f"{trace.state}: " + ", ".join(
            f"#{s.rank} {s.release_point} {s.probability:.2f}" for s in trace.suspects.all()))
