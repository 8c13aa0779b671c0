"""The station registry (admin only, audited) and the factors stations report."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zoneops.core import permissions as perm
from zoneops.core.models import AuditAction, User
from zoneops.core.services.audit import record, save_audited
from zoneops.hj212.codes import pollutant

from .. import alarms, units
from .. import permissions as env_perm
from ..models import (
    Factor,
    GatewayState,
    Station,
    StationFactor,
    kind_of,
)

STATION_FIELDS = ("mn", "password", "name", "kind", "latitude", "longitude", "enterprise",
                  "unit", "no_data_seconds", "max_clock_skew_seconds", "is_active")
# --- factors -----------------------------------------------------------------------------------

_factor_ids: dict[str, int] = {}


def factor_ids(codes: Iterable[str]) -> dict[str, int]:
    """Factor ids by code; a code the HJ 212 tables do not know is registered (never dropped).
    Only code-table factors are cached: they are seeded by migration and never change."""
    wanted = set(codes)
    missing = wanted - _factor_ids.keys()
    if missing:
        found = dict(Factor.objects.filter(code__in=missing).values_list("code", "id"))
        new = missing - found.keys()
        if new:
            rows = []
            for code in sorted(new):
                known = pollutant(code)
                rows.append(Factor(code=code, name_en=known.en if known else code,
                                   name_zh=known.zh if known else code,
                                   unit=known.unit if known else "", from_code_table=False))
            Factor.objects.bulk_create(rows, ignore_conflicts=True)
            found.update(Factor.objects.filter(code__in=new).values_list("code", "id"))
        cacheable = set(Factor.objects.filter(code__in=found, from_code_table=True)
                        .values_list("code", flat=True))
        _factor_ids.update({c: i for c, i in found.items() if c in cacheable})
        return {c: _factor_ids.get(c) or found[c] for c in wanted}
    return {c: _factor_ids[c] for c in wanted}


# --- station registry --------------------------------------------------------------------------

def _check_station(data: dict[str, Any], station: Station) -> None:
    mn = data.get("mn", station.mn) or ""
    if not mn or len(mn) > 64 or not mn.isprintable() or any(c in mn for c in ";,=&"):
        raise ValidationError({"mn": "MN must be 1-64 printable characters without ; , = &"})
    pw = data.get("password", station.password) or ""
    if not pw or not pw.isprintable() or any(c in pw for c in ";,=&"):
        raise ValidationError({"password": "PW must be printable characters without ; , = &"})
    if "kind" in data:
        data["kind"] = kind_of(data["kind"] or "")
    if data.get("kind", station.kind) not in Station.Kind.values:
        raise ValidationError({"kind": f"kind must be one of {', '.join(Station.Kind.values)}"})


def _write_station(actor: User, data: dict[str, Any], station: Station | None = None,
                 factors: Sequence[str] | None = None,
                 factor_units: dict[str, str] | None = None) -> Station:
    """Create or change a station (admin only, audited). ``factors`` are HJ 212 codes;
    ``factor_units`` the unit the device reports some of them in (code -> mg/m³, µg/m³,
    ppm or ppb; "" for the factor's own)."""
    perm.require(env_perm.can_manage_stations(actor), "only an administrator manages stations")
    station = station or Station()
    data = {k: v for k, v in data.items() if k in STATION_FIELDS}
    _check_station(data, station)
    with transaction.atomic():
        save_audited(actor, station, data)
        GatewayState.objects.get_or_create(station=station)
        if factors is not None:
            _set_factors(actor, station, factors)
        if factor_units:
            _set_factor_units(actor, station, factor_units)
    alarms.clear_cache()
    return station


def create_station(actor: User, data: dict[str, Any], *,
                   factors: Sequence[str] | None = None,
                   factor_units: dict[str, str] | None = None) -> Station:
    """A new station (see _write_station)."""
    return _write_station(actor, data, None, factors=factors, factor_units=factor_units)


def update_station(actor: User, station: Station, data: dict[str, Any], *,
                   factors: Sequence[str] | None = None,
                   factor_units: dict[str, str] | None = None) -> Station:
    """Change a saved station."""
    if station.pk is None:
        raise ValueError("update a saved station; create_station makes a new one")
    return _write_station(actor, data, station, factors=factors, factor_units=factor_units)


def _set_factor_units(actor: User, station: Station, wanted: dict[str, str]) -> None:
    try:
        clean = {code: units.normalise(unit) for code, unit in wanted.items()}
    except units.UnitError as exc:
        raise ValidationError({"factor_units": str(exc)}) from exc
    rows = {sf.factor.code: sf for sf in StationFactor.objects.filter(
        station=station, factor__code__in=clean).select_related("factor")}
    missing = sorted(set(clean) - rows.keys())
    if missing:
        raise ValidationError({"factor_units": f"not a factor of this station: "
                                               f"{', '.join(missing)}"})
    before = {code: rows[code].unit for code in sorted(clean)}
    for code, unit in clean.items():
        if rows[code].unit != unit:
            rows[code].unit = unit
            rows[code].save(update_fields=["unit"])
    after = {code: clean[code] for code in sorted(clean)}
    if before != after:
        record(actor, AuditAction.SET_FACTOR_UNITS, station, {"units": before}, {"units": after})


def _set_factors(actor: User, station: Station, codes: Sequence[str]) -> None:
    unknown = [c for c in codes if pollutant(c) is None]
    if unknown:
        raise ValidationError({"factors": f"unknown HJ 212 codes: {', '.join(unknown)}"})
    ids = factor_ids(codes)
    before = sorted(StationFactor.objects.filter(station=station)
                    .values_list("factor__code", flat=True))
    StationFactor.objects.filter(station=station).exclude(factor_id__in=ids.values()).delete()
    StationFactor.objects.bulk_create(
        [StationFactor(station=station, factor_id=i) for i in ids.values()],
        ignore_conflicts=True)
    after = sorted(codes)
    if before != after:
        record(actor, AuditAction.SET_FACTORS, station, {"factors": before}, {"factors": after})


