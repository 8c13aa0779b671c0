"""Running the pure alarm engine against stored rules and state, and turning its transitions
into core alerts. Called inside the ingest transaction (so state, readings and alerts commit
together) and by the periodic no-data check."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zoneops.core.services.alerts import raise_alert, resolve_alert

from . import engine
from .convert import BEIJING, ReadingIn
from .models import AlarmRule, AlarmState, Factor, GatewayState, Reading, Station

MODULE = "environment"
STATION_WIDE = ("no_data", "rejects")
_CACHE_SECONDS = 5.0
_cache: dict[str, Any] = {"at": 0.0, "rules": []}


def clear_cache() -> None:
    _cache["at"] = 0.0


def active_rules() -> list[tuple[AlarmRule, engine.Rule]]:
    """Every active rule with its engine form; cached for a few seconds per process (rules
    change rarely; a change made elsewhere is picked up within that time)."""
    if time.monotonic() - _cache["at"] > _CACHE_SECONDS:
        rows = list(AlarmRule.objects.filter(is_active=True).select_related("factor"))
        _cache["rules"] = [(row, engine.Rule.from_dict(row.code, {
            "kind": row.kind, "tiers": row.tiers, "duration_readings": row.duration_readings,
            "duration_seconds": row.duration_seconds})) for row in rows]
        _cache["at"] = time.monotonic()
    return _cache["rules"]


def applies(row: AlarmRule, station: Station) -> bool:
    if row.scope == AlarmRule.Scope.KIND:
        return row.scope_kind == station.kind
    if row.scope == AlarmRule.Scope.STATION:
        return row.scope_station_id == station.pk
    return True


def _states(station: Station, keys: set[tuple[int, str]]) -> dict[tuple[int, str], AlarmState]:
    """The saved states for (rule id, factor code) pairs, created when missing, locked."""
    if not keys:
        return {}
    rule_ids = {k[0] for k in keys}
    codes = {k[1] for k in keys}
    query = AlarmState.objects.select_for_update().filter(
        station=station, rule_id__in=rule_ids, factor_code__in=codes)
    found = {(s.rule_id, s.factor_code): s for s in query}
    missing = keys - found.keys()
    if missing:
        AlarmState.objects.bulk_create(
            [AlarmState(station=station, rule_id=r, factor_code=c) for r, c in missing],
            ignore_conflicts=True)
        found = {(s.rule_id, s.factor_code): s for s in query.all()}
    return {k: found[k] for k in keys}


def _ts(moment: datetime) -> float:
    return moment.timestamp()


def evaluate(station_id: int, readings: Sequence[ReadingIn], now: datetime) -> list[Any]:
    """Feed newly stored readings (and their arrival) to every rule that applies."""
    station = Station.objects.select_related("unit", "enterprise").get(pk=station_id)
    rules = [(row, rule) for row, rule in active_rules() if applies(row, station)]
    work: list[tuple[AlarmRule, engine.Rule, str, engine.Sample]] = []
    for reading in sorted(readings, key=lambda r: r.time):
        sample = engine.Sample(_ts(reading.time), reading.value, reading.flag)
        for row, rule in rules:
            if rule.kind in STATION_WIDE or row.reading_kind != reading.kind:
                continue
            if row.factor is not None and row.factor.code != reading.factor:
                continue
            work.append((row, rule, reading.factor, sample))
    arrival = engine.Sample(_ts(now), 0.0)
    for row, rule in rules:
        if rule.kind in STATION_WIDE:  # data arrived and was accepted: silence, rejects end
            work.append((row, rule, "", arrival))
    return _run(station, work, now)


def evaluate_rejects(station_id: int, streak: int, now: datetime) -> list[Any]:
    station = Station.objects.select_related("unit", "enterprise").get(pk=station_id)
    sample = engine.Sample(_ts(now), float(streak))
    work = [(row, rule, "", sample) for row, rule in active_rules()
            if rule.kind == "rejects" and applies(row, station)]
    return _run(station, work, now)


def _run(station: Station, work: list, now: datetime) -> list[Any]:
    states = _states(station, {(row.pk, code) for row, _r, code, _s in work})
    current = {k: engine.State.from_dict(s.state) for k, s in states.items()}
    changed: set[tuple[int, str]] = set()
    out = []
    for row, rule, code, sample in work:
        key = (row.pk, code)
        new, transition = engine.step(rule, current[key], sample)
        if new is not current[key]:
            current[key] = new
            changed.add(key)
        if transition is not None:
            out.append(transition)
            _emit(station, row, code, transition, now)
    _save(states, current, changed)
    return out


def _save(states: dict, current: dict, changed: set) -> None:
    # One UPDATE for all of an upload's changed states (a save() each was the single largest
    # cost of ingest: one round trip per factor x rule).
    dirty = []
    stamp = timezone.now()
    for key in changed:
        saved = states[key]
        new = current[key]
        data = new.to_dict()
        if data != saved.state:
            saved.state, saved.tier, saved.updated_at = data, new.tier, stamp
            rule_tiers = next((r.tiers for r, _ in active_rules() if r.pk == key[0]), [])
            saved.level = int(rule_tiers[new.tier]["level"]) if 0 <= new.tier < len(
                rule_tiers) else 0
            dirty.append(saved)
    if dirty:
        AlarmState.objects.bulk_update(dirty, ["state", "tier", "level", "updated_at"])


def check_silence(now: datetime) -> int:
    """Judge every active station against its no-data rules (periodic; safe to run in
    several processes: each station is evaluated under its state rows' lock)."""
    rules = [(row, rule) for row, rule in active_rules() if rule.kind == "no_data"]
    if not rules:
        return 0
    count = 0
    stations = Station.objects.filter(is_active=True).select_related(
        "unit", "enterprise", "gateway_state")
    for station in stations:
        mine = [(row, rule) for row, rule in rules if applies(row, station)]
        if not mine:
            continue
        with transaction.atomic():
            last = (GatewayState.objects.filter(station=station)
                    .values_list("last_seen", flat=True).first())
            states = _states(station, {(row.pk, "") for row, _ in mine})
            current = {k: engine.State.from_dict(s.state) for k, s in states.items()}
            changed = set()
            for row, rule in mine:
                key = (row.pk, "")
                new, transition = engine.silence(
                    rule, current[key], _ts(now), _ts(last) if last else None,
                    float(station.no_data_seconds))
                if new is not current[key]:
                    current[key] = new
                    changed.add(key)
                if transition is not None:
                    count += 1
                    _emit(station, row, "", transition, now)
            _save(states, current, changed)
    return count


# --- alerts ------------------------------------------------------------------------------------

def alert_key(station: Station, row: AlarmRule, code: str) -> str:
    return f"{station.mn}:{code or '*'}:{row.code}"[:200]


def _emit(station: Station, row: AlarmRule, code: str, t: engine.Transition,
          now: datetime) -> None:
    key = alert_key(station, row, code)
    when = datetime.fromtimestamp(t.t, UTC)
    if t.action == "clear":
        resolve_alert(module=MODULE, key=key, now=now,
                      note=_("%(rule)s cleared at %(station)s (measure %(value)s)") % {
                          "rule": row.name, "station": station.name,
                          "value": _fmt(t.measure)})
        return
    factor = Factor.objects.filter(code=code).first() if code else None
    tier = row.tiers[t.tier] if 0 <= t.tier < len(row.tiers) else {}
    what = factor.name_zh if factor else row.name
    data: dict[str, Any] = {
        "station": station.mn, "station_name": station.name, "station_id": station.pk,
        "factor": code, "factor_name": factor.name_zh if factor else "",
        "unit": factor.unit if factor else "", "rule": row.code, "rule_name": row.name,
        "rule_kind": row.kind, "tier": t.name, "action": t.action, "measure": t.measure,
        "peak": t.peak, "time": when.isoformat(), "source": tier.get("source") or row.source,
        "threshold": tier.get("on"),
    }
    if factor is not None:
        data["readings"] = _readings_around(station, factor, row.reading_kind, when)
    data["wind"] = wind_at(station, when)
    title = _("%(station)s: %(what)s %(tier)s") % {"station": station.name, "what": what,
                                                    "tier": t.name}
    detail = _("%(rule)s: measure %(value)s %(unit)s at %(time)s (threshold %(on)s; "
               "source: %(source)s)") % {
        "rule": row.name, "value": _fmt(t.measure), "unit": data["unit"],
        "time": when.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S"),
        "on": tier.get("on"), "source": data["source"]}
    raise_alert(module=MODULE, level=t.level, title=title[:200], detail=detail, key=key,
                source=station, unit=station.unit, enterprise=station.enterprise, data=data,
                now=now)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.4g}"


