"""Sensitive places: what a threat zone counts (residents, schools, hospitals)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zoneops.core import permissions as core
from zoneops.core.models import User
from zoneops.core.services.audit import save_audited

from .registry import only_fields

# ---- sensitive places (what a threat zone counts) ------------------------------------------

PLACE_FIELDS = {"name", "kind", "population", "latitude", "longitude"}


@transaction.atomic
def _write_sensitive_place(actor: User, data: dict[str, Any], place=None):
    """A residential area, school or hospital; administrators keep the list."""
    from ..models import SensitivePlace

    core.require(core.is_admin(actor), "only an administrator keeps the sensitive places")
    data = only_fields(data, PLACE_FIELDS)
    if "latitude" in data and not -90 <= float(data["latitude"]) <= 90:
        raise ValidationError({"latitude": "must be between -90 and 90"})
    if "longitude" in data and not -180 <= float(data["longitude"]) <= 180:
        raise ValidationError({"longitude": "must be between -180 and 180"})
    return save_audited(actor, place or SensitivePlace(), data)


def create_sensitive_place(actor: User, data: dict[str, Any]):
    """A new place (see _write_sensitive_place)."""
    return _write_sensitive_place(actor, data, None)


def update_sensitive_place(actor: User, place, data: dict[str, Any]):
    """Change a saved place."""
    if place.pk is None:
        raise ValueError("update a saved place; create_sensitive_place makes a new one")
    return _write_sensitive_place(actor, data, place)


