"""Running the pure alarm engine against stored rules and state, and turning its transitions
into core alerts. Called inside the ingest transaction (so state, readings and alerts commit
together), for rejected packets, and by the periodic no-data check.

The engine's state of a station (every rule × factor) is one JSON document on its
GatewayState row, locked and written with the counters (see store.py). Each process keeps
the states of the stations it serves in memory (:class:`StateCache`) and trusts its copy
only while the row's version is the one it last wrote: another gateway process that wrote
in between makes it reload. AlarmState rows hold each rule's current tier for the map and
are written only when a tier changes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from operator import attrgetter
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zoneops.core.models import Alert
from zoneops.core.models.alerts import i18n_spec, render_spec
from zoneops.core.services.alerts import Clear, Raise, apply_causes
from zoneops.dispersion.geo import distance_m

from . import engine, incidents, store, units
from .convert import BEIJING, ReadingIn
from .models import (
    AlarmRule,
    AlarmState,
    Factor,
    GatewayState,
    MaintenanceWindow,
    Reading,
    Station,
    StationFactor,
)

MODULE = "environment"
STATION_WIDE = ("no_data", "rejects", "clock")
# How long after its DataTime a reading's period ends (DataTime is the period's start).
PERIOD_SECONDS = {"rtd": 0.0, "min": 60.0, "hour": 3600.0, "day": 86400.0}
LATE = "~late"  # state-key suffix of a rule's stream of backfilled (late) readings
_CACHE_SECONDS = 5.0
_lock = threading.Lock()
_cache: dict[str, Any] = {"at": 0.0, "rules": [], "fingerprint": None, "stations": {},
                          "factors": {}}


def clear_cache() -> None:
    with _lock:
        _cache["at"] = 0.0
        _cache["stations"] = {}
        _cache["factors"] = {}
        _cache.pop("masts", None)
        _cache.pop("maintenance", None)
    STATES.clear()


def active_rules() -> list[tuple[AlarmRule, engine.Rule]]:
    """Every active rule with its engine form; cached for a few seconds per process (rules
    change rarely; a change made elsewhere is picked up within that time)."""
    if time.monotonic() - _cache["at"] > _CACHE_SECONDS:
        rows = list(AlarmRule.objects.filter(is_active=True).select_related("factor"))
        rules = [(row, engine.Rule.from_dict(row.code, {
            "kind": row.kind, "tiers": row.tiers, "duration_readings": row.duration_readings,
            "duration_seconds": row.duration_seconds, "clear_seconds": row.clear_seconds}))
            for row in rows]
        fingerprint = [(row.pk, row.kind, row.reading_kind, row.factor_id, row.scope,
                        row.scope_kind, row.scope_station_id, row.tiers, row.duration_readings,
                        row.duration_seconds, row.clear_seconds, row.unit) for row in rows]
        with _lock:
            if fingerprint != _cache["fingerprint"]:
                # Rules changed: states kept in memory were shaped by the old ones.
                _cache["fingerprint"] = fingerprint
                STATES.clear()
            _cache["rules"] = rules
            _cache["stations"] = {}  # station attributes are re-read as often as rules
            _cache.pop("masts", None)
            _cache["at"] = time.monotonic()
    return _cache["rules"]


# Concentration rules for "all stations" mean the air people breathe; a stack's in-flue
# concentrations are far above every fence-line limit, so they reach a stack only by naming it.
AMBIENT_ONLY_KINDS = (AlarmRule.Kind.LEVEL, AlarmRule.Kind.RATE)


def applies(row: AlarmRule, station: Station) -> bool:
    if row.scope == AlarmRule.Scope.KIND:
        return row.scope_kind == station.kind
    if row.scope == AlarmRule.Scope.STATION:
        return row.scope_station_id == station.pk
    return station.kind != Station.Kind.STACK or row.kind not in AMBIENT_ONLY_KINDS


_Keyed = tuple[AlarmRule, engine.Rule, str]  # a rule with its state key
_Scaled = tuple[AlarmRule, engine.Rule, str, float]  # ... and the unit conversion factor
log = logging.getLogger("zoneops.alarms")


@dataclass
class StationRules:
    """A station with the rules that apply to it, indexed for the hot path."""

    station: Station
    rules: list[tuple[AlarmRule, engine.Rule]]
    units: dict[str, str] = field(default_factory=dict)  # factor code -> device unit
    # The factors registered for the station (code -> factor id): ingest stores only these.
    factor_ids: dict[str, int] = field(default_factory=dict)
    _mast: list[Station | None] = field(default_factory=list)
    _by_reading: dict[tuple[str, str], list[_Scaled]] = field(default_factory=dict)
    _station_wide: list[_Keyed] | None = None

    def for_reading(self, kind: str, factor: str) -> list[_Scaled]:
        """The rules a reading of this kind and factor feeds, each with its state key and
        the factor turning the station's unit into the rule's (a rule that cannot convert -
        ppm of a mixture against a mass limit - is left out, and logged)."""
        found = self._by_reading.get((kind, factor))
        if found is None:
            found = []
            for row, rule in self.rules:
                if (rule.kind in STATION_WIDE or row.reading_kind != kind
                        or (row.factor is not None and row.factor.code != factor)):
                    continue
                scale = 1.0
                if rule.kind in engine.STRICT_KINDS:  # values; counts have no unit
                    try:
                        scale = units.conversion(factor, self.units.get(factor, ""), row.unit)
                    except units.UnitError as exc:
                        log.error("station %s, rule %s: %s", self.station.mn, row.code, exc)
                        continue
                found.append((row, rule, state_key(row, factor), scale))
            self._by_reading[(kind, factor)] = found
        return found

    @property
    def mast(self) -> Station | None:
        """The nearest weather mast (for the wind at an alarm), looked up once."""
        if not self._mast:
            self._mast.append(nearest_weather_station(self.station))
        return self._mast[0]

    def station_wide(self) -> list[_Keyed]:
        """The rules judged on the station as a whole (no data, rejects), with state keys."""
        if self._station_wide is None:
            self._station_wide = [(row, rule, state_key(row, "")) for row, rule in self.rules
                                  if rule.kind in STATION_WIDE]
        return self._station_wide


def state_key(row: AlarmRule, code: str) -> str:
    """Where a rule's engine state for one factor ("" for station-wide rules) is kept."""
    return f"{row.pk}:{code}"


