"""Every write to the major-hazard registry: permission-checked, validated, one transaction,
audited. Any change to what a unit's grade depends on re-assesses it; a new assessment row is
kept only when the inputs really changed, so the rows are the unit's history of grades."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zoneops.core import permissions as core
from zoneops.core.models import AuditAction, Enterprise, User
from zoneops.core.services.audit import delete_audited, record, save_audited
from zoneops.core.services.audit import record as record_audit
from zoneops.core.services.org import check_geometry

from . import permissions as perm
from .gb18218 import AssessmentError, assess, is_valid_cas, load_tables, parse_unit
from .models import Assessment, Chemical, Equipment, HazardUnit, Holding
from .selectors import current_assessment, unit_input

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
        reassess(actor, unit, reason)


def _changed(actor: User | None, unit: HazardUnit, reason: str) -> None:
    pending = _PENDING.get()
    if pending is None:
        reassess(actor, unit, reason)
    else:
        pending[unit.pk] = unit


def _only(data: dict[str, Any], allowed: set[str]) -> dict[str, Any]:
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError({name: "unknown field" for name in sorted(unknown)})
    return dict(data)


def _require_edit(actor: User, enterprise: Enterprise) -> None:
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
def save_chemical(actor: User, data: dict[str, Any], chemical: Chemical | None = None) -> Chemical:
    core.require(perm.can_manage_chemicals(actor))
    chemical = chemical or Chemical()
    save_audited(actor, chemical, _clean_chemical(_only(data, CHEMICAL_FIELDS)))
    units = HazardUnit.objects.filter(equipment__holdings__chemical=chemical).distinct()
    for unit in units:
        _changed(actor, unit, f"chemical {chemical.name} changed")
    return chemical


# ---- units ---------------------------------------------------------------------------------


@transaction.atomic
def save_unit(actor: User, data: dict[str, Any], unit: HazardUnit | None = None) -> HazardUnit:
    data = _only(data, UNIT_FIELDS)
    unit = unit or HazardUnit()
    if unit.pk:
        _require_edit(actor, unit.enterprise)
    enterprise = data.get("enterprise", unit.enterprise if unit.pk else None)
    if enterprise is None:
        raise ValidationError({"enterprise": "required"})
    _require_edit(actor, enterprise)
    if data.get("geometry") is not None:
        check_geometry(data["geometry"])
    save_audited(actor, unit, data)
    _changed(actor, unit, "unit changed")
    return unit


@transaction.atomic
def delete_unit(actor: User, unit: HazardUnit, reason: str) -> None:
    _require_edit(actor, unit.enterprise)
    if not reason.strip():
        raise ValidationError({"reason": "say why the unit is removed"})
    delete_audited(actor, unit, reason)


# ---- equipment and what it holds -----------------------------------------------------------


@transaction.atomic
def save_equipment(
    actor: User, data: dict[str, Any], equipment: Equipment | None = None
) -> Equipment:
    data = _only(data, EQUIPMENT_FIELDS)
    equipment = equipment or Equipment()
    if equipment.pk:
        _require_edit(actor, equipment.unit.enterprise)
    unit = data.get("unit", equipment.unit if equipment.pk else None)
    if unit is None:
        raise ValidationError({"unit": "required"})
    _require_edit(actor, unit.enterprise)
    old_unit = equipment.unit if equipment.pk else None
    save_audited(actor, equipment, data)
    _changed(actor, unit, f"equipment {equipment.tag} changed")
    if old_unit is not None and old_unit.pk != unit.pk:
        _changed(actor, old_unit, f"equipment {equipment.tag} moved out")
    return equipment


@transaction.atomic
def delete_equipment(actor: User, equipment: Equipment, reason: str = "") -> None:
    unit = equipment.unit
    _require_edit(actor, unit.enterprise)
    for holding in equipment.holdings.all():
        delete_audited(actor, holding, reason)
    delete_audited(actor, equipment, reason)
    _changed(actor, unit, f"equipment {equipment.tag} removed")


@transaction.atomic
def set_holding(
    actor: User, equipment: Equipment, chemical: Chemical, design_max_t: Any
) -> Holding | None:
    """Set the design maximum of a chemical in a piece of equipment; 0 removes it."""
    _require_edit(actor, equipment.unit.enterprise)
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


def reassess(actor: User | None, unit: HazardUnit, reason: str = "") -> Assessment | None:
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


# ---- sensitive places (what a threat zone counts) ------------------------------------------

PLACE_FIELDS = {"name", "kind", "population", "latitude", "longitude"}


@transaction.atomic
def save_sensitive_place(actor: User, data: dict[str, Any], place=None):
    """A residential area, school or hospital; administrators keep the list."""
    from .models import SensitivePlace

    core.require(core.is_admin(actor), "only an administrator keeps the sensitive places")
    data = _only(data, PLACE_FIELDS)
    if "latitude" in data and not -90 <= float(data["latitude"]) <= 90:
        raise ValidationError({"latitude": "must be between -90 and 90"})
    if "longitude" in data and not -180 <= float(data["longitude"]) <= 180:
        raise ValidationError({"longitude": "must be between -180 and 180"})
    return save_audited(actor, place or SensitivePlace(), data)


# ---- 包保 responsibility chain ---------------------------------------------------------------

RESPONSIBLE_FIELDS = {"unit", "role", "name", "title", "phone", "user"}
DUTY_PHOTO_MAX_BYTES = 5 * 1024 * 1024
DUTY_PHOTOS_MAX = 6
DUTY_ALERT_LEVEL = 2  # yellow: a duty not done in its period


@transaction.atomic
def save_responsible(actor: User, data: dict[str, Any], responsible=None):
    from .models import Responsible

    data = _only(data, RESPONSIBLE_FIELDS)
    responsible = responsible or Responsible()
    unit = data.get("unit", responsible.unit if responsible.pk else None)
    role = data.get("role", responsible.role if responsible.pk else None)
    if unit is None:
        raise ValidationError({"unit": "required"})
    if role not in Responsible.Role.values:
        raise ValidationError({"role": "unknown role"})
    core.require(perm.can_edit_responsible(actor, unit, role),
                 "only the enterprise (its own three) or an administrator names 包保 people")
    if responsible.pk:
        core.require(perm.can_edit_responsible(actor, responsible.unit, responsible.role))
    if not str(data.get("name", responsible.name or "")).strip():
        raise ValidationError({"name": _("The name is required.")})
    return save_audited(actor, responsible, data)


@transaction.atomic
def record_duty(actor: User, *, responsible, done_on: date, checked: str, findings: str = "",
                photos: list | tuple = (), today: date | None = None):
    """A duty done, with its photos decoded and written again (as voting's photos are), all or
    nothing. Clears the person's missed-duty alert: the duty is done again."""
    from zoneops.core.services.alerts import resolve_alert
    from zoneops.voting import photos as photo_kit

    from .models import DutyPhoto, DutyRecord

    core.require(perm.can_record_duty(actor, responsible),
                 "only the person, the enterprise's contact or an administrator records it")
    if responsible.cadence is None:
        raise ValidationError({"responsible": _("Only the enterprise's three people have "
                                                "periodic duties.")})
    if not checked.strip():
        raise ValidationError({"checked": _("Say what was checked.")})
    today = today or timezone.localdate()
    if done_on > today:
        raise ValidationError({"done_on": _("A duty cannot be dated in the future.")})
    if len(photos) > DUTY_PHOTOS_MAX:
        raise ValidationError({"photos": _("At most %(n)s photos.") % {"n": DUTY_PHOTOS_MAX}})
    images = []
    for upload in photos:
        if upload.size > DUTY_PHOTO_MAX_BYTES:
            raise ValidationError({"photos": _("A photo may be at most 5 MB.")})
        try:
            images.append(photo_kit.reencode(upload))
        except photo_kit.NotAPhoto as exc:
            raise ValidationError(
                {"photos": _("Only JPEG, PNG or WebP photos are accepted.")}) from exc
    record = save_audited(actor, DutyRecord(responsible=responsible, recorded_by=actor),
                          {"done_on": done_on, "checked": checked.strip(),
                           "findings": findings.strip()})
    for image in images:
        photo = DutyPhoto(record=record)
        photo.image.save(image.name, image, save=True)
        record_audit(actor, "attach", record, None, {"attachment": photo.image.name})
    resolve_alert(module="hazards", key=duty_alert_key(responsible),
                  note=f"duty recorded for {done_on}")
    return record


def duty_alert_key(responsible) -> str:
    return f"duty:{responsible.pk}"


def check_duties(*, today: date) -> dict[str, int]:
    """The periodic check: each of the enterprise's three people whose last whole period
    passed with no duty recorded gets a (yellow) alert through the core loop; one already
    open is refreshed, not doubled. Returns counts."""
    from zoneops.core.services.alerts import Raise, apply_causes

    from .duties import previous_period
    from .models import CADENCE_BY_ROLE, DutyRecord, Responsible

    causes = []
    people = (Responsible.objects.filter(role__in=list(CADENCE_BY_ROLE))
              .select_related("unit__enterprise"))
    for person in people:
        start, end = previous_period(person.cadence, today)
        if person.unit.enterprise_id is None:
            continue
        if DutyRecord.objects.filter(responsible=person, done_on__range=(start, end)).exists():
            continue
        unit = person.unit
        causes.append(Raise(
            module="hazards", level=DUTY_ALERT_LEVEL, key=duty_alert_key(person), source=person,
            title=_("Duty missed: %(role)s %(name)s, %(unit)s")
            % {"role": person.get_role_display(), "name": person.name, "unit": unit.name},
            detail=_("No duty recorded between %(start)s and %(end)s (%(cadence)s).")
            % {"start": start, "end": end, "cadence": person.get_cadence_display()},
            enterprise=unit.enterprise, unit=unit.enterprise.unit,
            data={"unit": unit.pk, "responsible": person.pk, "period": [str(start), str(end)]}))
    if causes:
        apply_causes(causes)
    return {"checked": len(people), "missed": len(causes)}


# ---- emergency resources and plans ---------------------------------------------------------

RESOURCE_FIELDS = {"kind", "name", "quantity", "measure", "contact", "phone", "latitude",
                   "longitude"}
PLAN_FIELDS = {"unit", "title", "version", "trigger_levels", "actions"}


@transaction.atomic
def save_resource(actor: User, data: dict[str, Any], resource=None):
    """A response team, equipment or stockpile; administrators keep the list."""
    from .models import Resource

    core.require(core.is_admin(actor), "only an administrator keeps the resources")
    return save_audited(actor, resource or Resource(), _only(data, RESOURCE_FIELDS))


@transaction.atomic
def save_plan(actor: User, data: dict[str, Any], plan=None):
    """An emergency plan attached to a hazard: the enterprise's contact or an admin."""
    from .models import Plan

    data = _only(data, PLAN_FIELDS)
    plan = plan or Plan()
    unit = data.get("unit", plan.unit if plan.pk else None)
    if unit is None:
        raise ValidationError({"unit": "required"})
    _require_edit(actor, unit.enterprise)
    return save_audited(actor, plan, data)
