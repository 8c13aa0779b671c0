"""Units, enterprises and places."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model

from .. import credit_code
from .. import permissions as perm
from ..models import AuditAction, Enterprise, Place, Unit, UnitAlias, User
from ..scope import descendant_unit_ids
from .audit import record, save_audited

UNIT_FIELDS = {"code", "name", "short_name", "kind", "parent", "leader", "is_active", "sort_order"}
ENTERPRISE_FIELDS = {"credit_code", "name", "industry", "block", "unit", "in_chemical_park",
                     "address", "latitude", "longitude", "contact_name", "contact_phone",
                     "is_active"}


def _only(data: dict[str, Any], allowed: set[str]) -> dict[str, Any]:
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError({name: "unknown field" for name in sorted(unknown)})
    return data


def create_unit(actor: User, data: Mapping[str, Any], *,
                aliases: list[str] | None = None) -> Unit:
    """A new unit (administrators), with its aliases when given."""
    return _write_unit(actor, data, Unit(), aliases)


def update_unit(actor: User, unit: Unit, data: Mapping[str, Any], *,
                aliases: list[str] | None = None) -> Unit:
    """Change a unit; `aliases`, when given, replace the unit's aliases."""
    _require_saved(unit)
    return _write_unit(actor, data, unit, aliases)


def _require_saved(obj: Model) -> None:
    if obj.pk is None:
        raise ValueError(f"update a saved {type(obj).__name__}; create_ makes a new one")


@transaction.atomic
def _write_unit(actor: User, data: Mapping[str, Any], unit: Unit,
                aliases: list[str] | None) -> Unit:
    perm.require(perm.can_manage_registry(actor))
    data = _only(data, UNIT_FIELDS)
    parent = data.get("parent", unit.parent if unit.pk else None)
    if unit.pk and parent is not None:
        if parent.pk in descendant_unit_ids(unit.pk):
            raise ValidationError({"parent": "a unit cannot sit below itself"})
    save_audited(actor, unit, data)
    if aliases is not None:
        set_unit_aliases(actor, unit, aliases=aliases)
    return unit


def set_unit_aliases(actor: User, unit: Unit, *, aliases: list[str]) -> None:
    perm.require(perm.can_manage_registry(actor))
    wanted = sorted({a.strip() for a in aliases if a.strip()})
    clashes = UnitAlias.objects.filter(alias__in=wanted).exclude(unit=unit)
    names = Unit.objects.filter(name__in=wanted).exclude(pk=unit.pk)
    taken = sorted({a.alias for a in clashes} | {u.name for u in names})
    if taken:
        raise ValidationError({"aliases": f"already used by another unit: {', '.join(taken)}"})
    before = sorted(unit.aliases.values_list("alias", flat=True))
    if before == wanted:
        return
    unit.aliases.exclude(alias__in=wanted).delete()
    UnitAlias.objects.bulk_create(
        [UnitAlias(unit=unit, alias=a) for a in wanted if a not in before])
    record(actor, AuditAction.UPDATE, unit, {"aliases": before}, {"aliases": wanted})


def create_enterprise(actor: User, data: Mapping[str, Any]) -> Enterprise:
    """A new enterprise (administrators); the credit code is checked (GB 32100-2015)."""
    return _write_enterprise(actor, data, Enterprise())


def update_enterprise(actor: User, enterprise: Enterprise,
                      data: Mapping[str, Any]) -> Enterprise:
    _require_saved(enterprise)
    return _write_enterprise(actor, data, enterprise)


@transaction.atomic
def _write_enterprise(actor: User, data: Mapping[str, Any],
                      enterprise: Enterprise) -> Enterprise:
    perm.require(perm.can_manage_registry(actor))
    data = dict(_only(data, ENTERPRISE_FIELDS))
    if "credit_code" in data:
        try:
            data["credit_code"] = credit_code.validate(data["credit_code"])
        except credit_code.CreditCodeError as exc:
            raise ValidationError({"credit_code": str(exc)}) from exc
    block = data.get("block")
    if block is not None and block.kind != Place.Kind.BLOCK:
        raise ValidationError({"block": "choose a block, not a zone or area"})
    lat, lon = data.get("latitude"), data.get("longitude")
    if (lat is None) != (lon is None):
        raise ValidationError({"latitude": "give both latitude and longitude, or neither"})
    if lat is not None and not (-90 <= float(lat) <= 90):
        raise ValidationError({"latitude": "must be between -90 and 90"})
    if lon is not None and not (-180 <= float(lon) <= 180):
        raise ValidationError({"longitude": "must be between -180 and 180"})
    return save_audited(actor, enterprise, data)


def check_geometry(geometry: Any) -> None:
    if not isinstance(geometry, dict) or geometry.get("type") not in {"Polygon", "MultiPolygon"}:
        raise ValidationError({"geometry": "must be a GeoJSON Polygon or MultiPolygon"})
    rings = geometry.get("coordinates")
    polygons = [rings] if geometry["type"] == "Polygon" else rings
    try:
        for polygon in polygons:
            for ring in polygon:
                if len(ring) < 4 or ring[0] != ring[-1]:
                    raise ValidationError({"geometry": "each ring needs ≥4 points and must close"})
                for lon, lat in (p[:2] for p in ring):
                    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                        raise ValidationError(
                            {"geometry": f"point ({lon}, {lat}) is not WGS-84 lon/lat"})
    except (TypeError, ValueError) as exc:
        if isinstance(exc, ValidationError):
            raise
        raise ValidationError({"geometry": "coordinates are not numbers in lon/lat pairs"}) from exc


def create_place(actor: User, data: Mapping[str, Any]) -> Place:
    """A new place (zone, area or block) with its WGS-84 GeoJSON outline."""
    return _write_place(actor, data, Place())


def update_place(actor: User, place: Place, data: Mapping[str, Any]) -> Place:
    _require_saved(place)
    return _write_place(actor, data, place)


@transaction.atomic
def _write_place(actor: User, data: Mapping[str, Any], place: Place) -> Place:
    perm.require(perm.can_manage_registry(actor))
    if "geometry" in data:
        check_geometry(data["geometry"])
    return save_audited(actor, place, _only(
        data, {"code", "name", "kind", "parent", "geometry", "description"}))
