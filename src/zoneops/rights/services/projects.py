"""Registering a new project's EIA quantities (the office): one project and its quantity per
pollutant, in one transaction, recorded in the audit trail."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zoneops.core.models import AuditAction, Enterprise, User
from zoneops.core.services.audit import record, snapshot

from ..models import Pollutant
from ..models_eia import EiaProject, EiaRequirement
from .ledger import _require_writer


def _quantities(raw: Mapping[str, Any]) -> dict[str, Decimal]:
    clean: dict[str, Decimal] = {}
    errors: dict[str, str] = {}
    for pollutant, value in raw.items():
        if pollutant not in Pollutant.values:
            errors[pollutant] = _("Not a pollutant of the ledger.")
            continue
        if value in (None, ""):
            continue
        try:
            quantity = Decimal(str(value))
        except (InvalidOperation, ValueError):
            quantity = None
        if quantity is None or not quantity.is_finite() or quantity < 0:
            errors[pollutant] = _("%(pollutant)s: enter a quantity of zero or more (t/a).") % {
                "pollutant": pollutant}
        elif quantity > 0:
            clean[pollutant] = quantity.quantize(Decimal("0.0001"))
    if errors:
        raise ValidationError(errors)
    if not clean:
        raise ValidationError({"__all__": _(
            "Give the quantity the EIA requires for at least one pollutant.")})
    return clean


@transaction.atomic
def register_project(actor: User, data: Mapping[str, Any],
                     quantities: Mapping[str, Any]) -> EiaProject:
    """A new project of an enterprise with the quantity (t/a) its EIA requires per pollutant."""
    _require_writer(actor)
    errors: dict[str, str] = {}
    if not isinstance(data.get("enterprise"), Enterprise):
        errors["enterprise"] = _("Choose the enterprise.")
    if not str(data.get("name", "")).strip():
        errors["name"] = _("Give the project a name.")
    if not str(data.get("document", "")).strip():
        errors["document"] = _("Name the EIA document or its approval number.")
    status = data.get("status") or EiaProject.Status.UNDER_REVIEW
    if status not in EiaProject.Status.values:
        errors["status"] = _("Choose a status.")
    if errors:
        raise ValidationError(errors)
    clean = _quantities(quantities)
    project = EiaProject.objects.create(
        enterprise=data["enterprise"], name=str(data["name"]).strip(),
        document=str(data["document"]).strip(), status=status, created_by=actor)
    EiaRequirement.objects.bulk_create(
        EiaRequirement(project=project, pollutant=p, quantity=q) for p, q in clean.items())
    record(actor, AuditAction.CREATE, project, None,
           {**snapshot(project), "quantities": {p: str(q) for p, q in clean.items()}})
    return project
