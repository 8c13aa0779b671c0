"""The audit trail: append-only. Database triggers refuse UPDATE and DELETE (migration 0002)."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditAction(models.TextChoices):
    """The actions the audit trail records, each with its label (zh-hans from the catalogue).
    The stored value is the text the trail has always held. A module declares its own actions
    the same way (e.g. `supervision.audit.SupervisionAction`) and registers them with
    `core.registry.add_audit_actions`; services pass members, never free text."""

    CREATE = "create", pgettext_lazy("audit action", "Created")
    UPDATE = "update", pgettext_lazy("audit action", "Changed")
    DELETE = "delete", pgettext_lazy("audit action", "Deleted")
    ATTACH = "attach", pgettext_lazy("audit action", "Attachment added")
    REVOKE = "revoke", pgettext_lazy("audit action", "Revoked")
    CHANGE_OWN_PASSWORD = "change own password", pgettext_lazy("audit action",
                                                               "Changed own password")
    # Sign-ins and refusals (core.auth).
    LOGIN = "login", pgettext_lazy("audit action", "Signed in")
    LOGIN_FAILED = "login failed", pgettext_lazy("audit action", "Sign-in failed")
    DENIED = "denied", pgettext_lazy("audit action", "Access denied")
    # The alert loop.
    RAISE = "raise", pgettext_lazy("audit action", "Raised")
    ACKNOWLEDGE = "acknowledge", pgettext_lazy("audit action", "Acknowledged")
    ASSIGN = "assign", pgettext_lazy("audit action", "Assigned")
    HANDLE = "handle", pgettext_lazy("audit action", "Handled")
    CLOSE = "close", pgettext_lazy("audit action", "Closed")
    REOPEN = "reopen", pgettext_lazy("audit action", "Reopened")
    ESCALATE = "escalate", pgettext_lazy("audit action", "Escalated (overdue)")
    ESCALATE_LEVEL = "escalate level", pgettext_lazy("audit action", "Level raised")
    CAUSE_CLEARED = "cause cleared", pgettext_lazy("audit action", "Cause cleared")
    # Recorded today by the environment and hazards services (which pass these same values);
    # each module may move its own into an enum of its own, as voting has.
    SET_FACTORS = "set factors", pgettext_lazy("audit action", "Factors set")
    SET_FACTOR_UNITS = "set factor units", pgettext_lazy("audit action", "Factor units set")
    ASSESS = "assess", pgettext_lazy("audit action", "Hazard assessed")


# What each recorded action is called on screen (every registered enum adds its own); an
# action recorded before it had a label shows as recorded.
ACTION_LABELS: dict[str, Any] = dict(AuditAction.choices)

# Recorded keys that are not model fields (and model fields named only by their key).
EXTRA_FIELD_LABELS = {
    "aliases": _("Aliases"), "attachment": _("Attachment"),
    "created_at": _("Created at"), "updated_at": _("Updated at"),
    "level": _("Level"), "text": _("Text"), "number": _("Number"), "year": _("Year"),
    "issued_on": _("Issued on"), "households": _("Households"),
    "communities": _("Communities"), "candidates": _("Candidates"), "rows": _("Rows"),
    "items": _("Items"), "units_created": _("Units created"), "nodes": _("Nodes"),
    "choices": _("Choices"), "cause_cleared_at": _("Cause cleared at"),
    "notice": _("Notice number"),
    "residents": _("residents"),
}
# Machine fields a person has no use for in a change list (keys, salts, cached inputs).
HIDDEN_FIELDS = {"id", "id_salt", "source_type", "source_id", "light_inputs", "digest",
                 "receipt_digest", "id_hash", "code_hash", "sort_code"}


def _choice_label(field: Any, value: Any) -> Any:
    """A stored choice value shown by its label ("assigned" → 已交办)."""
    choices = getattr(field, "flatchoices", None)
    if not choices or value is None or isinstance(value, (list, dict)):
        return value
    labels = dict(choices)
    return str(labels[value]) if value in labels else value


class AuditEntry(models.Model):
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    # No foreign-key constraint: deleting a person must not need to touch their history.
    actor = models.ForeignKey("core.User", null=True, on_delete=models.DO_NOTHING,
                              db_constraint=False, related_name="+", verbose_name=_("by"))
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=40)  # an AuditAction (or a module's)
    content_type = models.ForeignKey(ContentType, on_delete=models.DO_NOTHING,
                                     db_constraint=False, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries cannot be deleted")

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    def changed_fields(self) -> list[tuple[str, object, object]]:
        """(field label, before, after) for each field whose value changed."""
        before, after = self.before or {}, self.after or {}
        model = self.content_type.model_class() if self.content_type_id else None
        rows = []
        for key in sorted(set(before) | set(after)):
            if before.get(key) == after.get(key) or key in HIDDEN_FIELDS:
                continue
            label, field = EXTRA_FIELD_LABELS.get(key, key), None
            if model is not None:
                try:
                    field = model._meta.get_field(key)
                except FieldDoesNotExist:
                    pass
            # A field's own translated name; its default one ("updated at") is only its key.
            name = getattr(field, "verbose_name", None)
            if name and (key not in EXTRA_FIELD_LABELS or str(name) != key.replace("_", " ")):
                label = name
            rows.append((str(label), _choice_label(field, before.get(key)),
                         _choice_label(field, after.get(key))))
        return rows