def station_rules(station_ids: Iterable[int]) -> dict[int, StationRules]:
    """Stations (with unit and enterprise) and their rules, cached like the rules."""
    rules = active_rules()
    stations: dict[int, StationRules] = _cache["stations"]
    wanted = set(station_ids)
    missing = wanted - stations.keys()
    if missing:
        device_units: dict[int, dict[str, str]] = {}
        registered: dict[int, dict[str, int]] = {}
        for sid, code, fid, unit in (StationFactor.objects.filter(station_id__in=missing)
                                     .values_list("station_id", "factor__code", "factor_id",
                                                  "unit")):
            registered.setdefault(sid, {})[code] = fid
            if unit:
                device_units.setdefault(sid, {})[code] = unit
        for station in Station.objects.filter(pk__in=missing).select_related("unit",
                                                                             "enterprise"):
            stations[station.pk] = StationRules(
                station, [(row, rule) for row, rule in rules if applies(row, station)],
                device_units.get(station.pk, {}), registered.get(station.pk, {}))
    return {sid: stations[sid] for sid in wanted if sid in stations}


# --- engine state: in memory, checked against the row's version ------------------------------

States = dict[str, engine.State]  # "rule id:factor code" -> state


class StateCache:
    """Per process: station id -> (version, states). A batch takes a station's states out,
    works on them inside its transaction and puts them back only after the commit, so a
    rolled-back batch leaves nothing wrong behind (the next one reloads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[int, tuple[int, States]] = {}

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def take(self, versions: Mapping[int, int]) -> dict[int, States]:
        """The states of locked stations at the given versions: ours if still current, else
        loaded from the database."""
        out: dict[int, States] = {}
        with self._lock:
            for sid, version in versions.items():
                entry = self._entries.pop(sid, None)
                if entry is not None and entry[0] == version:
                    out[sid] = entry[1]
        stale = [sid for sid in versions if sid not in out]
        if stale:
            rules = {str(row.pk): rule for row, rule in active_rules()}
            for sid, blob in store.load_alarm_states(stale).items():
                out[sid] = {key: engine.State.from_dict(data, rules.get(key.split(":")[0]))
                            for key, data in blob.items()}
            for sid in stale:
                out.setdefault(sid, {})
        return out

    def put_after_commit(self, states: Mapping[int, States], versions: Mapping[int, int]
                         ) -> None:
        def put() -> None:
            with self._lock:
                for sid, version in versions.items():
                    entry = self._entries.get(sid)
                    if entry is None or entry[0] < version:
                        self._entries[sid] = (version, states[sid])

        transaction.on_commit(put)


STATES = StateCache()


def dump(states: States) -> dict[str, Any]:
    return {key: state.to_dict() for key, state in states.items()}


# --- evaluation --------------------------------------------------------------------------------

@dataclass
class _Run:
    """Steps rules over one station's states; collects transitions and tier changes."""

    info: StationRules
    states: States
    now: datetime
    tiers: list[AlarmState] = field(default_factory=list)  # for record_tiers, by the caller
    alerts: list[_Alert] | None = None  # if given, alert work waits here for emit_alerts
    transitions: list[engine.Transition] = field(default_factory=list)
    changed: bool = False

    def step(self, row: AlarmRule, rule: engine.Rule, code: str, key: str, t: float,
             value: float | None, flag: str | None = "N") -> None:
        old = self.states.get(key)
        if old is None:
            old = self.states[key] = engine.State()
        # The run owns its states (STATES.take handed them out; a rolled-back batch's are
        # dropped), so quiet steps may change them in place.
        new, transition = engine.feed_owned(rule, old, t, value, flag)
        self.changed = True  # in place or anew (a stale reading changes nothing: harmless)
        if new is not old:  # _after, inlined: a batch takes thousands of steps
            self.states[key] = new
        if transition is not None:
            self._transition(row, code, new, transition)

    def silence(self, row: AlarmRule, rule: engine.Rule, last_seen: float | None) -> None:
        key = state_key(row, "")
        old = self.states.get(key) or engine.State()
        new, transition = engine.silence(rule, old, _ts(self.now), last_seen,
                                         float(self.info.station.no_data_seconds))
        self._after(row, "", key, old, new, transition)

    def _after(self, row: AlarmRule, code: str, key: str, old: engine.State,
               new: engine.State, transition: engine.Transition | None) -> None:
        if new is not old:
            self.states[key] = new
            self.changed = True
        if transition is not None:
            self._transition(row, code, new, transition)

    def late(self, row: AlarmRule, rule: engine.Rule, code: str, key: str, t: float,
             value: float | None, flag: str | None) -> None:
        """A backfilled reading (older than the newest the rule has seen): judged in the
        rule's own stream of late readings, so it is evaluated against its own time window
        without replaying the live state; what it raises is marked late."""
        late_key = key + LATE
        old = self.states.get(late_key) or engine.State()
        new, transition = engine.feed(rule, old, t, value, flag)
        if new is not old:
            self.states[late_key] = new
            self.changed = True
        if transition is not None:
            self._transition(row, code, new, transition, late=True, live=False)

    def _transition(self, row: AlarmRule, code: str, new: engine.State,
                    transition: engine.Transition, late: bool = False,
                    live: bool = True) -> None:
        self.transitions.append(transition)
        if live:  # the map shows the present; a late stream's tier is history
            self.tiers.append(_tier_row(self.info.station, row, code, new.tier))
        alert = (self.info, row, code, transition, self.now, late, live)
        if self.alerts is None:
            emit_alerts([alert])
        else:
            self.alerts.append(alert)


