"""`zoneops trace --in OBS.json [--out OUT.json]` (delegates to the pure
zoneops.dispersion.cli; needs no database)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from zoneops.dispersion.cli import main


class Command(BaseCommand):
    help = "Source tracing: trace --in OBS.json [--out OUT.json]"
    requires_system_checks: list = []

    def run_from_argv(self, argv):
        sys.exit(main(["trace", *argv[2:]]))

    def handle(self, *args, **options):  # pragma: no cover - run_from_argv does the work
        raise CommandError("use: zoneops trace --in OBS.json")
