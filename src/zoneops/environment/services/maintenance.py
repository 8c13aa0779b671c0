"""Maintenance windows that silence a station (audited)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zoneops.core import permissions as perm
from zoneops.core.models import User
from zoneops.core.services.audit import save_audited

from .. import alarms
from .. import permissions as env_perm
from ..audit import EnvironmentAction
from ..models import (
    MaintenanceWindow,
    Station,
)

# --- maintenance windows -----------------------------------------------------------------------

MAX_MAINTENANCE = timedelta(days=31)


def _check_window(starts_at: datetime, ends_at: datetime, reason: str) -> None:
    errors: dict[str, str] = {}
    if not reason or not reason.strip():
        errors["reason"] = _("Say why the station is under maintenance.")
    if ends_at <= starts_at:
        errors["ends_at"] = _("The end must come after the start.")
    elif ends_at - starts_at > MAX_MAINTENANCE:
        errors["ends_at"] = _("A maintenance window lasts at most 31 days.")
    if errors:
        raise ValidationError(errors)


def create_maintenance(actor: User, *, station: Station, starts_at: datetime,
                       ends_at: datetime, reason: str) -> MaintenanceWindow:
    """Silence a station's alarms from ``starts_at`` to ``ends_at`` (readings are still stored
    and judged; no alert is raised meanwhile). Audited."""
    perm.require(env_perm.can_set_maintenance(actor, station),
                 "you may not set this station's maintenance")
    _check_window(starts_at, ends_at, reason)
    window = MaintenanceWindow(station=station, created_by=actor)
    save_audited(actor, window, {"starts_at": starts_at, "ends_at": ends_at,
                                 "reason": reason.strip()},
                 action=EnvironmentAction.MAINTENANCE_CREATE)
    alarms.forget_maintenance()
    transaction.on_commit(alarms.forget_maintenance)
    return window


def update_maintenance(actor: User, window: MaintenanceWindow, *, starts_at: datetime,
                       ends_at: datetime, reason: str) -> MaintenanceWindow:
    perm.require(env_perm.MAINTENANCE.allows(actor, window, "change"),
                 "you may not change this maintenance window")
    _check_window(starts_at, ends_at, reason)
    save_audited(actor, window, {"starts_at": starts_at, "ends_at": ends_at,
                                 "reason": reason.strip()},
                 action=EnvironmentAction.MAINTENANCE_UPDATE)
    alarms.forget_maintenance()
    transaction.on_commit(alarms.forget_maintenance)
    return window


def end_maintenance(actor: User, window: MaintenanceWindow, *,
                    now: datetime | None = None) -> MaintenanceWindow:
    """End a window now (the technician is done early): alarms count again from now."""
    perm.require(env_perm.MAINTENANCE.allows(actor, window, "change"),
                 "you may not change this maintenance window")
    now = now or timezone.now()
    if window.ends_at <= now:
        raise ValidationError({"ends_at": _("This maintenance window has already ended.")})
    save_audited(actor, window, {"ends_at": max(now, window.starts_at)},
                 action=EnvironmentAction.MAINTENANCE_END)
    alarms.forget_maintenance()
    transaction.on_commit(alarms.forget_maintenance)
    return window
