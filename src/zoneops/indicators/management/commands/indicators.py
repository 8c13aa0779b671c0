"""`zoneops indicators check-claim --text TEXT` and `zoneops indicators aqi --in DAY.json`.

Both print JSON on stdout and need no database."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

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

    def handle(self, *args, action, **opts):
        if action == "check-claim":
            text = sys.stdin.read() if opts["text"] == "-" else opts["text"]
            result = {"claims": [claim.as_dict() for claim in check_text(text)]}
        else:
            try:
                result = day_aqi(self._read_day(opts["path"])).as_dict()
            except AqiInputError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False))

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