def evaluate(info: StationRules, states: States, readings: Sequence[ReadingIn],
             now: datetime, tiers: list[AlarmState], alerts: list[_Alert],
             ahead: list[datetime] | None = None, station_wide: bool = True
             ) -> list[engine.Transition]:
    """Feed one upload's readings (and its arrival) to every rule that applies. ``states``
    (the station's, from STATES.take) is updated in place. Nothing here uses the database:
    tier changes are added to ``tiers`` for :func:`record_tiers` and the alerts to raise or
    clear to ``alerts`` for :func:`emit_alerts`, both for the caller to run afterwards (a
    batch evaluates while the server is still storing its readings).

    Clock sanity: a reading is judged at its DataTime but never later than its arrival
    (``now``), so no rule's newest-seen time moves into the future; a DataTime more than the
    station's allowed skew ahead is added to ``ahead`` (the caller flags those rows) and feeds
    the station's ``clock`` rules. A reading older than what a rule has already seen is a
    resend (ignored) unless it arrives later than the station's no-data time after its
    period ended: then it is backfill, judged in the rule's late stream (:meth:`_Run.late`);
    an alarm raised for a period that ended that long ago is marked late too."""
    run = _Run(info, states, now, tiers, alerts)
    feed, fresh = engine.feed_owned, engine.State
    station = info.station
    arrival = _ts(now)
    skew = float(station.max_clock_skew_seconds)
    late_after = float(station.no_data_seconds)
    fastest = 0.0
    last = t = None
    # Unpacked, not read by attribute: a NamedTuple's field lookup is a call per field.
    for factor, when, kind, value, flag in sorted(readings, key=_reading_time):
        if when is not last:  # an upload's readings share one datetime
            last, t = when, _ts(when)
            if t > arrival:
                if t - arrival > skew:
                    fastest = max(fastest, t - arrival)
                    if ahead is not None:
                        ahead.append(when)
                t = arrival
        rules = info.for_reading(kind, factor)
        for row, rule, key, scale in rules:  # _Run.step inlined: a batch takes thousands
            # In the rule's unit (the station's device may report another).
            measure = value * scale if scale != 1.0 and value is not None else value
            old = states.get(key) or states.setdefault(key, fresh())
            seen = old.last_t
            if seen is not None and t <= seen:
                if arrival - t - PERIOD_SECONDS[kind] > late_after:
                    run.late(row, rule, factor, key, t, measure, flag)
                continue  # a resend: judged already
            new, transition = feed(rule, old, t, measure, flag)
            if new is not old:
                states[key] = new
            if transition is not None:
                run._transition(row, factor, new, transition,
                                late=arrival - t - PERIOD_SECONDS[kind] > late_after)
    for row, rule, key in (info.station_wide() if station_wide else ()):
        # data arrived and was accepted: silence ends
        measure = (fastest / skew if skew > 0 else 0.0) if rule.kind == "clock" else 0.0
        run.step(row, rule, "", key, arrival, measure)
    return run.transitions


