"""The audit trail: append-only. Database triggers refuse UPDATE and DELETE (migration 0002)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# What each recorded action is called on screen; unknown actions show as recorded.
ACTION_LABELS = {
    "create": pgettext_lazy("audit action", "Created"),
    "update": pgettext_lazy("audit action", "Changed"),
    "delete": pgettext_lazy("audit action", "Deleted"),
    "raise": pgettext_lazy("audit action", "Raised"),
    "acknowledge": pgettext_lazy("audit action", "Acknowledged"),
    "assign": pgettext_lazy("audit action", "Assigned"),
    "handle": pgettext_lazy("audit action", "Handled"),
    "attach": pgettext_lazy("audit action", "Attachment added"),
    "close": pgettext_lazy("audit action", "Closed"),
    "reopen": pgettext_lazy("audit action", "Reopened"),
    "escalate": pgettext_lazy("audit action", "Escalated (overdue)"),
    "escalate level": pgettext_lazy("audit action", "Level raised"),
    "cause cleared": pgettext_lazy("audit action", "Cause cleared"),
    "revoke": pgettext_lazy("audit action", "Revoked"),
}

# Recorded keys that are not model fields.
EXTRA_FIELD_LABELS = {"aliases": _("Aliases"), "attachment": _("Attachment")}


class AuditEntry(models.Model):
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    # No foreign-key constraint: deleting a person must not need to touch their history.
    actor = models.ForeignKey("core.User", null=True, on_delete=models.DO_NOTHING,
                              db_constraint=False, related_name="+", verbose_name=_("by"))
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=40)
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
            if before.get(key) == after.get(key):
                continue
            label = EXTRA_FIELD_LABELS.get(key, key)
            if model is not None and key not in EXTRA_FIELD_LABELS:
                try:
                    # Reverse relations have no verbose_name: keep the recorded key for them.
                    label = getattr(model._meta.get_field(key), "verbose_name", key)
                except FieldDoesNotExist:
                    pass
            rows.append((str(label), before.get(key), after.get(key)))
        return rows
