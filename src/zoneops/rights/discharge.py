"""Measured discharge against the holding: each enterprise's year-to-date load per pollutant
from its own monitored water points (kind "source"), summed hour by hour by the water
module's load engine (Σ flow × concentration, never mean × mean), beside what it holds.

Water monitors measure COD and NH3-N; SO2, NOx and VOCs come from the firm's stacks (station
kind "stack"), hour by hour as flue-gas flow × concentration (flue.py).
A share of the holding ≥ 80 % is a warning on the page; ≥ 100 % is a core alert raised by the
worker (and marked cleared when the share falls back, e.g. after a purchase)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _

from zoneops.core.models import Enterprise
from zoneops.water.balance import parse_chain
from zoneops.water.balance.limits import set_names
from zoneops.water.balance.loads import hourly
from zoneops.water.models import WaterPoint
from zoneops.water.selectors import points_document

from . import flue, selectors
from .models import Account

BEIJING = ZoneInfo("Asia/Shanghai")
WATER_POLLUTANTS = ("COD", "NH3-N")  # the ledger's names are the load engine's names
WARN_SHARE = 0.8
MODULE = "rights"


@dataclass(frozen=True)
class Usage:
    enterprise: Enterprise
    pollutant: str
    holding: Decimal          # t/a held today
    measured_t: float         # year to date, t
    projected_t: float | None  # the year at the measured mean rate, t
    coverage: float           # share of the year's elapsed hours with a valid load (all points)
    points: tuple[str, ...]

    @property
    def share(self) -> float | None:
        return self.measured_t / float(self.holding) if self.holding > 0 else None

    @property
    def level(self) -> str:
        """"over" (≥ 100 % or nothing held), "warn" (≥ 80 %) or "ok"."""
        share = self.share
        if share is None:
            return "over" if self.measured_t > 0 else "ok"
        return "over" if share >= 1 else "warn" if share >= WARN_SHARE else "ok"

    @property
    def surplus_t(self) -> float | None:
        """What the projection leaves unused of the holding (could be sold back)."""
        if self.projected_t is None:
            return None
        return max(float(self.holding) - self.projected_t, 0.0)


def _year_bounds(year: int, now: dt.datetime) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
    start = dt.datetime(year, 1, 1, tzinfo=BEIJING)
    end_of_year = dt.datetime(year + 1, 1, 1, tzinfo=BEIJING)
    return start, min(now, end_of_year), end_of_year


def usage(enterprises, *, year: int | None = None,
          now: dt.datetime | None = None) -> list[Usage]:
    """One row per enterprise and pollutant it holds or discharges (water from its source
    points, air from its stacks), for ``year``
    (default this year) up to ``now``."""
    now = now or timezone.now()
    year = year or now.astimezone(BEIJING).year
    start, until, end_of_year = _year_bounds(year, now)
    if until <= start:
        return []
    elapsed_h = (until - start).total_seconds() / 3600
    year_h = (end_of_year - start).total_seconds() / 3600
    on = (until - dt.timedelta(seconds=1)).astimezone(BEIJING).date()
    ids = [e.pk for e in enterprises]
    points = list(WaterPoint.objects.filter(enterprise_id__in=ids, kind="source",
                                            station__isnull=False).order_by("code"))
    by_firm: dict[int, list[int]] = {}
    for index, point in enumerate(points):
        by_firm.setdefault(point.enterprise_id, []).append(index)
    stacks = _stack_loads(ids, start, until)
    grid = None
    if points:
        chain = parse_chain(points_document(points, start, until), set_names())
        grid = hourly(chain)
    accounts = {(a.enterprise_id, a.pollutant): a for a in Account.objects.filter(
        enterprise_id__in=ids, pollutant__in=WATER_POLLUTANTS + flue.AIR_POLLUTANTS)}
    rows = []
    for enterprise in enterprises:
        mine = by_firm.get(enterprise.pk, [])
        for pollutant in WATER_POLLUTANTS:
            account = accounts.get((enterprise.pk, pollutant))
            if account is None and not mine:
                continue
            held = selectors.balance(account, on) if account else Decimal(0)
            measured, covered = 0.0, 0.0
            if mine and grid is not None and grid.hours:
                load = grid.pollutants[pollutant].load[mine]  # kg/h per hour, NaN = gap
                measured = float(np.nansum(load)) / 1000
                covered = float(np.count_nonzero(~np.isnan(load))) / len(mine)
            projected = measured / covered * year_h if covered else None
            rows.append(Usage(enterprise, pollutant, held, measured, projected,
                              min(covered / elapsed_h, 1.0) if mine else 0.0,
                              tuple(points[i].code for i in mine)))
        rows += _air_rows(enterprise, stacks.get(enterprise.pk, []), accounts, on,
                          elapsed_h, year_h)
    return rows


def _stack_loads(enterprise_ids, start: dt.datetime, until: dt.datetime):
    """Each enterprise's stacks with their loads over [start, until): {firm: [(station,
    {pollutant: StackLoad})]}. A concentration sent in µg/m³ is scaled to mg/m³; one sent in
    ppm is a gap (the flue gas's state is not known here, so no molar volume is guessed)."""
    from zoneops.environment.models import Reading, Station, StationFactor

    stations = list(Station.objects.filter(enterprise_id__in=enterprise_ids,
                                           kind=Station.Kind.STACK).order_by("mn"))
    if not stations:
        return {}
    codes = flue.factor_codes()
    scale = {(sf.station_id, sf.factor.code): {"": 1.0, "mg/m³": 1.0, "µg/m³": 0.001}.get(
        sf.unit) for sf in StationFactor.objects.filter(
            station__in=stations, factor__code__in=codes).select_related("factor")}
    by_station: dict[int, list] = {s.pk: [] for s in stations}
    for station_id, code, time, value, flag in (
            Reading.objects.filter(station__in=stations, factor__code__in=codes, kind="hour",
                                   time__gte=start, time__lt=until)
            .values_list("station_id", "factor__code", "time", "value", "flag")
            .iterator(chunk_size=5000)):
        factor = scale.get((station_id, code), 1.0)
        by_station[station_id].append(
            (time, code, None if value is None or factor is None else value * factor, flag))
    out: dict[int, list] = {}
    for station in stations:
        out.setdefault(station.enterprise_id, []).append(
            (station, flue.stack_loads(by_station[station.pk])))
    return out


def _air_rows(enterprise, stacks, accounts, on, elapsed_h: float, year_h: float) -> list[Usage]:
    rows = []
    for pollutant in flue.AIR_POLLUTANTS:
        account = accounts.get((enterprise.pk, pollutant))
        if account is None and not stacks:
            continue
        held = selectors.balance(account, on) if account else Decimal(0)
        measured = sum(loads[pollutant].tonnes for _station, loads in stacks)
        covered = (sum(loads[pollutant].hours for _station, loads in stacks) / len(stacks)
                   if stacks else 0.0)
        projected = measured / covered * year_h if covered else None
        rows.append(Usage(enterprise, pollutant, held, measured, projected,
                          min(covered / elapsed_h, 1.0) if stacks else 0.0,
                          tuple(station.mn for station, _loads in stacks)))
    return rows


def _monitored_ids() -> set[int]:
    """Enterprises with a monitored water source point or a stack of their own."""
    from zoneops.environment.models import Station

    return set(WaterPoint.objects.filter(
        kind="source", station__isnull=False, enterprise__isnull=False).values_list(
        "enterprise_id", flat=True)) | set(Station.objects.filter(
            kind=Station.Kind.STACK, enterprise__isnull=False).values_list(
            "enterprise_id", flat=True))


def usage_for(user, *, year: int | None = None, now: dt.datetime | None = None) -> list[Usage]:
    """What a user may see: every enterprise with rights or monitored points for internal
    roles, its own for an enterprise contact."""
    from zoneops.core import permissions as perm
    from zoneops.core.models import Role

    if perm.is_internal(user):
        ids = set(Account.objects.filter(enterprise__isnull=False).values_list(
            "enterprise_id", flat=True)) | _monitored_ids()
        enterprises = list(Enterprise.objects.filter(pk__in=ids).order_by("name"))
    elif perm.role_of(user) == Role.ENTERPRISE and user.enterprise_id is not None:
        enterprises = [user.enterprise]
    else:
        return []
    return usage(enterprises, year=year, now=now)


def check(now: dt.datetime | None = None) -> int:
    """Raise a core alert for every enterprise and pollutant at or over its holding this
    year; mark the alert cleared when it is back under. Returns how many are over."""
    from zoneops.core.services.alerts import Clear, Raise, apply_causes

    now = now or timezone.now()
    year = now.astimezone(BEIJING).year
    enterprises = list(Enterprise.objects.filter(pk__in=_monitored_ids())
                       .select_related("unit"))
    causes: list[Raise | Clear] = []
    over = 0
    for row in usage(enterprises, year=year, now=now):
        key = f"discharge:{row.enterprise.pk}:{row.pollutant}:{year}"
        if row.level != "over":
            causes.append(Clear(MODULE, key, _("Back under the holding.")))
            continue
        over += 1
        percent = "—" if row.share is None else f"{row.share * 100:.0f}"
        causes.append(Raise(
            module=MODULE, level=3, key=key, enterprise=row.enterprise,
            unit=row.enterprise.unit,
            title=_("%(enterprise)s has discharged %(percent)s %% of its %(pollutant)s "
                    "rights") % {"enterprise": row.enterprise.name, "percent": percent,
                                 "pollutant": row.pollutant},
            detail=_("%(year)s to date: %(measured).3f t measured (data coverage "
                     "%(coverage).0f %%) against %(holding)s t/a held.")
            % {"year": year, "measured": row.measured_t, "coverage": row.coverage * 100,
               "holding": row.holding},
            data={"measured_t": row.measured_t, "holding_t": str(row.holding),
                  "coverage": row.coverage, "points": list(row.points)}))
    if causes:
        apply_causes(causes, now=now)
    return over


_last_check: dict[str, dt.datetime] = {}
CHECK_EVERY = dt.timedelta(hours=1)


def check_job(now: dt.datetime | None = None) -> int:
    """The worker's job: the check at most once an hour per worker (a year of hourly loads
    is not worth recomputing every cycle; the alerts are idempotent across workers)."""
    now = now or timezone.now()
    last = _last_check.get("discharge")
    if last is not None and now - last < CHECK_EVERY:
        return 0
    _last_check["discharge"] = now
    return check(now)
