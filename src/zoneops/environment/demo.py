"""Demo monitoring network around the demo chemical park (area A4 临港化工片区): a weather
mast, boundary stations along the park's edge, a fence-line monitor at each chemical
enterprise and a few ambient stations elsewhere in the zone - ~40 stations, all registered
through the services; plus the demo park's own warning tiers. Idempotent and deterministic."""

from __future__ import annotations

from pathlib import Path

from zoneops.core.models import Enterprise, Place, Unit, User

from .models import Station
from .services import load_rules, save_station

DEMO_RULES = Path(__file__).parent / "data" / "demo_alarm_rules.json"
PASSWORD = "cw212demo"
FENCE = ("a21028", "a21001", "a24088", "a25002", "a25003", "a25005", "a25038", "a99051")
BOUNDARY = ("a21028", "a21001", "a24088", "a25002", "a25003", "a25005", "a21024", "a34004",
            "a34002", "a21026")
AMBIENT = ("a21026", "a21004", "a21005", "a05024", "a34002", "a34004", "a21028", "a24088")
WEATHER = ("a01001", "a01002", "a01006", "a01007", "a01008")
# The demo simulator releases from this station (see core demo command).
RELEASE_SOURCE = "CWHG-E01"


def _ring(code: str) -> list[tuple[float, float]]:
    place = Place.objects.filter(code=code).first()
    if place is None:
        return []
    return [tuple(p) for p in place.geometry["coordinates"][0][:-1]]


def _along(ring: list[tuple[float, float]], n: int) -> list[tuple[float, float]]:
    """n points spread evenly along a closed ring."""
    edges = list(zip(ring, ring[1:] + ring[:1], strict=False))
    lengths = [((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2) ** 0.5 for a, b in edges]
    total = sum(lengths)
    out = []
    for k in range(n):
        d = total * k / n
        for (a, b), length in zip(edges, lengths, strict=False):
            if d <= length:
                f = d / length
                out.append((a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f))
                break
            d -= length
    return out


def specs() -> list[dict]:
    env_unit = Unit.objects.filter(code="U09").first() or Unit.objects.filter(
        code="U08").first()
    out: list[dict] = []
    ring = _ring("A4") or [(120.902, 30.657), (120.9615, 30.662), (120.965, 30.703),
                           (120.900, 30.701)]
    cx = sum(p[0] for p in ring) / len(ring)
    cy = sum(p[1] for p in ring) / len(ring)
    out.append({"mn": "CWQX-M01", "name": "临港化工片区气象站", "kind": "weather",
                "latitude": round(cy, 6), "longitude": round(cx, 6), "unit": env_unit,
                "factors": WEATHER})
    for n, (lon, lat) in enumerate(_along(ring, 10), start=1):
        out.append({"mn": f"CWHG-B{n:02d}", "name": f"化工园区边界站{n:02d}", "kind": "boundary",
                    "latitude": round(lat, 6), "longitude": round(lon, 6), "unit": env_unit,
                    "factors": BOUNDARY})
    chemical = Enterprise.objects.filter(in_chemical_park=True, latitude__isnull=False
                                         ).order_by("credit_code")[:24]
    for n, e in enumerate(chemical, start=1):
        out.append({"mn": f"CWHG-E{n:02d}", "name": f"{e.name}厂界监测点", "kind": "enterprise",
                    "latitude": round(float(e.latitude) + 0.0008, 6),
                    "longitude": round(float(e.longitude) + 0.0008, 6),
                    "enterprise": e, "unit": e.unit or env_unit, "factors": FENCE})
    for n, code in enumerate(("A1", "A2", "A3"), start=1):
        other = _ring(code)
        if other:
            lon = sum(p[0] for p in other) / len(other)
            lat = sum(p[1] for p in other) / len(other)
            out.append({"mn": f"CWKQ-A{n:02d}", "name": f"环境空气自动站{n:02d}",
                        "kind": "ambient", "latitude": round(lat, 6),
                        "longitude": round(lon, 6), "unit": env_unit, "factors": AMBIENT})
    # Ambient sites downwind of the park, where a release would be felt.
    for n, (dx, dy) in enumerate(((-0.012, 0.012), (-0.02, 0.02)), start=4):
        out.append({"mn": f"CWKQ-A{n:02d}", "name": f"环境空气自动站{n:02d}", "kind": "ambient",
                    "latitude": round(cy + dy, 6), "longitude": round(cx + dx, 6),
                    "unit": env_unit, "factors": AMBIENT})
    return out


def load(stdout=None) -> None:
    admin = User.objects.get(username="admin")
    made = 0
    for n, spec in enumerate(specs(), start=1):
        if Station.objects.filter(mn=spec["mn"]).exists():
            continue
        factors = spec.pop("factors")
        save_station(admin, {**spec, "password": f"{PASSWORD}{n:02d}",
                             "no_data_seconds": 300}, factors=list(factors))
        made += 1
    load_rules(admin, DEMO_RULES)
    if stdout is not None:
        stdout.write(f"Environment: {Station.objects.count()} monitoring stations "
                     f"({made} new), alarm rules with the demo park's warning tiers.")
