"""Demo source tracing: release points for the demo chemical park's enterprises, a scripted
release from one named demo enterprise (DEMO_SOURCE) an hour ago - its readings at every
station, computed with the dispersion library, the wind at the mast, the alarm it raised -
traced so the alert carries its suspects, and a resident's odour report near it waiting in
the duty officer's queue. Idempotent and deterministic (invented demo data)."""

from __future__ import annotations

import math
import random
from datetime import timedelta

import numpy as np
from django.db import transaction
from django.utils import timezone

from zoneops.core.models import Alert, Enterprise, User
from zoneops.core.services.alerts import raise_alert
from zoneops.dispersion.geo import LocalProjection
from zoneops.dispersion.model import predict_case
from zoneops.environment.models import Factor, Reading, Station, StationFactor

from . import runner, services
from .models import OdourReport, ReleasePoint

# The named demo release: the enterprise whose fence-line monitor the live simulator
# releases at (environment.demo.RELEASE_SOURCE), so the live alarm and this scripted one
# point at the same place.
DEMO_SOURCE_STATION = "CWHG-E01"
DEMO_FACTOR = "a21028"  # H2S
DEMO_RATE_G_S = 15.0
DEMO_WIND_FROM = 135.0  # the simulator's south-easterly
DEMO_WIND_SPEED = 2.5
DEMO_KEY = "demo:trace:a21028"
BACKGROUND = 0.004  # the simulator's H2S baseline (invented demo data)
SEED = 2020
# Kind, code, name, height (m), offset in metres (east, north) from the enterprise
LAYOUT = [("stack", "DA001", "1#排气筒", 25.0, (30.0, 20.0)),
          ("tank_vent", "TV01", "储罐区呼吸口", 12.0, (-60.0, 40.0)),
          ("process_area", "PA01", "生产装置区", 5.0, (0.0, 0.0)),
          ("wastewater_pool", "WW01", "污水处理池", 1.0, (70.0, -50.0))]
SUBSTANCES = {"stack": ["a21026", "a24088"], "tank_vent": ["a24088", "a25002"],
              "process_area": ["a21028", "a24088"], "wastewater_pool": ["a21028", "a21001"]}


def demo_source() -> Enterprise | None:
    station = Station.objects.filter(mn=DEMO_SOURCE_STATION).select_related("enterprise").first()
    return station.enterprise if station is not None else None


def _points(admin: User) -> int:
    made = 0
    projection = LocalProjection(120.93, 30.68)
    enterprises = Enterprise.objects.filter(latitude__isnull=False, is_active=True,
                                            in_chemical_park=True).order_by("credit_code")
    for e in enterprises:
        ex, ey = projection.to_xy(float(e.longitude), float(e.latitude))
        for kind, code, name, height, (dx, dy) in LAYOUT:
            if ReleasePoint.objects.filter(enterprise=e, code=code).exists():
                continue
            lon, lat = projection.to_lonlat(ex + dx, ey + dy)
            services.create_point(admin, enterprise=e, data={
                "code": code, "name": name, "kind": kind, "latitude": round(lat, 6),
                "longitude": round(lon, 6), "height_m": height,
                "substances": SUBSTANCES[kind]})
            made += 1
    return made


