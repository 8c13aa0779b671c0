"""The alert loop: raised → acknowledged → assigned → handled → closed (or reopened).

Modules call `raise_alert` when a cause appears and `resolve_alert` when it clears; people move
an alert along with the transition functions below. Every step is permission-checked, audited
and notified.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions as perm
from ..bulk import insert_all
from ..models import (
    Alert,
    AlertAttachment,
    AlertPolicy,
    AuditAction,
    Enterprise,
    Role,
    Unit,
    User,
)
from ..models.alerts import OPEN_STATUSES, i18n_spec, level_spec, text_spec
from .audit import entry, record, record_all, snapshot
from .notify import Notice, notify, notify_roles

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


DISPATCH_ROLES = (Role.DUTY_OFFICER, Role.OFFICE)  # who hears of every alert


def _loaded_data(alert: Alert) -> dict[str, Any] | None:
    """The alert's data if loaded (a clear locks alerts without it: reading it here would cost
    a query per alert, and the stored title will do)."""
    return None if "data" in alert.get_deferred_fields() else alert.data


def _title_i18n(msgid: str, alert: Alert) -> dict[str, Any]:
    """A notice's title about an alert, to translate when shown (see Notification.i18n)."""
    return {"title": i18n_spec(msgid, title=text_spec(alert.data, "title", alert.title))}


def _dispatchers() -> models.QuerySet[User]:
    return User.objects.filter(is_active=True, role__in=DISPATCH_ROLES)


def _open_alerts_for_update(causes: set[tuple[str, str]]) -> dict[tuple[str, str], Alert]:
    """The open alerts of these causes (module, key), locked in id order, without their
    attached data (raise replaces it, clear never reads it). One query for a whole batch.
    (Joining what a snapshot names costs more than loading it: the rare full snapshot, on
    escalation, loads lazily.)"""
    if not causes:
        return {}
    found = (Alert.objects.select_for_update().defer("data").order_by("pk")
             .filter(status__in=OPEN_STATUSES, module__in={m for m, _k in causes},
                     key__in={k for _m, k in causes}))
    return {(a.module, a.key): a for a in found if (a.module, a.key) in causes}


def _unit_staff(unit: Unit | None) -> models.QuerySet[User]:
    if unit is None:
        return User.objects.none()
    return User.objects.filter(is_active=True, role=Role.UNIT_STAFF, unit=unit)


@dataclass(frozen=True, slots=True)
class Raise:
    """A module says a cause is present (see :func:`raise_alert`)."""

    module: str
    level: int
    title: str
    detail: str = ""
    source: models.Model | None = None
    key: str = ""
    unit: Unit | None = None
    enterprise: Enterprise | None = None
    data: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Clear:
    """A module says a cause has cleared (see :func:`resolve_alert`)."""

    module: str
    key: str
    note: str = ""


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
    alert = apply_causes([Raise(module, level, title, detail, source, key, unit, enterprise,
                                data)], now=now, serialized=serialized)[0]
    assert alert is not None
    return alert


def resolve_alert(*, module: str, key: str, note: str = "",
                  now: datetime | None = None) -> Alert | None:
    """The module says the cause has cleared. The alert stays open for people to close it
    (a cleared cause is not a handled case), but it is marked and the dispatchers are told.
    Inside a caller's transaction it fails with it (no savepoint: nothing here is retried)."""
    return apply_causes([Clear(module, key, note)], now=now)[0]


def close_cause(*, module: str, key: str, note: str,
                now: datetime | None = None) -> Alert | None:
    """The module says the cause is gone for good (a supervision item no longer red): its open
    alert is closed by the system, audited with the module's reason (nobody is notified: the
    inbox is for what needs a person). Unlike :func:`resolve_alert`, nobody is left to close
    it by hand. Inside the caller's transaction."""
    now = now or timezone.now()
    alert = (Alert.objects.select_for_update().filter(
        module=module, key=key, status__in=OPEN_STATUSES).order_by("pk").first())
    if alert is None:
        return None
    before = snapshot(alert)
    alert.status, alert.closed_at = Status.CLOSED, now
    alert.cause_cleared_at = alert.cause_cleared_at or now
    alert.save(update_fields=["status", "closed_at", "cause_cleared_at"])
    record("system", AuditAction.CLOSE, alert, before, snapshot(alert), note)
    return alert


