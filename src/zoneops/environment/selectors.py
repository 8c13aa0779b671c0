"""Reads shared by pages, the API and the CLI, with row-level scoping applied here."""

from __future__ import annotations

import csv
import hmac
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import IO, Any

from django.db.models import Max, QuerySet
from django.utils.translation import gettext_lazy as _

from zoneops.core.cells import csv_row
from zoneops.core.models import Alert, User
from zoneops.core.models.alerts import OPEN_STATUSES
from zoneops.core.selectors import alerts_for

from . import units
from .convert import BEIJING
from .models import (
    AlarmRule,
    AlarmState,
    DeviceStatus,
    Factor,
    Reading,
    ReadingDetail,
    Station,
    StationFactor,
)
from .permissions import STATIONS


def stations_for(user: User) -> QuerySet[Station]:
    return STATIONS.restrict(
        user, queryset=Station.objects.select_related("unit", "enterprise", "gateway_state"))


def station_by_mn(mn: str) -> Station | None:
    return Station.objects.filter(mn=mn).first()


Credentials = tuple[str, str]  # a logger's (MN, PW)


def authenticate(mn: str, pw: str) -> tuple[int | None, str]:
    """A logger's MN and PW against the registry: (station id, "") or (None, reason) with
    reason "unknown_mn" (no such active station) or "bad_pw"."""
    return authenticate_all([(mn, pw)])[(mn, pw)]


def authenticate_all(credentials: Iterable[Credentials]
                     ) -> dict[Credentials, tuple[int | None, str]]:
    """:func:`authenticate` for many loggers in one query (the gateway checks the loggers
    that connect while one check runs together: a whole park reconnects after a restart)."""
    wanted = set(credentials)
    stations = {mn: (pk, password) for mn, pk, password in Station.objects.filter(
        mn__in={mn for mn, _pw in wanted}, is_active=True).values_list("mn", "pk", "password")}
    out: dict[Credentials, tuple[int | None, str]] = {}
    for mn, pw in wanted:
        row = stations.get(mn)
        if row is None:
            out[mn, pw] = (None, "unknown_mn")
        elif not hmac.compare_digest(row[1].encode(), pw.encode()):
            out[mn, pw] = (None, "bad_pw")
        else:
            out[mn, pw] = (row[0], "")
    return out


def station_factors(station: Station) -> list[Factor]:
    return list(Factor.objects.filter(stations=station).order_by("code"))


def station_factor_rows(station: Station) -> list[StationFactor]:
    """The station's factors with the unit and code its device uses (station page)."""
    return list(StationFactor.objects.filter(station=station).select_related("factor")
                .order_by("factor__code"))


def station_units(station: Station) -> dict[str, str]:
    """Factor code -> the unit this station's device reports it in (the factor's own unit
    unless the station says otherwise)."""
    return {code: own or unit for code, own, unit in StationFactor.objects.filter(
        station=station).values_list("factor__code", "unit", "factor__unit")}


def readings(station: Station, start: datetime | None = None, end: datetime | None = None,
             kinds: tuple[str, ...] | None = None, factor: str | None = None
             ) -> QuerySet[Reading]:
    qs = Reading.objects.filter(station=station).select_related("factor")
    if start is not None:
        qs = qs.filter(time__gte=start)
    if end is not None:
        qs = qs.filter(time__lt=end)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    if factor:
        qs = qs.filter(factor__code=factor)
    return qs.order_by("time", "factor__code", "kind")


def reading_details(station: Station, limit: int = 20) -> list[ReadingDetail]:
    """The station's latest readings that came with more than a value and a flag (normalised
    value, vendor flag, sampling time, min/max, or a value that was not a number)."""
    return list(ReadingDetail.objects.filter(station=station).select_related("factor")
                .order_by("-time", "factor__code")[:limit])


# HJ 212-2017 equipment running state (SBxxx-RS), see DeviceStatus.
RUN_STATES = {"0": _("off"), "1": _("running"), "2": _("calibrating"), "3": _("maintenance"),
              "4": _("alarm"), "5": _("back-blowing")}


def device_statuses(station: Station) -> list[dict[str, Any]]:
    """The latest equipment report of each kind (CN 2021 run state, 2041 running time,
    2081 power-on), its items as (key, value, meaning)."""
    out = []
    for cn in ("2021", "2041", "2081"):
        latest = DeviceStatus.objects.filter(station=station, cn=cn).order_by("-time").first()
        if latest is None:
            continue
        items = [(key, value, RUN_STATES.get(value, "") if key.endswith("-RS") else "")
                 for key, value in sorted(latest.values.items())]
        out.append({"cn": cn, "time": latest.time, "received_at": latest.received_at,
                    "items": items})
    return out


EXPORT_HEADER = ["MN", "station", "factor", "factor_name", "unit", "kind",
                 "time_utc", "time_beijing", "value", "flag"]


def export_rows(station: Station, start: datetime | None, end: datetime | None
                ) -> Iterator[list[Any]]:
    own = station_units(station)
    for r in readings(station, start, end).iterator(chunk_size=2000):
        yield [station.mn, station.name, r.factor.code, r.factor.name_zh,
               own.get(r.factor.code) or r.factor.unit, r.kind,
               r.time.isoformat(), r.time.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S"),
               "" if r.value is None else repr(r.value), r.flag]


def write_csv(out: IO[str], station: Station, start: datetime | None,
              end: datetime | None) -> int:
    writer = csv.writer(out)
    writer.writerow(EXPORT_HEADER)
    n = 0
    for row in export_rows(station, start, end):
        writer.writerow(csv_row(row))
        n += 1
    return n


def station_levels(station_ids: list[int]) -> dict[int, int]:
    """Worst current alarm level per station (0 = all clear), from the engine's state."""
    rows = (AlarmState.objects.filter(station_id__in=station_ids, tier__gte=0)
            .values("station_id").annotate(worst=Max("level")))
    return {r["station_id"]: r["worst"] for r in rows}


def environment_alerts(user: User) -> QuerySet[Alert]:
    return alerts_for(user).filter(module="environment")


def open_alerts(user: User) -> QuerySet[Alert]:
    """Open environment alerts the person may see (core's alert rules: an enterprise
    contact sees those assigned to the enterprise)."""
    return environment_alerts(user).filter(status__in=OPEN_STATUSES).order_by(
        "-level", "-raised_at")


def rules_for_station(station: Station) -> list[AlarmRule]:
    from .alarms import applies

    return [r for r in AlarmRule.objects.filter(is_active=True).select_related("factor")
            if applies(r, station)]


def limits_by_factor(station: Station) -> dict[str, list[dict[str, Any]]]:
    """Tier lines to draw on each factor's chart."""
    out: dict[str, list[dict[str, Any]]] = {}
    own = station_units(station)
    for rule in rules_for_station(station):
        if rule.kind == "level" and rule.factor is not None:
            code = rule.factor.code
            try:  # drawn in the station's unit, as its readings are
                scale = units.conversion(code, own.get(code, ""), rule.unit)
            except units.UnitError:
                continue
            for tier in rule.tiers:
                out.setdefault(code, []).append(
                    {"name": tier["name"], "level": tier["level"],
                     "value": float(tier["on"]) / scale, "kind": rule.reading_kind,
                     "unit": own.get(code) or rule.factor.unit})
    return out
