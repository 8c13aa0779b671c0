"""Chemicals, units, equipment and holdings; every change re-assesses the units it touches
(once per `batch`), keeping the history of grades."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zoneops.core import permissions as core
from zoneops.core.models import AuditAction, Enterprise, User
from zoneops.core.services.audit import delete_audited, record, save_audited
from zoneops.core.services.org import check_geometry

from .. import permissions as perm
from ..gb18218 import AssessmentError, assess, is_valid_cas, load_tables, parse_unit
from ..models import Assessment, Chemical, Equipment, HazardUnit, Holding
from ..selectors import current_assessment, unit_input

UNIT_FIELDS = {
    "enterprise",
    "code",
    "name",
    "kind",
    "geometry",
    "population_500m",
    "population_source",
    "description",
}
CHEMICAL_FIELDS = {"name", "cas", "categories", "state", "molar_mass"}
EQUIPMENT_FIELDS = {"unit", "tag", "name", "kind"}


# Units changed inside a ``batch()``: re-assessed once at its end, not after every row.
_PENDING: ContextVar[dict[int, HazardUnit] | None] = ContextVar("hazards_pending", default=None)


@contextmanager
def batch(actor: User | None, reason: str) -> Iterator[None]:
    """Several changes as one: each unit they touch is re-assessed once, when all are done, so
    the history holds no half-entered states. Use inside the caller's transaction."""
    pending: dict[int, HazardUnit] = {}
    token = _PENDING.set(pending)
    try:
        yield
    finally:
        _PENDING.reset(token)
    for unit in pending.values():
        reassess(actor, unit, reason=reason)


def _changed(actor: User | None, unit: HazardUnit, reason: str) -> None:
    pending = _PENDING.get()
    if pending is None:
        reassess(actor, unit, reason=reason)
    else:
        pending[unit.pk] = unit


def only_fields(data: dict[str, Any], allowed: set[str]) -> dict[str, Any]:
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError({name: "unknown field" for name in sorted(unknown)})
    return dict(data)


def require_edit(actor: User, enterprise: Enterprise) -> None:
    core.require(
        perm.can_edit_enterprise_units(actor, enterprise),
        "only an administrator or the enterprise's own contact edits its units",
    )


# ---- chemicals -----------------------------------------------------------------------------


def _clean_chemical(data: dict[str, Any]) -> dict[str, Any]:
    if "cas" in data:
        cas = (data["cas"] or "").strip()
        if cas and not is_valid_cas(cas):
            raise ValidationError({"cas": f"{cas} is not a CAS number with a right check digit"})
        data["cas"] = cas
    if "categories" in data:
        codes = data["categories"] or []
        if isinstance(codes, str):
            codes = [c for c in codes.replace("，", ",").split(",")]
        cleaned = [str(c).strip().upper() for c in codes if str(c).strip()]
        unknown = [c for c in cleaned if c not in load_tables().categories]
        if unknown:
            raise ValidationError(
                {"categories": f"not GB 18218-2018 Table 2 codes: {', '.join(unknown)}"}
            )
        data["categories"] = list(dict.fromkeys(cleaned))
    return data


@transaction.atomic
def _write_chemical(actor: User, data: dict[str, Any],
                    chemical: Chemical | None = None) -> Chemical:
    core.require(perm.can_manage_chemicals(actor))
    chemical = chemical or Chemical()
    save_audited(actor, chemical, _clean_chemical(only_fields(data, CHEMICAL_FIELDS)))
    units = HazardUnit.objects.filter(equipment__holdings__chemical=chemical).distinct()
    for unit in units:
        _changed(actor, unit, f"chemical {chemical.name} changed")
    return chemical


def create_chemical(actor: User, data: dict[str, Any]) -> Chemical:
    """A new chemical (see _write_chemical)."""
    return _write_chemical(actor, data, None)


def update_chemical(actor: User, chemical: Chemical, data: dict[str, Any]) -> Chemical:
    """Change a saved chemical."""
    if chemical.pk is None:
        raise ValueError("update a saved chemical; create_chemical makes a new one")
    return _write_chemical(actor, data, chemical)


# ---- units ---------------------------------------------------------------------------------


@transaction.atomic
def _write_unit(actor: User, data: dict[str, Any], unit: HazardUnit | None = None) -> HazardUnit:
    data = only_fields(data, UNIT_FIELDS)
    unit = unit or HazardUnit()
    if unit.pk:
        require_edit(actor, unit.enterprise)
    enterprise = data.get("enterprise", unit.enterprise if unit.pk else None)
    if enterprise is None:
        raise ValidationError({"enterprise": "required"})
    require_edit(actor, enterprise)
    if data.get("geometry") is not None:
        check_geometry(data["geometry"])
    save_audited(actor, unit, data)
    _changed(actor, unit, "unit changed")
    return unit