def _scripted_release(admin: User, now) -> Alert | None:
    source = demo_source()
    if source is None or Alert.objects.filter(module="environment", key=DEMO_KEY).exists():
        return None
    truth = ReleasePoint.objects.filter(enterprise=source, code="PA01").first()
    factor = Factor.objects.filter(code=DEMO_FACTOR).first()
    mast = Station.objects.filter(kind=Station.Kind.WEATHER).order_by("mn").first()
    if truth is None or factor is None or mast is None:
        return None
    stations = list(Station.objects.filter(
        pk__in=StationFactor.objects.filter(factor=factor).values("station_id"),
        is_active=True).exclude(kind=Station.Kind.WEATHER).order_by("mn"))
    projection = LocalProjection(truth.longitude, truth.latitude)
    receptors = [{"id": s.mn, "lon": s.longitude, "lat": s.latitude, "height_m": 3.0}
                 for s in stations]
    case = {"sources": [{"id": "demo", "lon": truth.longitude, "lat": truth.latitude,
                         "height_m": truth.height_m, "rate_g_s": DEMO_RATE_G_S}],
            "met": {"wind_speed_m_s": DEMO_WIND_SPEED, "wind_height_m": 10.0,
                    "wind_from_deg": DEMO_WIND_FROM, "stability": "D"},
            "averaging_time_s": 60, "receptors": receptors}
    plume = predict_case(case).mg_m3
    alarm_station = stations[int(np.argmax(plume))]
    rng = random.Random(SEED)
    anchor = (now - timedelta(hours=1)).replace(second=0, microsecond=0)
    rows = []
    for minute in range(-30, 31):
        at = anchor + timedelta(minutes=minute)
        on = minute >= -20  # the release started twenty minutes before the alarm
        for station, c in zip(stations, plume, strict=True):
            value = BACKGROUND * math.exp(rng.gauss(0, 0.1))
            if on:
                value += float(c) * math.exp(rng.gauss(0, 0.5))
            flag = "D" if rng.random() < 0.01 else "N"
            rows.append(Reading(station=station, factor=factor, time=at, kind="rtd",
                                value=round(value, 5), flag=flag))
        speed = Factor.objects.get(code="a01007")
        direction = Factor.objects.get(code="a01008")
        rows.append(Reading(station=mast, factor=speed, time=at, kind="rtd",
                            value=round(DEMO_WIND_SPEED + rng.gauss(0, 0.2), 2), flag="N"))
        rows.append(Reading(station=mast, factor=direction, time=at, kind="rtd",
                            value=round((DEMO_WIND_FROM + rng.gauss(0, 8)) % 360, 1),
                            flag="N"))
    Reading.objects.bulk_create(rows, ignore_conflicts=True)
    peak = float(max(plume)) + BACKGROUND
    alert = raise_alert(
        module="environment", key=DEMO_KEY, level=Alert.Level.ORANGE,
        title=f"{alarm_station.name}：硫化氢 橙色预警（演示溯源）",
        detail="演示：脚本化的一次硫化氢泄漏，下风向站点超标；来源由溯源模块给出。",
        source=alarm_station, unit=alarm_station.unit, enterprise=None,
        data={"station": alarm_station.mn, "station_name": alarm_station.name,
              "station_id": alarm_station.pk, "factor": DEMO_FACTOR, "factor_name": "硫化氢",
              "unit": "mg/m3", "rule": "", "rule_kind": "level", "tier": "预警",
              "measure": peak, "time": anchor.isoformat(), "late": False}, now=anchor)
    # A resident downwind smelled it (rotten eggs, strong), 1 km along the plume.
    to = math.radians(DEMO_WIND_FROM + 180)
    lon, lat = projection.to_lonlat(1000 * math.sin(to), 1000 * math.cos(to))
    services.submit_odour(latitude=round(lat, 6), longitude=round(lon, 6),
                          observed_at=anchor - timedelta(minutes=5), intensity=4,
                          smell=OdourReport.Smell.ROTTEN_EGG,
                          note="小区里一股臭鸡蛋味（演示）", address="demo-resident",
                          now=anchor)
    trace = services.ensure_trace(alert, now=now)
    runner.run(trace, now=now)
    return alert


def load(stdout=None) -> None:
    admin = User.objects.get(username="admin")
    now = timezone.now()
    with transaction.atomic():
        made = _points(admin)
        alert = _scripted_release(admin, now)
    if stdout is not None:
        source = demo_source()
        top = (alert.trace.suspects.order_by("rank").select_related(
            "release_point__enterprise").first() if alert is not None else None)
        stdout.write(f"Tracing: {ReleasePoint.objects.count()} release points ({made} new)"
                     + (f"; scripted release from {source.name}, tracer's first suspect: "
                        f"{top.release_point} ({top.probability:.0%})" if top else "") + ".")