_reading_time = attrgetter("time")


def evaluate_rejects(station_id: int, streak: int, now: datetime,
                     versions: dict[int, int]) -> list[engine.Transition]:
    """Judge a station's ``rejects`` rules after a rejected packet (inside the transaction
    that locked its gateway row: ``versions`` from store.lock_stations)."""
    info = station_rules([station_id]).get(station_id)
    if info is None:
        return []
    states = STATES.take(versions)
    run = _Run(info, states[station_id], now)
    for row, rule, key in info.station_wide():
        if rule.kind == "rejects":
            run.step(row, rule, "", key, _ts(now), float(streak))
    _store_one(run, station_id, versions, states)
    return run.transitions


def _store_one(run: _Run, station_id: int, versions: dict[int, int],
               states: dict[int, States]) -> None:
    record_tiers(run.tiers)
    if run.changed:
        store.write_alarm_state(station_id, dump(run.states))
        versions = {station_id: versions[station_id] + 1}
    STATES.put_after_commit(states, versions)


def check_silence(now: datetime) -> int:
    """Judge every active station against its no-data rules (periodic; safe to run in
    several processes: each station is judged under its gateway row's lock)."""
    if not any(rule.kind == "no_data" for _row, rule in active_rules()):
        return 0
    ids = list(Station.objects.filter(is_active=True).values_list("pk", flat=True))
    count = 0
    for sid, info in station_rules(ids).items():
        mine = [(row, rule) for row, rule in info.rules if rule.kind == "no_data"]
        if not mine:
            continue
        with transaction.atomic():
            versions = store.lock_stations([sid])
            last = (GatewayState.objects.filter(station_id=sid)
                    .values_list("last_seen", flat=True).first())
            states = STATES.take(versions)
            run = _Run(info, states[sid], now)
            for row, rule in mine:
                run.silence(row, rule, _ts(last) if last else None)
            count += len(run.transitions)
            _store_one(run, sid, versions, states)
    return count