def create_unit(actor: User, data: dict[str, Any]) -> HazardUnit:
    """A new unit (see _write_unit)."""
    return _write_unit(actor, data, None)


def update_unit(actor: User, unit: HazardUnit, data: dict[str, Any]) -> HazardUnit:
    """Change a saved unit."""
    if unit.pk is None:
        raise ValueError("update a saved unit; create_unit makes a new one")
    return _write_unit(actor, data, unit)


@transaction.atomic
def delete_unit(actor: User, unit: HazardUnit, *, reason: str) -> None:
    require_edit(actor, unit.enterprise)
    if not reason.strip():
        raise ValidationError({"reason": "say why the unit is removed"})
    delete_audited(actor, unit, reason)


# ---- equipment and what it holds -----------------------------------------------------------


@transaction.atomic
def _write_equipment(
    actor: User, data: dict[str, Any], equipment: Equipment | None = None
) -> Equipment:
    data = only_fields(data, EQUIPMENT_FIELDS)
    equipment = equipment or Equipment()
    if equipment.pk:
        require_edit(actor, equipment.unit.enterprise)
    unit = data.get("unit", equipment.unit if equipment.pk else None)
    if unit is None:
        raise ValidationError({"unit": "required"})
    require_edit(actor, unit.enterprise)
    old_unit = equipment.unit if equipment.pk else None
    save_audited(actor, equipment, data)
    _changed(actor, unit, f"equipment {equipment.tag} changed")
    if old_unit is not None and old_unit.pk != unit.pk:
        _changed(actor, old_unit, f"equipment {equipment.tag} moved out")
    return equipment


def create_equipment(actor: User, data: dict[str, Any]) -> Equipment:
    """A new equipment (see _write_equipment)."""
    return _write_equipment(actor, data, None)


def update_equipment(actor: User, equipment: Equipment, data: dict[str, Any]) -> Equipment:
    """Change a saved equipment."""
    if equipment.pk is None:
        raise ValueError("update a saved equipment; create_equipment makes a new one")
    return _write_equipment(actor, data, equipment)


@transaction.atomic
def delete_equipment(actor: User, equipment: Equipment, *, reason: str = "") -> None:
    unit = equipment.unit
    require_edit(actor, unit.enterprise)
    for holding in equipment.holdings.all():
        delete_audited(actor, holding, reason)
    delete_audited(actor, equipment, reason)
    _changed(actor, unit, f"equipment {equipment.tag} removed")


@transaction.atomic
def set_holding(
    actor: User, equipment: Equipment, *, chemical: Chemical, design_max_t: Any
) -> Holding | None:
    """Set the design maximum of a chemical in a piece of equipment; 0 removes it."""
    require_edit(actor, equipment.unit.enterprise)
    try:
        amount = Decimal(str(design_max_t))
    except InvalidOperation as exc:
        raise ValidationError({"design_max_t": "must be a number of tonnes"}) from exc
    if not amount.is_finite() or amount < 0:
        raise ValidationError({"design_max_t": "must be 0 t or more"})
    holding = Holding.objects.filter(equipment=equipment, chemical=chemical).first()
    if amount == 0:
        if holding is not None:
            delete_audited(actor, holding)
        result = None
    else:
        result = save_audited(
            actor,
            holding or Holding(equipment=equipment, chemical=chemical),
            {"design_max_t": amount},
        )
    _changed(actor, equipment.unit, f"{chemical.name} in {equipment.tag} changed")
    return result


# ---- assessment ----------------------------------------------------------------------------


def reassess(actor: User | None, unit: HazardUnit, *, reason: str = "") -> Assessment | None:
    """Assess the unit from what the registry holds now; store a new row only when the inputs
    differ from the last assessment's. A unit holding nothing yet is not assessed."""
    inputs = unit_input(unit)
    if not inputs["chemicals"]:
        return None
    last = current_assessment(unit)
    if last is not None and last.inputs == inputs:
        return last
    engine_input = {
        **inputs,
        "chemicals": [{**c, "tonnes": Decimal(c["tonnes"])} for c in inputs["chemicals"]],
    }
    row = Assessment(
        unit=unit,
        inputs=inputs,
        reason=reason[:200],
        assessed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    try:
        result = assess(parse_unit(engine_input))
    except AssessmentError as exc:
        row.error = str(exc)
    else:
        row.result = result.as_json()
        row.s = _decimal(result.s)
        row.r = None if result.r is None else _decimal(result.r)
        row.major = result.major
        row.grade = result.grade
    row.save()
    record(
        actor if actor is not None else "system",
        AuditAction.ASSESS,
        row,
        None,
        {"s": row.s, "r": row.r, "grade": row.grade, "major": row.major, "error": row.error},
        reason,
    )
    return row


def _decimal(value) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.000001"))