def apply_causes(causes: Sequence[Raise | Clear], *, now: datetime | None = None,
                 serialized: bool = False, notify: bool = True) -> list[Alert | None]:
    """Raise and clear many causes in order, as :func:`raise_alert` and
    :func:`resolve_alert` would one by one, in a fixed handful of statements whatever their
    number: an ingest batch that alarms at many stations at once (a release drifting over
    the park) must not pay for each alert's half-dozen statements in turn while every
    upload of the batch waits for its commit. Returns each cause's alert (None for a clear
    with no open alert). ``notify=False``: no notice per alert, the caller tells people once
    about the whole batch (an import that lights thousands of items red must not flood the
    duty inbox)."""
    for cause in causes:
        if isinstance(cause, Raise) and cause.level not in Alert.Level.values:
            raise ValidationError({"level": f"unknown level {cause.level}"})
    now = now or timezone.now()
    # Only a raise can collide with another process's new alert (see raise_alert).
    savepoint = not serialized and any(isinstance(c, Raise) for c in causes)
    for attempt in range(2):
        try:
            with transaction.atomic(savepoint=savepoint):
                return _Changes(now, notify).apply(causes)
        except IntegrityError:
            if attempt or not savepoint:  # without a savepoint the caller's transaction is lost
                raise
    raise AssertionError("unreachable")


