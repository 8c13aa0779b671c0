"""A small park on top of the core `world`: a ring of stations measuring H2S, a weather
mast, release points of three enterprises, and readings written from a known source with
the dispersion library (the truth the tracer must find)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import make_code
from zoneops.core.models import Alert
from zoneops.core.services.alerts import raise_alert
from zoneops.core.services.org import create_enterprise
from zoneops.dispersion.geo import LocalProjection
from zoneops.dispersion.model import predict_case
from zoneops.environment.models import Factor, Reading, Station
from zoneops.environment.services import create_station
from zoneops.tracing import services
from zoneops.tracing.models import ReleasePoint

LON0, LAT0 = 120.90, 30.70
ANCHOR = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
WIND_FROM = 135.0


@dataclass
class Park:
    world: object
    stations: list[Station]
    mast: Station
    points: list[ReleasePoint]
    truth: ReleasePoint
    projection: LocalProjection

    def write_readings(self, *, minutes=range(-30, 31), rate=20.0, flags=None, seed=1):
        rng = random.Random(seed)
        factor = Factor.objects.get(code="a21028")
        case = {"sources": [{"id": "t", "lon": self.truth.longitude, "lat": self.truth.latitude,
                             "height_m": self.truth.height_m, "rate_g_s": rate}],
                "met": {"wind_speed_m_s": 3.0, "wind_height_m": 10.0,
                        "wind_from_deg": WIND_FROM, "stability": "D"},
                "averaging_time_s": 60,
                "receptors": [{"id": s.mn, "lon": s.longitude, "lat": s.latitude,
                               "height_m": 3.0} for s in self.stations]}
        plume = predict_case(case).mg_m3
        rows = []
        speed, direction = Factor.objects.get(code="a01007"), Factor.objects.get(code="a01008")
        for m in minutes:
            at = ANCHOR + timedelta(minutes=m)
            for s, c in zip(self.stations, plume, strict=True):
                value = 0.004 + float(c) * math.exp(rng.gauss(0, 0.4))
                flag = (flags or {}).get((s.mn, m), "N")
                rows.append(Reading(station=s, factor=factor, time=at, kind="rtd",
                                    value=value, flag=flag))
            rows.append(Reading(station=self.mast, factor=speed, time=at, kind="rtd",
                                value=3.0 + rng.gauss(0, 0.2)))
            rows.append(Reading(station=self.mast, factor=direction, time=at, kind="rtd",
                                value=(WIND_FROM + rng.gauss(0, 6)) % 360))
        Reading.objects.bulk_create(rows, ignore_conflicts=True)
        return plume

    def alarm(self, station: Station | None = None, key: str = "alarm") -> Alert:
        station = station or self.stations[0]
        return raise_alert(module="environment", key=key, level=Alert.Level.ORANGE,
                           title=f"{station.name}: 硫化氢 橙色", source=station,
                           unit=station.unit, data={
                               "station": station.mn, "station_id": station.pk,
                               "factor": "a21028", "rule": "", "rule_kind": "level",
                               "time": ANCHOR.isoformat(), "late": False}, now=ANCHOR)


@pytest.fixture
def park(world) -> Park:
    admin = world.users["admin"]
    proj = LocalProjection(LON0, LAT0)
    stations = []
    for i in range(24):
        a = 2 * math.pi * i / 24
        lon, lat = proj.to_lonlat(1500 * math.sin(a), 1500 * math.cos(a))
        stations.append(create_station(admin, {
            "mn": f"ST{i:04d}", "password": "pw", "name": f"站{i:02d}", "kind": "boundary",
            "latitude": round(lat, 6), "longitude": round(lon, 6), "unit": world.unit_a},
           factors=["a21028"]))
    mast = create_station(admin, {"mn": "WX0001", "password": "pw", "name": "气象站",
                                "kind": "weather", "latitude": LAT0, "longitude": LON0},
                               factors=["a01007", "a01008"])
    third = create_enterprise(admin, {"credit_code": make_code(3), "name": "丙制药有限公司",
                                    "unit": world.unit_b})
    points = []
    for e, (x, y) in ((world.enterprise_a, (0.0, 0.0)), (world.enterprise_b, (-600.0, 500.0)),
                      (third, (700.0, -400.0)), (world.enterprise_a, (500.0, 600.0))):
        lon, lat = proj.to_lonlat(x, y)
        points.append(services.create_point(admin, enterprise=e, data={
            "code": f"P{len(points) + 1}", "name": f"排气筒{len(points) + 1}", "kind": "stack",
            "latitude": lat, "longitude": lon, "height_m": 10.0, "substances": ["a21028"]}))
    # The truth: enterprise B's stack, upwind (south-east wind) of the north-west stations.
    return Park(world, stations, mast, points, points[1], proj)
