"""`zoneops environment station add|import|list`, `export`, `check-silence`, `rules load`."""

from __future__ import annotations

import sys
from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zoneops.core.models import Enterprise, Unit, User

from ... import selectors, services
from ...convert import BEIJING
from ...station_import import import_stations


def parse_when(text: str, *, end: bool = False) -> datetime:
    """ISO date or date-time; without a zone it is Beijing time (as people write it). A bare
    date as --to means the end of that day."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"not a date or date-time: {text!r} (use 2026-01-31 or "
                           f"2026-01-31T08:00)") from exc
    if len(text) <= 10 and end:
        value = datetime.combine(value.date(), time.max)
    if value.tzinfo is None:
        value = value.replace(tzinfo=BEIJING)
    return value


def _admin(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"no user {username!r} (use --as with an administrator's username)")
    return user


class Command(BaseCommand):
    help = "Environmental monitoring: station registry, readings export, no-data check, rules."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        station = sub.add_parser("station", help="station registry")
        ssub = station.add_subparsers(dest="station_action", required=True)
        add = ssub.add_parser("add", help="register (or update) a station")
        add.add_argument("--mn", required=True)
        add.add_argument("--pw", required=True)
        add.add_argument("--name", required=True)
        add.add_argument("--kind", required=True,
                         help="ambient, boundary, enterprise, in_plant, weather, wastewater, "
                              "surface_water (or 环境空气, 园区边界, 企业边界, 厂区内, 气象, "
                              "废水, 地表水)")
        add.add_argument("--lat", required=True, type=float)
        add.add_argument("--lon", required=True, type=float)
        add.add_argument("--unit", default="", help="responsible unit code")
        add.add_argument("--enterprise", default="", help="enterprise credit code or name")
        add.add_argument("--factors", default="", help="HJ 212 codes, comma-separated")
        add.add_argument("--no-data-seconds", type=int, default=None)
        add.add_argument("--as", dest="actor", default="admin", help="acting administrator")
        imp = ssub.add_parser("import", help="import stations from an .xlsx file")
        imp.add_argument("file")
        imp.add_argument("--as", dest="actor", default="admin")
        ssub.add_parser("list", help="list stations")
        exp = sub.add_parser("export", help="export a station's readings as CSV")
        exp.add_argument("--station", required=True, help="MN")
        exp.add_argument("--from", dest="start", default=None)
        exp.add_argument("--to", dest="end", default=None)
        exp.add_argument("--out", default="-", help="file (default: standard output)")
        sub.add_parser("check-silence", help="raise/clear no-data alarms now")
        rules = sub.add_parser("rules", help="alarm rules")
        rsub = rules.add_subparsers(dest="rules_action", required=True)
        load = rsub.add_parser("load", help="load rules from a JSON data file")
        load.add_argument("file", nargs="?", default=str(services.DEFAULT_RULES))
        load.add_argument("--as", dest="actor", default="admin")

    def handle(self, *args, action, **opts):
        try:
            if action == "station":
                return self._station(opts)
            if action == "export":
                return self._export(opts)
            if action == "check-silence":
                n = services.check_silence()
                self.stdout.write(f"{n} no-data alarm change(s)")
                return None
            n = services.load_rules(_admin(opts["actor"]), opts["file"])
            self.stdout.write(self.style.SUCCESS(f"{n} rule(s) loaded"))
        except ValidationError as exc:
            raise CommandError("\n".join(_messages(exc))) from exc
        return None

    def _station(self, opts):
        what = opts["station_action"]
        if what == "list":
            for s in selectors.Station.objects.select_related("gateway_state"):
                state = getattr(s, "gateway_state", None)
                seen = state.last_seen.isoformat() if state and state.last_seen else "-"
                self.stdout.write(f"{s.mn}\t{s.kind}\t{s.name}\t{seen}")
            return
        actor = _admin(opts["actor"])
        if what == "import":
            try:
                with open(opts["file"], "rb") as source:
                    saved = import_stations(actor, source)
            except OSError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(self.style.SUCCESS(f"{len(saved)} station(s) imported"))
            return
        unit = None
        if opts["unit"]:
            unit = Unit.objects.filter(code=opts["unit"]).first()
            if unit is None:
                raise CommandError(f"--unit: no unit with code {opts['unit']!r}")
        enterprise = None
        if opts["enterprise"]:
            enterprise = (Enterprise.objects.filter(credit_code=opts["enterprise"]).first()
                          or Enterprise.objects.filter(name=opts["enterprise"]).first())
            if enterprise is None:
                raise CommandError(f"--enterprise: no enterprise {opts['enterprise']!r}")
        data = {"mn": opts["mn"], "password": opts["pw"], "name": opts["name"],
                "kind": opts["kind"], "latitude": opts["lat"], "longitude": opts["lon"],
                "unit": unit or getattr(enterprise, "unit", None), "enterprise": enterprise}
        if opts["no_data_seconds"] is not None:
            data["no_data_seconds"] = opts["no_data_seconds"]
        factors = [c.strip() for c in opts["factors"].split(",") if c.strip()]
        existing = selectors.station_by_mn(opts["mn"])
        station = (services.update_station(actor, existing, data, factors=factors or None)
                   if existing else
                   services.create_station(actor, data, factors=factors or None))
        self.stdout.write(self.style.SUCCESS(
            f"station {station.mn} {'updated' if existing else 'added'}"))

    def _export(self, opts):
        station = selectors.station_by_mn(opts["station"])
        if station is None:
            raise CommandError(f"--station: no station with MN {opts['station']!r}")
        start = parse_when(opts["start"]) if opts["start"] else None
        end = parse_when(opts["end"], end=True) if opts["end"] else None
        if start and end and end <= start:
            raise CommandError("--to must be after --from")
        if opts["out"] == "-":
            n = selectors.write_csv(sys.stdout, station, start, end)
        else:
            with open(opts["out"], "w", encoding="utf-8", newline="") as out:
                n = selectors.write_csv(out, station, start, end)
        self.stderr.write(f"{n} reading(s) exported ({timezone.now():%Y-%m-%d %H:%M} UTC)")


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{field}: {m}" for field, ms in exc.message_dict.items() for m in ms]
    return list(exc.messages)
