"""Emergency resources and plans."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zoneops.core import permissions as core
from zoneops.core.models import User
from zoneops.core.services.audit import save_audited

from .registry import only_fields, require_edit

# ---- emergency resources and plans ---------------------------------------------------------

RESOURCE_FIELDS = {"kind", "name", "quantity", "measure", "contact", "phone", "latitude",
                   "longitude"}
PLAN_FIELDS = {"unit", "title", "version", "trigger_levels", "actions"}


@transaction.atomic
def _write_resource(actor: User, data: dict[str, Any], resource=None):
    """A response team, equipment or stockpile; administrators keep the list."""
    from ..models import Resource

    core.require(core.is_admin(actor), "only an administrator keeps the resources")
    return save_audited(actor, resource or Resource(), only_fields(data, RESOURCE_FIELDS))


def create_resource(actor: User, data: dict[str, Any]):
    """A new resource (see _write_resource)."""
    return _write_resource(actor, data, None)


def update_resource(actor: User, resource, data: dict[str, Any]):
    """Change a saved resource."""
    if resource.pk is None:
        raise ValueError("update a saved resource; create_resource makes a new one")
    return _write_resource(actor, data, resource)


@transaction.atomic
def _write_plan(actor: User, data: dict[str, Any], plan=None):
    """An emergency plan attached to a hazard: the enterprise's contact or an admin."""
    from ..models import Plan

    data = only_fields(data, PLAN_FIELDS)
    plan = plan or Plan()
    unit = data.get("unit", plan.unit if plan.pk else None)
    if unit is None:
        raise ValidationError({"unit": "required"})
    require_edit(actor, unit.enterprise)
    return save_audited(actor, plan, data)


def create_plan(actor: User, data: dict[str, Any]):
    """A new plan (see _write_plan)."""
    return _write_plan(actor, data, None)


def update_plan(actor: User, plan, data: dict[str, Any]):
    """Change a saved plan."""
    if plan.pk is None:
        raise ValueError("update a saved plan; create_plan makes a new one")
    return _write_plan(actor, data, plan)
