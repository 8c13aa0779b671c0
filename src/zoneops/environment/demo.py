"""Demo monitoring network around the demo chemical park (area A4 临港化工片区): a weather
mast, boundary stations along the park's edge, a fence-line monitor at each chemical
enterprise and a few ambient stations elsewhere in the zone - ~40 stations, all registered
through the services; plus the demo park's own warning tiers. Idempotent and deterministic."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from zoneops.core.demo import H2S_KEY
from zoneops.core.models import Alert, Enterprise, Place, Unit, User
from zoneops.core.services import alerts as alert_service

from .models import Station
from .services import create_station, load_rules

DEMO_RULES = Path(__file__).parent / "data" / "demo_alarm_rules.json"
PASSWORD = "cw212demo"
FENCE = ("a21028", "a21001", "a24088", "a25002", "a25003", "a25005", "a25038", "a99051")
BOUNDARY = ("a21028", "a21001", "a24088", "a25002", "a25003", "a25005", "a21024", "a34004",
            "a34002", "a21026")
AMBIENT = ("a21026", "a21004", "a21005", "a05024", "a34002", "a34004", "a21028", "a24088")
WEATHER = ("a01001", "a01002", "a01006", "a01007", "a01008")
# The demo simulator releases from this station (see core demo command).
RELEASE_SOURCE = "CWHG-E01"
# The seeded red H2S alarm's station (a park boundary station downwind of the fine chemicals).
RED_STATION = "CWHG-B06"


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
        create_station(admin, {**spec, "password": f"{PASSWORD}{n:02d}",
                             "no_data_seconds": 300}, factors=list(factors))
        made += 1
    load_rules(admin, DEMO_RULES)
    seeded = _load_alerts()
    if stdout is not None:
        stdout.write(f"Environment: {Station.objects.count()} monitoring stations "
                     f"({made} new), alarm rules with the demo park's warning tiers, "
                     f"{seeded} new demo alarms.")


def _alarm_data(station: Station, factor: str, factor_name: str, tier: str, measure: float,
                threshold: float, when, source: str, wind: dict | None = None) -> dict:
    """What an alarm raised by the engine carries (alarms._cause), for a seeded one."""
    # The readings before it (attached as the engine attaches them): background, then the
    # rise of the last ten minutes. Invented demo data, like the simulator's.
    background = threshold / 6
    readings = [{"time": (when - timedelta(minutes=29 - n)).isoformat(), "flag": "N",
                 "value": round(background + (measure - background) * max(0, n - 19) / 10, 4)}
                for n in range(30)]
    return {"station": station.mn, "station_name": station.name, "station_id": station.pk,
            "factor": factor, "factor_name": factor_name, "unit": "mg/m³", "tier": tier,
            "rule_kind": "level", "measure": measure, "peak": measure, "threshold": threshold,
            "time": when.isoformat(), "source": source, "readings": readings,
            "wind": wind or {}}


def _load_alerts() -> int:
    """The demo's air alarms, each at one of the demo's stations (issue 19: a red alarm without
    a station made the list red and the map green)."""
    stations = {s.mn: s for s in Station.objects.select_related("unit", "enterprise")}
    users = {u.username: u for u in User.objects.filter(username__in=["duty", "enterprise"])}
    if RED_STATION not in stations or "duty" not in users:
        return 0
    now = timezone.now()
    mast = stations.get("CWQX-M01")
    wind = ({"station": mast.mn, "station_name": mast.name, "speed": 2.4, "direction": 225.0}
            if mast else {})
    created = 0

    def fresh(key: str) -> bool:
        return not Alert.objects.filter(module="environment", key=key).exists()

    # 1. Red, just raised and not yet acknowledged (past its 15-minute limit).
    station = stations[RED_STATION]
    if fresh(H2S_KEY):
        when = now - timedelta(minutes=25)
        alert_service.raise_alert(
            module="environment", key=H2S_KEY, level=Alert.Level.RED,
            title=f"{station.name}：硫化氢 报警",
            detail=(f"{station.name}硫化氢实时浓度0.082 mg/m³，超过报警值0.06 mg/m³"
                    "（GB 14554-93 表1 二级新扩改建），已持续25分钟；上风向为精细化工板块，"
                    "请立即核实排放源。"),
            source=station, unit=station.unit, enterprise=station.enterprise,
            data=_alarm_data(station, "a21028", "硫化氢", "报警", 0.082, 0.06, when,
                             "GB 14554-93 Table 1, grade 2 (new)", wind),
            now=when)
        created += 1
    # 2. Orange, acknowledged and assigned, past its time limit: at the fence-line monitor of
    # the demo enterprise contact's own company (they see it without being assigned).
    own = users.get("enterprise")
    fence = next((s for s in stations.values() if own and s.enterprise_id
                  and s.enterprise_id == own.enterprise_id), None)
    key = "demo:nmhc:fence"
    if fence is not None and fresh(key):
        when = now - timedelta(days=1, hours=6)
        alert = alert_service.raise_alert(
            module="environment", key=key, level=Alert.Level.ORANGE,
            title=f"{fence.name}：非甲烷总烃 持续偏高",
            detail=(f"{fence.name}非甲烷总烃浓度连续6小时高于4.0 mg/m³（GB 31571-2015 表7 "
                    "企业边界），请企业排查储罐呼吸阀和装卸环节。"),
            source=fence, unit=fence.unit, enterprise=fence.enterprise,
            data=_alarm_data(fence, "a24088", "非甲烷总烃", "报警", 5.1, 4.0, when,
                             "GB 31571-2015 Table 7, enterprise boundary, any 1-hour mean",
                             wind),
            now=when)
        duty = users["duty"]
        alert = alert_service.acknowledge(duty, alert, note="已收到，正在调度。")
        if fence.unit is not None:
            alert_service.assign(duty, alert, unit=fence.unit,
                                 note="请属地单位督促企业排查，24小时内反馈。")
        created += 1
    # 3. Blue: an ambient station stopped sending data.
    quiet = stations.get("CWKQ-A02")
    key = "demo:nodata:station7"
    if quiet is not None and fresh(key):
        when = now - timedelta(hours=2, minutes=10)
        alert_service.raise_alert(
            module="environment", key=key, level=Alert.Level.BLUE,
            title=f"{quiet.name}：数据传输中断",
            detail=f"{quiet.name}已超过2小时无数据上传，请运维单位检查供电和网络。",
            source=quiet, unit=quiet.unit, enterprise=quiet.enterprise,
            data={"station": quiet.mn, "station_name": quiet.name, "station_id": quiet.pk,
                  "factor": "", "rule_kind": "no_data", "tier": "离线",
                  "time": when.isoformat(), "last_seen_minutes": 130},
            now=when)
        created += 1
    return created
