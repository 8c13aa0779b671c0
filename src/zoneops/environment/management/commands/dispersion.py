"""`zoneops dispersion predict --in CASE.json [--out OUT.json]` (delegates to the pure
zoneops.dispersion.cli; needs no database)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from zoneops.dispersion.cli import main


class Command(BaseCommand):
    help = "Dispersion: predict --in CASE.json [--out OUT.json]"
    requires_system_checks: list = []

    def run_from_argv(self, argv):
        # The library's CLI owns its options; only `predict` belongs to this command.
        args = argv[2:]
        if not args or args[0] != "predict":
            sys.stderr.write("usage: zoneops dispersion predict --in CASE.json [--out OUT.json]\n")
            sys.exit(2)
        sys.exit(main(args))

    def handle(self, *args, **options):  # pragma: no cover - run_from_argv does the work
        raise CommandError("use: zoneops dispersion predict --in CASE.json")
