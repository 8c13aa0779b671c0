"""Machine API: stations, readings, open alarms - with the same row-level rules as the pages."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from zoneops.core.api import ERRORS

from . import permissions as env_perm
from . import selectors

router = Router(tags=["environment"])
MAX_READINGS = 10_000


class StationOut(Schema):
    id: int
    mn: str
    name: str
    kind: str
    latitude: float
    longitude: float
    enterprise_id: int | None
    unit_id: int | None
    is_active: bool
    last_seen: datetime | None = None

    @staticmethod
    def resolve_last_seen(obj) -> datetime | None:
        state = getattr(obj, "gateway_state", None)
        return state.last_seen if state else None


class ReadingOut(Schema):
    factor: str
    time: datetime
    kind: str
    value: float | None
    flag: str

    @staticmethod
    def resolve_factor(obj) -> str:
        return obj.factor.code


class AlarmOut(Schema):
    id: int
    key: str
    title: str
    level: int
    status: str
    raised_at: datetime
    cause_cleared_at: datetime | None
    data: dict


def _require(request) -> None:
    if not env_perm.can_watch(request.user):
        raise PermissionDenied


@router.get("/stations", response={200: list[StationOut], **ERRORS})
def list_stations(request, kind: str = ""):
    _require(request)
    qs = selectors.stations_for(request.user)
    return qs.filter(kind=kind) if kind else qs


@router.get("/stations/{mn}/readings", response={200: list[ReadingOut], **ERRORS})
def station_readings(request, mn: str, start: datetime | None = None,
                     end: datetime | None = None, factor: str = "", kind: str = ""):
    """Readings of one station in [start, end), oldest first, at most 10,000."""
    _require(request)
    station = get_object_or_404(selectors.stations_for(request.user), mn=mn)
    kinds = (kind,) if kind else None
    return list(selectors.readings(station, start, end, kinds, factor or None)[:MAX_READINGS])


@router.get("/alarms", response={200: list[AlarmOut], **ERRORS})
def open_alarms(request):
    _require(request)
    return list(selectors.open_alerts(request.user)[:500])
