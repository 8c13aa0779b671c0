"""The alert loop: raised → acknowledged → assigned → handled → closed (or reopened).

Modules call `raise_alert` when a cause appears and `resolve_alert` when it clears; people move
an alert along with the transition functions below. Every step is permission-checked, audited
and notified.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions as perm
from ..models import Alert, AlertAttachment, AlertPolicy, Enterprise, Role, Unit, User
from ..models.alerts import OPEN_STATUSES
from .audit import record, snapshot
from .notify import notify

Status = Alert.Status
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024

# Which status each transition starts from.
ALLOWED_FROM = {
    "acknowledge": {Status.RAISED},
    "assign": {Status.RAISED, Status.ACKNOWLEDGED, Status.ASSIGNED},
    "handle": {Status.ASSIGNED},
    "close": {Status.HANDLED},
    "reopen": {Status.HANDLED, Status.CLOSED},
}


def _link(alert: Alert) -> str:
    return reverse("alert-detail", args=[alert.pk])


def _dispatchers() -> models.QuerySet[User]:
    return User.objects.filter(is_active=True, role__in=[Role.DUTY_OFFICER, Role.OFFICE])


def _open_alert_for_update(module: str, key: str) -> Alert | None:
    """The open alert of a cause, locked, without its attached data (raise replaces it,
    resolve never reads it). (Joining what a snapshot names costs more than loading it:
    measured 15 ms against 7 ms, so the rare full snapshot loads lazily.)"""
    return (Alert.objects.select_for_update().defer("data")
            .filter(module=module, key=key, status__in=OPEN_STATUSES).first())


def _unit_staff(unit: Unit | None) -> models.QuerySet[User]:
    if unit is None:
        return User.objects.none()
    return User.objects.filter(is_active=True, role=Role.UNIT_STAFF, unit=unit)


def _due_times(level: int, start: datetime) -> tuple[datetime | None, datetime | None]:
    policy = AlertPolicy.objects.filter(level=level).first()
    if policy is None:
        return None, None
    return (start + timedelta(minutes=policy.acknowledge_minutes),
            start + timedelta(minutes=policy.resolve_minutes))


def raise_alert(*, module: str, level: int, title: str, detail: str = "",
                source: models.Model | None = None, key: str = "", unit: Unit | None = None,
                enterprise: Enterprise | None = None, data: dict[str, Any] | None = None,
                now: datetime | None = None, serialized: bool = False) -> Alert:
    """Raise an alert for a cause, or update the open one with the same module+key.

    Idempotent by (module, key): a second call while the alert is open raises its level if
    the new one is higher and refreshes title, detail and data; it never opens a duplicate,
    even from two processes at once (a partial unique index settles the race: the loser
    retries inside a savepoint). ``serialized=True`` says the caller already holds a lock
    under which nobody else raises this cause (the environment module locks the station's
    row): then there is no race to settle, and no savepoint to pay for on ingest's path.
    """
    if level not in Alert.Level.values:
        raise ValidationError({"level": f"unknown level {level}"})
    now = now or timezone.now()
    for attempt in range(2):
        try:
            with transaction.atomic(savepoint=not serialized):
                return _raise_or_update(module, level, title, detail, source, key, unit,
                                        enterprise, data or {}, now)
        except IntegrityError:
            if attempt or serialized:  # without a savepoint the caller's transaction is lost
                raise
    raise AssertionError("unreachable")


def _raise_or_update(module, level, title, detail, source, key, unit, enterprise, data, now):
    existing = None
    if key:
        existing = _open_alert_for_update(module, key)
    if existing is not None:
        escalated = level > existing.level
        before = snapshot(existing) if escalated else None  # only an escalation is audited
        existing.title, existing.detail, existing.data = title, detail, data
        existing.cause_cleared_at = None
        if escalated:
            existing.level = level
            existing.acknowledge_due_at, existing.resolve_due_at = _due_times(
                level, existing.raised_at)
        existing.save()
        if escalated:
            record("system", "escalate level", existing, before, snapshot(existing))
            _notify_raised(existing)
        return existing
    alert = Alert(module=module, key=key, level=level, title=title, detail=detail,
                  unit=unit, enterprise=enterprise, data=data, raised_at=now)
    if source is not None:
        alert.source_type = ContentType.objects.get_for_model(source)
        alert.source_id = str(source.pk)
    alert.acknowledge_due_at, alert.resolve_due_at = _due_times(level, now)
    alert.save()
    record("system", "raise", alert, None, snapshot(alert))
    _notify_raised(alert)
    return alert


def _notify_raised(alert: Alert) -> None:
    title = _("[%(level)s] %(title)s") % {"level": alert.get_level_display(),
                                          "title": alert.title}
    notify(title=title, body=alert.detail, link=_link(alert),
           users=_dispatchers() | _unit_staff(alert.unit),  # one query
           units=[alert.unit] if alert.unit else [])


@transaction.atomic(savepoint=False)  # inside a caller's transaction, fails with it
def resolve_alert(*, module: str, key: str, note: str = "",
                  now: datetime | None = None) -> Alert | None:
    """The module says the cause has cleared. The alert stays open for people to close it
    (a cleared cause is not a handled case), but it is marked and the dispatchers are told.
    (No savepoint of its own: nothing here is retried, and a module clears causes on its
    ingest path, where each statement counts.)"""
    alert = _open_alert_for_update(module, key)
    if alert is None or alert.cause_cleared_at is not None:
        return alert
    alert.cause_cleared_at = now or timezone.now()
    alert.save(update_fields=["cause_cleared_at"])
    # Only that field changed: audit it alone (a module clears causes many times a day).
    record("system", "cause cleared", alert, {"cause_cleared_at": None},
           {"cause_cleared_at": alert.cause_cleared_at}, reason=note)
    notify(title=_("Cause cleared: %(title)s") % {"title": alert.title}, body=note,
           link=_link(alert), users=_dispatchers())
    return alert


def _transition(actor: User, alert: Alert, action: str, may: Callable[[User, Alert], bool],
                changes: dict[str, Any], reason: str = "") -> Alert:
    # Decide on the locked, current row, not on whatever copy the caller holds.
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    perm.require(may(actor, alert), f"you may not {action} this alert")
    if alert.status not in ALLOWED_FROM[action]:
        raise ValidationError({"status": _("A %(status)s alert cannot be %(action)s.") % {
            "status": alert.get_status_display(), "action": action}})
    before = snapshot(alert)
    for name, value in changes.items():
        setattr(alert, name, value)
    alert.save()
    record(actor, action, alert, before, snapshot(alert), reason)
    return alert


@transaction.atomic
def acknowledge(actor: User, alert: Alert, note: str = "") -> Alert:
    return _transition(actor, alert, "acknowledge", perm.can_acknowledge_alert,
                       {"status": Status.ACKNOWLEDGED, "acknowledged_at": timezone.now()}, note)


@transaction.atomic
def assign(actor: User, alert: Alert, *, unit: Unit | None = None, user: User | None = None,
           enterprise: Enterprise | None = None, note: str = "") -> Alert:
    if sum(x is not None for x in (unit, user, enterprise)) != 1:
        raise ValidationError({"assignee": _("Choose exactly one: a unit, a person or an "
                                             "enterprise.")})
    if user is not None and (not user.is_active or user.role == Role.LEADER):
        raise ValidationError({"assignee": _("That person cannot take alerts.")})
    now = timezone.now()
    changes = {"status": Status.ASSIGNED, "assignee_unit": unit, "assignee_user": user,
               "assignee_enterprise": enterprise, "assigned_at": now}
    if alert.acknowledged_at is None:
        changes["acknowledged_at"] = now
    alert = _transition(actor, alert, "assign", perm.can_assign_alert, changes, note)
    recipients = [user] if user else list(_unit_staff(unit)) if unit else list(
        User.objects.filter(is_active=True, role=Role.ENTERPRISE, enterprise=enterprise))
    notify(title=_("Assigned to you: %(title)s") % {"title": alert.title}, body=note,
           link=_link(alert), users=recipients, units=[unit] if unit else [])
    return alert


@transaction.atomic
def handle(actor: User, alert: Alert, feedback: str, files: list | None = None) -> Alert:
    if not feedback or not feedback.strip():
        raise ValidationError({"feedback": _("Say what was done.")})
    for f in files or []:
        if f.size > MAX_ATTACHMENT_BYTES:
            raise ValidationError({"files": _("%(name)s is larger than 20 MB.") % {
                "name": f.name}})
    alert = _transition(actor, alert, "handle", perm.can_handle_alert,
                        {"status": Status.HANDLED, "handled_at": timezone.now(),
                         "feedback": feedback.strip()})
    for f in files or []:
        attachment = AlertAttachment.objects.create(alert=alert, file=f, name=f.name[:200],
                                                    size=f.size, uploaded_by=actor)
        record(actor, "attach", alert, None, {"attachment": attachment.name})
    notify(title=_("Handled, please verify: %(title)s") % {"title": alert.title},
           body=feedback, link=_link(alert), users=list(_dispatchers()))
    return alert


@transaction.atomic
def close(actor: User, alert: Alert, note: str = "") -> Alert:
    return _transition(actor, alert, "close", perm.can_close_alert,
                       {"status": Status.CLOSED, "closed_at": timezone.now()}, note)


@transaction.atomic
def reopen(actor: User, alert: Alert, reason: str) -> Alert:
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("Say why the alert is reopened.")})
    # A reopened alert goes back to whoever was handling it.
    alert = _transition(actor, alert, "reopen", perm.can_close_alert,
                        {"status": Status.ASSIGNED, "closed_at": None, "handled_at": None},
                        reason.strip())
    assignees = [alert.assignee_user] if alert.assignee_user else list(
        _unit_staff(alert.assignee_unit))
    notify(title=_("Reopened: %(title)s") % {"title": alert.title}, body=reason,
           link=_link(alert), users=assignees)
    return alert


def escalate_overdue(now: datetime | None = None) -> int:
    """Tell the leaders about every open alert past its time limit, once per alert."""
    now = now or timezone.now()
    late = Alert.objects.filter(status__in=OPEN_STATUSES, escalated_at__isnull=True).filter(
        models.Q(resolve_due_at__lt=now)
        | models.Q(status=Status.RAISED, acknowledge_due_at__lt=now))
    count = 0
    for alert_id in list(late.values_list("pk", flat=True)):
        with transaction.atomic():
            alert = (Alert.objects.select_for_update(of=("self",))
                     .select_related("unit__leader").get(pk=alert_id))
            if alert.escalated_at is not None:
                continue
            before = snapshot(alert)
            alert.escalated_at = now
            alert.save(update_fields=["escalated_at"])
            record("system", "escalate", alert, before, snapshot(alert),
                   reason=_("time limit exceeded"))
            leader = alert.unit.leader if alert.unit and alert.unit.leader_id else None
            leaders = [leader] if leader else list(
                User.objects.filter(is_active=True, role=Role.LEADER))
            notify(title=_("Overdue: %(title)s") % {"title": alert.title},
                   body=_("This alert has passed its time limit."), link=_link(alert),
                   users=leaders)
            count += 1
    return count
