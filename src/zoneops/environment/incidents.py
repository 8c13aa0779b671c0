"""One release, one alert: the alarms of one incident grouped, and stations under maintenance
kept quiet.

A release drifting over the park trips many rules at many stations within minutes (the
scripted release of the demo: 36 alarms, station × factor × tier). The duty officer wants one
alert per incident, listing the stations and factors inside. The rule:

* An air alarm (a concentration rule - level or rate - on a factor's live readings; never a
  data-quality or station-wide rule such as no data, rejected packets or the logger's
  clock) joins an open incident when its station lies within ``RADIUS_M`` of a station
  already in it and it starts within ``WINDOW`` of the incident's latest alarm. Distance
  alone, not the wind sector: the simulated (and real) wind veers by tens of degrees within
  a quarter of an hour and a plume spreads to both sides of its axis, so a sector test would
  split one release; the radius (the park is ~6 km across), measured station to station
  (the incident grows along the plume), and the window keep unrelated releases apart unless
  they happen together in the same place - and then one call-out is right.
* Otherwise it opens a new incident: an alert under its own key, which reads exactly as a
  lone alarm's alert until a second alarm joins it (then its title names the stations and
  factors inside). An incident whose alarms have all cleared takes no new member: an alarm
  that returns after that is a new alert (and a new call-out).
* An alarm that escalates raises the incident's level (and notifies, as any escalation); one
  that clears is marked cleared inside; when every alarm inside has cleared, the incident's
  cause is cleared. Station-wide and late (backfilled) alarms stay alerts of their own.

Each member keeps what the alarm page draws: the station, factor, tier, measure and the
readings around it; the incident keeps the latest wind. Every enterprise whose station is in
an incident is added to its ``concerned_enterprises`` (its contact sees the alert).

Several gateway processes may raise at once: on PostgreSQL the grouping runs under a
transaction-level advisory lock, so two processes never open two incidents for one release.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.utils.translation import gettext_noop

from zoneops.core.models import Alert
from zoneops.core.models.alerts import OPEN_STATUSES, i18n_spec, render_spec
from zoneops.core.services.alerts import Clear, Raise

WINDOW = timedelta(minutes=60)
RADIUS_M = 3000.0
# pg_advisory_xact_lock key of the grouping ("zo19" as an integer).
_LOCK_KEY = 0x7A6F3139


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(min(1.0, h)))


GROUPED_KINDS = ("level", "rate")  # concentration rules; data quality stays per station


def groupable(cause: Raise | Clear, data: dict[str, Any] | None) -> bool:
    """Air alarms on a factor's concentration, live: the ones a release trips together."""
    if data is None:
        return False
    return bool(data.get("factor")) and not data.get("late") and data.get(
        "rule_kind") in GROUPED_KINDS


def _member(cause: Raise, data: dict[str, Any], lat: float, lon: float,
            enterprise_id: int | None) -> dict[str, Any]:
    return {
        "key": cause.key, "station": data["station"], "station_name": data["station_name"],
        "station_id": data["station_id"], "lat": lat, "lon": lon,
        "enterprise_id": enterprise_id, "factor": data["factor"],
        "factor_name": data.get("factor_name", ""),
        "factor_name_en": data.get("factor_name_en", ""), "unit": data.get("unit", ""),
        "rule": data.get("rule", ""), "rule_name": data.get("rule_name", ""),
        "tier": data.get("tier", ""), "level": cause.level, "measure": data.get("measure"),
        "peak": data.get("peak"), "threshold": data.get("threshold"),
        "source": data.get("source", ""), "time": data.get("time"),
        "readings": data.get("readings", []), "cleared": None,
    }


def _close_to(incident: dict[str, Any], lat: float, lon: float, when: datetime) -> bool:
    last = datetime.fromisoformat(incident["last_at"])
    if abs(when - last) > WINDOW:
        return False
    return any(distance_m(lat, lon, m["lat"], m["lon"]) <= RADIUS_M
               for m in incident["members"].values())


