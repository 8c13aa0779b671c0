"""Every write to the catalogue, targets and values: transactional, permission-checked,
audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from zoneops.core import permissions as perm
from zoneops.core.models import User
from zoneops.core.services.audit import save_audited
from zoneops.core.services.org import _only  # the house's whitelist of writable fields

from . import permissions
from .models import Indicator, PeerValue, Target, Value

INDICATOR_FIELDS = {"code", "name", "unit", "basis", "accumulation", "frequency", "owner_unit",
                    "source", "sort_order", "is_active", "uses_two_year_average"}
TARGET_FIELDS = {"value", "growth_pct"}
VALUE_FIELDS = {"level", "official_rate_pct", "note"}
PEER_FIELDS = {"level", "official_rate_pct"}


@transaction.atomic
def _write_indicator(actor: User, data: dict[str, Any],
                   indicator: Indicator | None = None) -> Indicator:
    perm.require(permissions.can_manage_catalogue(actor))
    return save_audited(actor, indicator or Indicator(), _only(data, INDICATOR_FIELDS))


def create_indicator(actor: User, data: dict[str, Any]) -> Indicator:
    """A new indicator (see _write_indicator)."""
    return _write_indicator(actor, data, None)


def update_indicator(actor: User, indicator: Indicator, data: dict[str, Any]) -> Indicator:
    """Change a saved indicator."""
    if indicator.pk is None:
        raise ValueError("update a saved indicator; create_indicator makes a new one")
    return _write_indicator(actor, data, indicator)


@transaction.atomic
def set_target(actor: User, indicator: Indicator, *, year: int, data: dict[str, Any]) -> Target:
    perm.require(permissions.can_manage_catalogue(actor))
    target = (Target.objects.select_for_update().filter(indicator=indicator, year=year).first()
              or Target(indicator=indicator, year=year))
    return save_audited(actor, target, _only(data, TARGET_FIELDS))


@transaction.atomic
def record_value(actor: User, indicator: Indicator, *, year: int, month: int,
                 data: dict[str, Any]) -> Value:
    """Store one period's published figures (create or correct). Only the office records
    directly (the owner unit submits, see submissions.py); the rate is kept as given."""
    perm.require(permissions.can_record_values(actor, indicator))
    value = (Value.objects.select_for_update()
             .filter(indicator=indicator, year=year, month=month).first()
             or Value(indicator=indicator, year=year, month=month))
    return save_audited(actor, value, _only(data, VALUE_FIELDS))


@transaction.atomic
def record_peer_value(actor: User, indicator: Indicator, *, peer: str, year: int, month: int,
                      data: dict[str, Any]) -> PeerValue:
    """Store (create or correct) a peer zone's published figure; the office only."""
    perm.require(permissions.can_manage_catalogue(actor))
    value = (PeerValue.objects.select_for_update()
             .filter(peer=peer, indicator=indicator, year=year, month=month).first()
             or PeerValue(peer=peer, indicator=indicator, year=year, month=month))
    return save_audited(actor, value, _only(data, PEER_FIELDS))