def _readings_around(station: Station, factor: Factor, kind: str, when: datetime,
                     minutes: int = 30) -> list[dict[str, Any]]:
    rows = (Reading.objects.filter(station=station, factor=factor, kind=kind,
                                   time__gte=when - timedelta(minutes=minutes),
                                   time__lte=when + timedelta(minutes=minutes))
            .order_by("-time").values_list("time", "value", "flag")[:30])
    return [{"time": t.isoformat(), "value": v, "flag": f} for t, v, f in reversed(rows)]


def nearest_weather_station(station: Station) -> Station | None:
    best, best_d = None, math.inf
    for other in Station.objects.filter(kind=Station.Kind.WEATHER, is_active=True):
        d = _distance_m(station.latitude, station.longitude, other.latitude, other.longitude)
        if d < best_d:
            best, best_d = other, d
    return best


def _distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def wind_at(station: Station, when: datetime, within_minutes: int = 30) -> dict[str, Any]:
    """Wind speed (a01007) and direction (a01008) at the nearest weather station, from its
    last reading at or before ``when`` (no older than ``within_minutes``); {} if none."""
    mast = station if station.kind == Station.Kind.WEATHER else nearest_weather_station(station)
    if mast is None:
        return {}
    out: dict[str, Any] = {"station": mast.mn, "station_name": mast.name}
    for code, name in (("a01007", "speed"), ("a01008", "direction")):
        row = (Reading.objects.filter(station=mast, factor__code=code,
                                      time__lte=when,
                                      time__gte=when - timedelta(minutes=within_minutes))
               .order_by("-time").values_list("value", "time").first())
        if row:
            out[name] = row[0]
            out[f"{name}_time"] = row[1].isoformat()
    return out if len(out) > 2 else {}
