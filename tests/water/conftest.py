"""A small chain on top of the core `world`, its readings stored as the gateway stores them:
S1 (enterprise A, unit A) and S2 (enterprise B, unit B) → N1 → the plant (inlet and outlet on
one logger sending e1xxyy/e2xxyy) → O1 → R-down, with R-up above it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from zoneops.environment.convert import ReadingIn, Upload
from zoneops.environment.services import create_station, ingest_batch
from zoneops.water.demo import PLANT_CODES, W_CODES, uploads
from zoneops.water.models import WaterPoint
from zoneops.water.services import create_point
from zoneops.water.simulate import Discharge, simulate

UNTIL = "2026-12-04"  # the chain's data: 2026-12-01 to 2026-12-04 (Beijing)


def mn_of(code: str) -> str:
    return "WPLANT" if code in ("P-in", "P-out") else f"W-{code}"


@dataclass
class WaterChain:
    world: object
    points: dict[str, WaterPoint]
    doc: dict


def build(world, *, discharges=(Discharge("N1", 3 * 24 + 1, 3, cod_kg_h=20.0),), gaps=(),
          store: bool = True) -> WaterChain:
    admin = world.users["admin"]
    doc = simulate(sources=2, networks=1, days=4, seed=7, step_minutes=60,
                   discharges=discharges, gaps=gaps)
    owner = {"S1": (world.enterprise_a, world.unit_a), "S2": (world.enterprise_b, world.unit_b)}
    stations = {}
    points: dict[str, WaterPoint] = {}
    for p in reversed(doc["points"]):
        code = p["id"]
        enterprise, unit = owner.get(code, (None, world.unit_b))
        mn = mn_of(code)
        if mn not in stations:
            stations[mn] = create_station(admin, {
                "mn": mn, "password": "pw", "name": mn, "kind": "enterprise",
                "latitude": 30.7, "longitude": 120.9, "enterprise": enterprise, "unit": unit},
               factors=list(PLANT_CODES if mn == "WPLANT" else W_CODES))
        points[code] = create_point(admin, {
            "code": code, "name": f"{code} 点", "kind": p["kind"], "station": stations[mn],
            "downstream": points.get(p.get("downstream")), "enterprise": enterprise,
            "unit": unit, "travel_minutes": p.get("travel_minutes", 0.0),
            "target_class": p.get("target_class", ""), "limit_set": p.get("limit_set", "")})
    if store:
        ingest_batch(list(as_uploads(doc, stations)))
    return WaterChain(world, points, doc)


def as_uploads(doc: dict, stations: dict):
    for mn, by_time in uploads(doc, mn_of).items():
        for time, values in by_time.items():
            when = datetime.fromisoformat(time)
            yield Upload(stations[mn].pk, [ReadingIn(code, when, "hour", value, flag)
                                           for code, (value, flag) in values.items()])


@pytest.fixture
def wc(world) -> WaterChain:
    return build(world)