class _Changes:
    """One batch of causes: worked out in memory against the locked open alerts, then
    written with one statement per kind of write."""

    def __init__(self, now: datetime, notify: bool = True) -> None:
        self.now = now
        self.notify = notify
        self.open: dict[tuple[str, str], Alert] = {}
        self.policies: dict[int, AlertPolicy] = {}
        self.created: list[Alert] = []
        self.refreshed: dict[int, Alert] = {}  # existing alerts a raise rewrote
        self.cleared: dict[int, Alert] = {}  # existing alerts only marked cleared
        # (action, alert, before, after, reason, name then): new alerts' ids come at the end
        self.audits: list[tuple[str, Alert, dict | None, dict, str, str]] = []
        # title, body, alert, to its unit too, the texts as message ids
        self.notices: list[tuple[str, str, Alert, bool, dict]] = []

    def apply(self, causes: Sequence[Raise | Clear]) -> list[Alert | None]:
        self.open = _open_alerts_for_update({(c.module, c.key) for c in causes if c.key})
        if any(isinstance(c, Raise) for c in causes):
            self.policies = {p.level: p for p in AlertPolicy.objects.all()}
        results = [self._raise(c) if isinstance(c, Raise) else self._clear(c) for c in causes]
        self._write()
        return results

    def _due(self, level: int, start: datetime) -> tuple[datetime | None, datetime | None]:
        policy = self.policies.get(level)
        if policy is None:
            return None, None
        return (start + timedelta(minutes=policy.acknowledge_minutes),
                start + timedelta(minutes=policy.resolve_minutes))

    def _audit(self, action: str, alert: Alert, before: dict | None, after: dict,
               reason: str = "") -> None:
        self.audits.append((action, alert, before, after, reason, str(alert)))

    def _raise(self, cause: Raise) -> Alert:
        existing = self.open.get((cause.module, cause.key)) if cause.key else None
        if existing is not None:
            escalated = cause.level > existing.level
            before = snapshot(existing) if escalated else None  # only an escalation is audited
            existing.title, existing.detail = cause.title, cause.detail
            existing.data, existing.cause_cleared_at = cause.data or {}, None
            if escalated:
                existing.level = cause.level
                existing.acknowledge_due_at, existing.resolve_due_at = self._due(
                    cause.level, existing.raised_at)
            if existing.pk is not None:
                self.refreshed[existing.pk] = existing
            if escalated:
                self._audit(AuditAction.ESCALATE_LEVEL, existing, before, snapshot(existing))
                self._notify_raised(existing)
            return existing
        alert = Alert(module=cause.module, key=cause.key, level=cause.level, title=cause.title,
                      detail=cause.detail, unit=cause.unit, enterprise=cause.enterprise,
                      data=cause.data or {}, raised_at=self.now)
        if cause.source is not None:
            alert.source_type = ContentType.objects.get_for_model(cause.source)
            alert.source_id = str(cause.source.pk)
        alert.acknowledge_due_at, alert.resolve_due_at = self._due(cause.level, self.now)
        self.created.append(alert)
        if cause.key:
            self.open[(cause.module, cause.key)] = alert
        self._audit(AuditAction.RAISE, alert, None, snapshot(alert))
        self._notify_raised(alert)
        return alert

    def _clear(self, cause: Clear) -> Alert | None:
        alert = self.open.get((cause.module, cause.key)) if cause.key else None
        if alert is None or alert.cause_cleared_at is not None:
            return alert
        alert.cause_cleared_at = self.now
        if alert.pk is not None:
            self.cleared[alert.pk] = alert
        # Only that field changed: audit it alone (a module clears causes many times a day).
        self._audit(AuditAction.CAUSE_CLEARED, alert, {"cause_cleared_at": None},
                    {"cause_cleared_at": self.now}, cause.note)
        self.notices.append((_("Cause cleared: %(title)s") % {"title": alert.title},
                             cause.note, alert, False,
                             {"title": i18n_spec("Cause cleared: %(title)s", title=text_spec(
                                 _loaded_data(alert), "title", alert.title))}))
        return alert

    def _notify_raised(self, alert: Alert) -> None:
        title = _("[%(level)s] %(title)s") % {"level": alert.get_level_display(),
                                              "title": alert.title}
        self.notices.append((title, alert.detail, alert, True, {
            "title": i18n_spec("[%(level)s] %(title)s", level=level_spec(alert.level),
                               title=text_spec(alert.data, "title", alert.title)),
            "body": text_spec(alert.data, "detail", alert.detail)}))

    def _write(self) -> None:
        if self.created:
            if connection.features.can_return_rows_from_bulk_insert:
                insert_all(Alert, self.created, ids=True)
            else:
                for alert in self.created:
                    alert.save()
        if self.refreshed:
            Alert.objects.bulk_update(list(self.refreshed.values()), [
                "title", "detail", "data", "cause_cleared_at", "level", "acknowledge_due_at",
                "resolve_due_at"])
        marked = [pk for pk in self.cleared if pk not in self.refreshed]
        if marked:
            Alert.objects.filter(pk__in=marked).update(cause_cleared_at=self.now)
        if self.audits:
            record_all([entry("system", action, alert, before, after, reason, text=text)
                        for action, alert, before, after, reason, text in self.audits])
        if self.notices and self.notify:
            self._send_notices()

    def _send_notices(self) -> None:
        """Dispatchers hear of every raise and clear; a raise's unit staff and channels of
        theirs."""
        notify_roles([Notice(title, body, _link(alert), alert.unit_id if with_unit else None,
                             i18n)
                      for title, body, alert, with_unit, i18n in self.notices],
                     roles=DISPATCH_ROLES, staff_role=Role.UNIT_STAFF)


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
def acknowledge(actor: User, alert: Alert, *, note: str = "") -> Alert:
    return _transition(actor, alert, AuditAction.ACKNOWLEDGE, perm.can_acknowledge_alert,
                       {"status": Status.ACKNOWLEDGED, "acknowledged_at": timezone.now()}, note)


MAX_BULK = 200