def _tier_row(station: Station, row: AlarmRule, code: str, tier: int) -> AlarmState:
    level = int(row.tiers[tier]["level"]) if 0 <= tier < len(row.tiers) else 0
    return AlarmState(station=station, rule=row, factor_code=code, tier=tier, level=level)


def record_tiers(tiers: Sequence[AlarmState]) -> None:
    """Upsert current tiers (for the map) in one statement; of several changes to one
    station, rule and factor the last wins."""
    latest = {(t.station_id, t.rule_id, t.factor_code): t for t in tiers}
    if latest:
        AlarmState.objects.bulk_create(
            list(latest.values()), update_conflicts=True,
            unique_fields=["station", "rule", "factor_code"],
            update_fields=["tier", "level", "updated_at"])


def _ts(moment: datetime) -> float:
    return moment.timestamp()


# --- alerts ------------------------------------------------------------------------------------

# (station and rules, rule, factor code, transition, now, late, live stream)
_Alert = tuple["StationRules", AlarmRule, str, engine.Transition, datetime, bool, bool]


def quiet_stations(now: datetime) -> set[int]:
    """Stations under maintenance at ``now`` (their alarms raise no alert). The windows that
    have not ended are read once per rules refresh, so a window set in another process counts
    within a few seconds."""
    windows = _cache.get("maintenance")
    if windows is None or time.monotonic() - windows[0] > _CACHE_SECONDS:
        windows = _cache["maintenance"] = (time.monotonic(), list(
            MaintenanceWindow.objects.filter(ends_at__gt=now).values_list(
                "station_id", "starts_at", "ends_at")))
    return {sid for sid, start, end in windows[1] if start <= now < end}


def forget_maintenance() -> None:
    """Re-read the maintenance windows at the next alarm (this process; others within
    _CACHE_SECONDS)."""
    with _lock:
        _cache.pop("maintenance", None)


