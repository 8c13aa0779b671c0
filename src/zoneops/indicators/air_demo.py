"""Demo 1-hour means of SO2, NO2, PM10, PM2.5, CO and O3 at the demo zone's ambient stations
for the last 60 days, so the air pages have days to show. The environment demo registers the
stations but stores no readings (its simulator streams real-time data only while it runs).

Fictional demo data from a fixed seed: a winter-like background with a few haze episodes and
an afternoon O3 peak; some hours are missing and one station loses half a day (an invalid
day). Stored in each factor's own unit (mg/m³), as a logger sends them. Idempotent."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

from django.utils import timezone

from zoneops.environment import store
from zoneops.environment.models import Factor, Reading, Station

from .air_selectors import air_stations, pollutant_codes

DAYS = 60
SEED = 3095


def _hour_values(rng: random.Random, n: int, when: datetime, site: float) -> dict[str, float]:
    """µg/m³ (CO mg/m³) of one hour: n counts hours from the start, for the episodes."""
    local = timezone.localtime(when)
    episode = 1.0 + 2.6 * max(0.0, math.sin(n / 24 / 9.0 * math.pi)) ** 8  # ~ every 18 days
    rush = 1.0 + 0.35 * (math.exp(-((local.hour - 8) ** 2) / 4)
                         + math.exp(-((local.hour - 18) ** 2) / 4))
    sun = max(0.0, math.sin((local.hour - 6) / 12 * math.pi))
    sky = 0.3 + 0.9 * math.sin(n / 24 / 5.0 * math.pi) ** 2  # cloudy spells: clean O3 days
    pm25 = 27 * episode * site * rng.uniform(0.8, 1.2)
    return {"PM2.5": pm25, "PM10": pm25 * rng.uniform(1.45, 1.8),
            "NO2": 28 * rush * site * rng.uniform(0.8, 1.2),
            "SO2": 8 * site * rng.uniform(0.7, 1.3),
            "CO": 0.6 * episode ** 0.5 * rush * rng.uniform(0.85, 1.15),
            "O3": (30 + 95 * sun * sky * (1.2 if episode < 1.2 else 0.8)) * rng.uniform(0.85, 1.15)}


def load(stdout=None) -> None:
    stations = air_stations()
    codes = pollutant_codes()
    factors = dict(Factor.objects.filter(code__in=codes.values()).values_list("code", "id"))
    if not stations or len(factors) < len(codes):
        return
    end = timezone.now().replace(minute=0, second=0, microsecond=0)
    start = end - timedelta(days=DAYS)
    if Reading.objects.filter(station__in=stations, kind="hour", time__gte=start).exists():
        return
    rng = random.Random(SEED)
    rows: list[store.ReadingRow] = []
    registered = {(sid, fid) for sid, fid in Station.factors.through.objects.filter(
        station__in=stations).values_list("station_id", "factor_id")}
    for k, station in enumerate(stations):
        site = 0.85 + 0.1 * k
        outage = start + timedelta(days=20 + 7 * k, hours=6)  # 10 hours lost: invalid day
        for n in range(DAYS * 24):
            when = start + timedelta(hours=n)
            if outage <= when < outage + timedelta(hours=10) or rng.random() < 0.01:
                continue
            for name, value in _hour_values(rng, n, when, site).items():
                fid = factors[codes[name]]
                if (station.pk, fid) not in registered:
                    continue
                mg = value if name == "CO" else value / 1000  # the factors' unit is mg/m³
                rows.append((station.pk, fid, when, "hour", round(mg, 5), "N"))
    store.insert_readings(rows)
    if stdout is not None:
        stdout.write(f"indicators: {len(rows)} demo hourly air readings at "
                     f"{len(stations)} ambient stations ({DAYS} days)")