def _title(members: dict[str, dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """The incident's title, and its message id and parameters (shown in the reader's
    language, see Alert.display_title)."""
    stations = list(dict.fromkeys(m["station_name"] for m in members.values()))
    zh = list(dict.fromkeys(m["factor_name"] or m["factor"] for m in members.values()))
    en = list(dict.fromkeys(m.get("factor_name_en") or m["factor"]
                            for m in members.values()))
    first = next(iter(members.values()))
    factors = {"zh-hans": "、".join(zh), "en": ", ".join(en)}
    if len(stations) == 1:  # several rules (level, rate of change) at one station
        spec = i18n_spec(gettext_noop("%(first)s: %(factors)s (%(n)s alarms)"),
                         first=first["station_name"], n=str(len(members)), factors=factors)
    else:
        spec = i18n_spec(gettext_noop("Air incident at %(first)s: %(n)s stations, "
                                      "%(factors)s"),
                         first=first["station_name"], n=str(len(stations)), factors=factors)
    return render_spec(spec), spec


class Grouper:
    """Turns a batch's causes into incident causes (see the module's docstring)."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.incidents: dict[str, dict[str, Any]] = {}  # key -> data
        self.levels: dict[str, int] = {}
        self.touched: dict[str, None] = {}  # incident keys, in order
        self.member_of: dict[str, str] = {}  # member key -> incident key
        self.heads: dict[str, Raise] = {}  # incident key -> its latest raise in this batch
        self.notes: dict[str, str] = {}  # incident key -> the last clear's note

    def _load(self) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        for alert in (Alert.objects.select_for_update().filter(
                module="environment", status__in=OPEN_STATUSES, cause_cleared_at__isnull=True,
                data__has_key="members").order_by("pk")):
            data = dict(alert.data or {})
            data["members"] = dict(data.get("members") or {})
            self.incidents[alert.key] = data
            self.levels[alert.key] = alert.level
            for key in data["members"]:
                self.member_of[key] = alert.key

    def group(self, causes: Sequence[tuple[Raise | Clear, dict[str, Any] | None,
                                           tuple[float, float, int | None] | None]]
              ) -> list[Raise | Clear]:
        """``causes``: (cause, its alarm data, (lat, lon, enterprise id) of its station).
        Returns the causes to apply, grouped."""
        if not any(groupable(c, d) for c, d, _where in causes):
            return [c for c, _d, _where in causes]
        self._load()
        out: list[Raise | Clear] = []
        for cause, data, where in causes:
            if isinstance(cause, Clear):
                incident = self.member_of.get(cause.key)
                if incident is None:
                    out.append(cause)
                else:
                    member = self.incidents[incident]["members"][cause.key]
                    member["cleared"] = self.now.isoformat()
                    self.notes[incident] = cause.note
                    self.touched[incident] = None
                continue
            if not groupable(cause, data) or where is None:
                out.append(cause)
                continue
            lat, lon, enterprise_id = where
            when = datetime.fromisoformat(data["time"])
            key = self.member_of.get(cause.key)
            if key is None:
                key = next((k for k, inc in self.incidents.items()
                            if _close_to(inc, lat, lon, when)), None)
            if key is None:  # a new incident, under its first alarm's key
                key = cause.key
                self.incidents[key] = {**data, "members": {}}
                self.levels[key] = cause.level
            incident = self.incidents[key]
            if key == cause.key:  # the first alarm's own data stays the alert's
                incident.update({k: v for k, v in data.items() if k != "members"})
            incident["members"][cause.key] = _member(cause, data, lat, lon, enterprise_id)
            incident["last_at"] = max(incident.get("last_at") or when.isoformat(),
                                      when.isoformat())
            if data.get("wind"):
                incident["wind"] = data["wind"]
            self.levels[key] = max(self.levels[key], cause.level)
            self.member_of[cause.key] = key
            self.touched[key] = None
            if key == cause.key or key not in self.heads:
                self.heads[key] = cause
        for key in self.touched:
            out.append(self._incident_cause(key))
        return out

    def _incident_cause(self, key: str) -> Raise | Clear:
        data = self.incidents[key]
        members = data["members"]
        if all(m["cleared"] for m in members.values()):
            return Clear("environment", key, self.notes.get(key, ""))
        data["stations"] = sorted({m["station"] for m in members.values()})
        data["factors"] = sorted({m["factor"] for m in members.values()})
        head = self.heads.get(key)
        if len(members) == 1 and head is not None:  # a lone alarm reads as it always did
            return Raise("environment", self.levels[key], head.title, head.detail,
                         head.source, key, head.unit, head.enterprise, data)
        title, title_i18n = _title(members)
        data["i18n"] = {**data.get("i18n", {}), "title": title_i18n}
        lines = [f"{m['station_name']} · {m['factor_name'] or m['factor']} · {m['tier']}"
                 for m in members.values() if not m["cleared"]]
        return Raise("environment", self.levels[key], title[:200], "\n".join(lines),
                     head.source if head else None, key, head.unit if head else None,
                     head.enterprise if head else None, data)

    def concerned(self) -> dict[str, set[int]]:
        """Incident key -> the enterprises of its stations."""
        return {key: {m["enterprise_id"] for m in self.incidents[key]["members"].values()
                      if m["enterprise_id"]} for key in self.touched}