def emit_alerts(alerts: Sequence[_Alert]) -> None:
    """Raise, escalate or clear the core alerts of transitions :func:`evaluate` collected,
    all together (a batch's alerts share its ``now``)."""
    if not alerts:
        return
    now = alerts[0][4]
    quiet = quiet_stations(now) if any(t.action != "clear" for _i, _r, _c, t, *_x in alerts
                                       ) else set()
    causes = []
    for info, row, code, transition, when, late, live in alerts:
        if transition.action != "clear" and info.station.pk in quiet:
            continue  # under maintenance: judged, stored, but nobody is called out
        cause = _cause(info, row, code, transition, when, late, live)
        station = info.station
        data = cause.data if isinstance(cause, Raise) else {
            "factor": code, "rule_kind": row.kind, "late": not live}
        causes.append((cause, data, (station.latitude, station.longitude,
                                     station.enterprise_id)))
    grouper = incidents.Grouper(now)
    grouped = grouper.group(causes)
    # Every caller holds the stations' gateway rows (and the grouping its lock).
    results = apply_causes(grouped, now=now, serialized=True)
    concerned = grouper.concerned()
    if concerned:
        through = Alert.concerned_enterprises.through
        through.objects.bulk_create([
            through(alert_id=alert.pk, enterprise_id=enterprise_id)
            for alert in results if alert is not None and alert.key in concerned
            for enterprise_id in concerned[alert.key]], ignore_conflicts=True)


def alert_key(station: Station, row: AlarmRule, code: str, episode: int = 1,
              live: bool = True) -> str:
    """The alert of one episode of a rule at a station (and factor). An alarm that returns
    after its cause cleared is a new episode, hence a new alert, raised and notified as
    such (the first episode keeps the plain key). Backfilled readings' alarms are apart."""
    key = f"{station.mn}:{code or '*'}:{row.code}"
    if not live:
        key += ":late"
    if episode > 1:
        key += f"#{episode}"
    return key[:200]


def _cause(info: StationRules, row: AlarmRule, code: str, t: engine.Transition,
           now: datetime, late: bool = False, live: bool = True) -> Raise | Clear:
    station = info.station
    key = alert_key(station, row, code, t.episode, live)
    when = datetime.fromtimestamp(t.t, UTC)
    if t.action == "clear":
        return Clear(MODULE, key, _("%(rule)s cleared at %(station)s (measure %(value)s)") % {
            "rule": row.name, "station": station.name, "value": _fmt(t.measure)})
    factor = _factor(code) if code else None
    tier = row.tiers[t.tier] if 0 <= t.tier < len(row.tiers) else {}
    data: dict[str, Any] = {
        "station": station.mn, "station_name": station.name, "station_id": station.pk,
        "factor": code, "factor_name": factor.name_zh if factor else "",
        "factor_name_en": factor.name_en if factor else "",
        "unit": (row.unit or factor.unit) if factor else "", "rule": row.code,
        "rule_name": row.name,
        "rule_kind": row.kind, "tier": t.name, "action": t.action, "measure": t.measure,
        "peak": t.peak, "time": when.isoformat(), "source": tier.get("source") or row.source,
        "threshold": tier.get("on"), "episode": t.episode, "late": late,
    }
    if late:
        data["arrived"] = now.isoformat()
    if factor is not None:
        data["readings"] = _readings_around(station, factor, row.reading_kind, when)
    data["wind"] = wind_at(info.mast, when)
    top = row.tiers[t.top] if t.tier < t.top < len(row.tiers) else None
    # Titles and details are kept as message ids and parameters too, so each reader sees
    # them in their own language (Alert.display_title); the text is the platform's.
    what_spec: Any = ({"zh-hans": factor.name_zh, "en": factor.name_en or factor.code}
                      if factor else {"zh-hans": row.name, "en": row.code})
    if row.kind == AlarmRule.Kind.CLOCK:
        ahead = t.measure * station.max_clock_skew_seconds
        data["ahead_seconds"] = ahead
        title_spec = i18n_spec("%(station)s: logger clock %(ahead)s fast",
                               station=station.name, ahead=_duration_spec(ahead))
    elif top is not None:  # de-escalated: the current tier, and how bad it was
        title_spec = i18n_spec("%(station)s: %(what)s %(tier)s (peak %(top)s)",
                               station=station.name, what=what_spec, tier=i18n_spec(t.name),
                               top=i18n_spec(top["name"]))
    else:
        title_spec = i18n_spec("%(station)s: %(what)s %(tier)s", station=station.name,
                               what=what_spec, tier=i18n_spec(t.name))
    if late:
        title_spec = i18n_spec("[late] %(title)s", title=title_spec)
    detail_spec = i18n_spec(
        "%(rule)s: measure %(value)s %(unit)s at %(time)s (threshold %(on)s; source: "
        "%(source)s)", rule={"zh-hans": row.name, "en": row.code}, value=_fmt(t.measure),
        unit=data["unit"], time=when.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S"),
        on=str(tier.get("on")), source=i18n_spec(str(data["source"])))
    data["i18n"] = {"title": title_spec, "detail": detail_spec}
    title, detail = render_spec(title_spec), render_spec(detail_spec)
    return Raise(MODULE, t.level, title[:200], detail, station, key, station.unit,
                 station.enterprise, data)


