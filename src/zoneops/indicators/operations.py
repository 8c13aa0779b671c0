"""Safety and operations figures from the other modules, for a year (to date when it is the
current one): alerts closed within their time limit by module, supervision lights per lead
unit, and overdue 包保 duties (reference/indicators.md, "Safety").

Reads only the other modules' public selectors, each scoped to the person asking, so a unit's
staff see their own figures and leaders the zone's."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from zoneops.core.models import User


@dataclass(frozen=True)
class AlertTimeliness:
    """Alerts of one module closed in the year: on time when closed no later than their
    handling limit (resolve_due_at, from the level's AlertPolicy); an alert raised with no
    limit is counted apart, neither on time nor late."""

    module: str
    label: str
    closed: int
    on_time: int
    late: int
    no_limit: int

    @property
    def on_time_pct(self) -> float | None:
        timed = self.on_time + self.late
        return round(self.on_time / timed * 100, 1) if timed else None


@dataclass(frozen=True)
class UnitLights:
    unit_id: int
    unit: str
    lights: dict[str, int]  # light value → items of the year with that light now

    @property
    def total(self) -> int:
        return sum(self.lights.values())


@dataclass
class Operations:
    year: int
    as_of: date
    alerts: list[AlertTimeliness] = field(default_factory=list)
    lights: list[UnitLights] = field(default_factory=list)
    missed_duties: list[dict] = field(default_factory=list)

    @property
    def alerts_total(self) -> AlertTimeliness:
        return AlertTimeliness("", "", *(sum(getattr(a, name) for a in self.alerts)
                                         for name in ("closed", "on_time", "late", "no_limit")))


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    """The year in the zone's local time (settings.TIME_ZONE), as aware datetimes."""
    zone = ZoneInfo(settings.TIME_ZONE)
    return (datetime.combine(date(year, 1, 1), time(), zone),
            datetime.combine(date(year + 1, 1, 1), time(), zone))


def alert_timeliness(user: User, year: int) -> list[AlertTimeliness]:
    """Per module, the alerts the person may see that were closed in `year`."""
    from zoneops.core.models import Alert
    from zoneops.core.selectors import alerts_for

    start, end = _year_bounds(year)
    closed: QuerySet[Alert] = alerts_for(user).filter(
        status=Alert.Status.CLOSED, closed_at__gte=start, closed_at__lt=end).order_by()
    counts: dict[str, Counter] = {}
    for module, closed_at, due in closed.values_list("module", "closed_at", "resolve_due_at"):
        kind = "no_limit" if due is None else ("on_time" if closed_at <= due else "late")
        counts.setdefault(module, Counter())[kind] += 1
    rows = []
    for module in sorted(counts):
        found = counts[module]
        label = Alert(module=module).module_label
        rows.append(AlertTimeliness(module, label, sum(found.values()), found["on_time"],
                                    found["late"], found["no_limit"]))
    return rows


def lights_by_unit(user: User, year: int) -> list[UnitLights]:
    """The current light of each supervision item of `year`'s lists, counted per lead unit;
    units with the most red first."""
    from django.db.models import Count

    from zoneops.supervision.models import Light
    from zoneops.supervision.selectors import year_items

    grid: dict[tuple[int, str], dict[str, int]] = {}
    rows = (year_items(user, year).order_by()
            .values_list("lead_unit_id", "lead_unit__name", "light").annotate(n=Count("id")))
    for unit_id, name, light, n in rows:
        grid.setdefault((unit_id, name), {value: 0 for value in Light.values})[light] = n
    out = [UnitLights(unit_id, name, lights) for (unit_id, name), lights in grid.items()]
    return sorted(out, key=lambda u: (-u.lights.get("red", 0), -u.lights.get("yellow", 0),
                                      u.unit))


def as_of_day(year: int, today: date | None = None) -> date:
    """Today for the current year; the first day after a past year (so its last periods
    count)."""
    today = today or timezone.localdate()
    return min(today, date(year + 1, 1, 1))


def operations(user: User, year: int, today: date | None = None) -> Operations:
    from zoneops.hazards.selectors import missed_duties

    day = as_of_day(year, today)
    return Operations(year, day, alert_timeliness(user, year), lights_by_unit(user, year),
                      missed_duties(user, day))