@transaction.atomic
def acknowledge_many(actor: User, alerts: Sequence[Alert], *, note: str = "") -> int:
    """Acknowledge several alerts at once (the duty officer's list after an incident): each is
    checked, changed and audited as :func:`acknowledge` would; those that are no longer new or
    that the person may not acknowledge are left as they are. Returns how many changed."""
    if len(alerts) > MAX_BULK:
        raise ValidationError({"ids": _("At most %(n)s alerts at once.") % {"n": MAX_BULK}})
    done = 0
    now = timezone.now()
    for alert in Alert.objects.select_for_update().filter(
            pk__in=[a.pk for a in alerts]).order_by("pk"):
        if (alert.status not in ALLOWED_FROM["acknowledge"]
                or not perm.can_acknowledge_alert(actor, alert)):
            continue
        before = snapshot(alert)
        alert.status, alert.acknowledged_at = Status.ACKNOWLEDGED, now
        alert.save(update_fields=["status", "acknowledged_at"])
        record(actor, AuditAction.ACKNOWLEDGE, alert, before, snapshot(alert), note)
        done += 1
    return done


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
    alert = _transition(actor, alert, AuditAction.ASSIGN, perm.can_assign_alert, changes, note)
    recipients = [user] if user else list(_unit_staff(unit)) if unit else list(
        User.objects.filter(is_active=True, role=Role.ENTERPRISE, enterprise=enterprise))
    notify(title=_("Assigned to you: %(title)s") % {"title": alert.title},
           i18n=_title_i18n("Assigned to you: %(title)s", alert), body=note,
           link=_link(alert), users=recipients, units=[unit] if unit else [])
    return alert


@transaction.atomic
def handle(actor: User, alert: Alert, *, feedback: str, files: list | None = None) -> Alert:
    if not feedback or not feedback.strip():
        raise ValidationError({"feedback": _("Say what was done.")})
    for f in files or []:
        if f.size > MAX_ATTACHMENT_BYTES:
            raise ValidationError({"files": _("%(name)s is larger than 20 MB.") % {
                "name": f.name}})
    alert = _transition(actor, alert, AuditAction.HANDLE, perm.can_handle_alert,
                        {"status": Status.HANDLED, "handled_at": timezone.now(),
                         "handled_by": actor, "feedback": feedback.strip()})
    for f in files or []:
        attachment = AlertAttachment.objects.create(alert=alert, file=f, name=f.name[:200],
                                                    size=f.size, uploaded_by=actor)
        record(actor, AuditAction.ATTACH, alert, None, {"attachment": attachment.name})
    notify(title=_("Handled, please verify: %(title)s") % {"title": alert.title},
           i18n=_title_i18n("Handled, please verify: %(title)s", alert),
           body=feedback, link=_link(alert), users=list(_dispatchers()))
    return alert


@transaction.atomic
def close(actor: User, alert: Alert, *, note: str = "") -> Alert:
    return _transition(actor, alert, AuditAction.CLOSE, perm.can_close_alert,
                       {"status": Status.CLOSED, "closed_at": timezone.now(),
                        "closed_by": actor}, note)


@transaction.atomic
def reopen(actor: User, alert: Alert, *, reason: str) -> Alert:
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("Say why the alert is reopened.")})
    # A reopened alert goes back to whoever was handling it.
    alert = _transition(actor, alert, AuditAction.REOPEN, perm.can_reopen_alert,
                        {"status": Status.ASSIGNED, "closed_at": None, "closed_by": None,
                         "handled_at": None, "handled_by": None}, reason.strip())
    assignees = [alert.assignee_user] if alert.assignee_user else list(
        _unit_staff(alert.assignee_unit))
    notify(title=_("Reopened: %(title)s") % {"title": alert.title},
           i18n=_title_i18n("Reopened: %(title)s", alert), body=reason,
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
            record("system", AuditAction.ESCALATE, alert, before, snapshot(alert),
                   reason=_("time limit exceeded"))
            leader = alert.unit.leader if alert.unit and alert.unit.leader_id else None
            leaders = [leader] if leader else list(
                User.objects.filter(is_active=True, role=Role.LEADER))
            notify(title=_("Overdue: %(title)s") % {"title": alert.title},
                   i18n=_title_i18n("Overdue: %(title)s", alert),
                   body=_("This alert has passed its time limit."), link=_link(alert),
                   users=leaders)
            count += 1
    return count