def _factor(code: str) -> Factor | None:
    factors: dict[str, Factor | None] = _cache["factors"]
    if code not in factors:
        factors[code] = Factor.objects.filter(code=code).first()
    return factors[code]


def _duration_spec(seconds: float) -> dict[str, Any]:
    if seconds >= 2 * 86400:
        return i18n_spec(gettext_noop("%(n)s d"), n=f"{seconds / 86400:.0f}")
    if seconds >= 3600:
        return i18n_spec(gettext_noop("%(n)s h"), n=f"{seconds / 3600:.3g}")
    if seconds >= 60:
        return i18n_spec(gettext_noop("%(n)s min"), n=f"{seconds / 60:.3g}")
    return i18n_spec(gettext_noop("%(n)s s"), n=f"{seconds:.3g}")


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.4g}"


def _readings_around(station: Station, factor: Factor, kind: str, when: datetime,
                     minutes: int = 30) -> list[dict[str, Any]]:
    rows = (Reading.objects.filter(station=station, factor=factor, kind=kind,
                                   time__gte=when - timedelta(minutes=minutes),
                                   time__lte=when + timedelta(minutes=minutes))
            .order_by("-time").values_list("time", "value", "flag")[:30])
    return [{"time": t.isoformat(), "value": v, "flag": f} for t, v, f in reversed(rows)]


def _weather_stations() -> list[Station]:
    """Active weather masts, read once per rules refresh (every alarm wants the nearest)."""
    masts = _cache.get("masts")
    if masts is None:
        masts = _cache["masts"] = list(Station.objects.filter(kind=Station.Kind.WEATHER,
                                                              is_active=True))
    return masts


def nearest_weather_station(station: Station) -> Station | None:
    if station.kind == Station.Kind.WEATHER:
        return station
    return weather_station_nearest(station.latitude, station.longitude)


def weather_station_nearest(lat: float, lon: float) -> Station | None:
    """The active weather mast nearest a point (a station, a hazard unit), or None."""
    return min(_weather_stations(), default=None,
               key=lambda mast: distance_m(lat, lon, mast.latitude, mast.longitude))


def wind_at(mast: Station | None, when: datetime, within_minutes: int = 30
            ) -> dict[str, Any]:
    """Wind speed (a01007) and direction (a01008) at a weather station (the one nearest the
    alarm, see StationRules.mast), from its last reading at or before ``when`` (no older
    than ``within_minutes``); {} if none."""
    if mast is None:
        return {}
    out: dict[str, Any] = {"station": mast.mn, "station_name": mast.name}
    names = {"a01007": "speed", "a01008": "direction"}
    rows = (Reading.objects.filter(station=mast, factor__code__in=names, time__lte=when,
                                   time__gte=when - timedelta(minutes=within_minutes))
            .order_by("-time").values_list("factor__code", "value", "time")[:200])
    for code, value, at in rows:  # newest first: the first of each factor is its last
        name = names[code]
        if name not in out:
            out[name] = value
            out[f"{name}_time"] = at.isoformat()
    return out if len(out) > 2 else {}
