import asyncio
import logging

from django.core.management.base import BaseCommand, CommandError

from ...models import Station
from ...simulate import Release, SimStation, World, simulate

# Emission rates of the demo's scripted releases (g/s; invented demo data, not limits): about
# 0.3 mg/m³ H2S, 14 NMHC, 2.5 NH3, 0.6 benzene 500 m downwind in a 2.5 m/s wind, class D.
DEFAULT_RATE = {"a21028": 2.0, "a24088": 100.0, "a21001": 17.0, "a25002": 4.0}


class Command(BaseCommand):
    help = ("Run virtual HJ 212 data loggers for the registered stations against a gateway "
            "(diurnal baselines, noise, flags, dropouts with resend, scripted releases).")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8212)
        parser.add_argument("--stations", type=int, default=0, help="first N stations (0: all)")
        parser.add_argument("--interval", type=float, default=10.0, help="seconds per upload")
        parser.add_argument("--dropout", type=float, default=0.002,
                            help="chance per upload that a logger drops its connection")
        parser.add_argument("--duration", type=float, default=None,
                            help="seconds (default: forever)")
        parser.add_argument("--release", action="append", default=[], metavar="FACTOR@MN",
                            help="a release of FACTOR (e.g. a21028) at station MN's location")
        parser.add_argument("--release-after", type=float, default=120.0)
        parser.add_argument("--release-duration", type=float, default=900.0)
        parser.add_argument("--seed", type=int, default=212)

    def handle(self, *args, **o):
        logging.basicConfig(level=logging.INFO)
        qs = Station.objects.filter(is_active=True).prefetch_related("factors").order_by("mn")
        rows = list(qs[:o["stations"]] if o["stations"] else qs)
        # Water stations (only w and e process codes) are fed by `zoneops water simulate`.
        rows = [s for s in rows if not s.factors.all() or not all(
            f.code.startswith(("w", "e")) for f in s.factors.all())]
        if not rows:
            raise CommandError("no active stations: register some (zoneops environment station "
                               "add) or run the demo")
        stations = [SimStation(s.mn, s.password, s.kind, s.latitude, s.longitude,
                               tuple(f.code for f in s.factors.all()) or ("a21028",))
                    for s in rows]
        world = World(seed=o["seed"])
        by_mn = {s.mn: s for s in stations}
        for spec in o["release"]:
            factor, _, mn = spec.partition("@")
            if mn not in by_mn:
                raise CommandError(f"--release {spec}: no station {mn!r}")
            world.releases.append(Release(by_mn[mn].lat, by_mn[mn].lon, factor,
                                          DEFAULT_RATE.get(factor, 5.0), o["release_after"],
                                          o["release_duration"]))

        def report(loggers):
            sent = sum(lg.stats.sent for lg in loggers)
            acked = sum(lg.stats.acked for lg in loggers)
            self.stdout.write(f"{len(loggers)} loggers: {sent} sent, {acked} acknowledged, "
                              f"{sum(len(lg.unacked) for lg in loggers)} waiting")

        self.stdout.write(f"simulating {len(stations)} loggers → {o['host']}:{o['port']}")
        try:
            loggers = asyncio.run(simulate(stations, o["host"], o["port"], world,
                                           interval=o["interval"], dropout=o["dropout"],
                                           duration=o["duration"], seed=o["seed"],
                                           report=report))
            report(loggers)
        except KeyboardInterrupt:
            pass
