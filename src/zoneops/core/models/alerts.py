"""The shared alert loop (预警→处置→闭环). Modules own the cause; core owns the disposal."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    BLUE = 1, _("Blue")
    YELLOW = 2, _("Yellow")
    ORANGE = 3, _("Orange")
    RED = 4, _("Red")


class Status(models.TextChoices):
    RAISED = "raised", _("Raised")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ASSIGNED = "assigned", _("Assigned")
    HANDLED = "handled", _("Handled")
    CLOSED = "closed", _("Closed")


# Modules that raise alerts, as people call them. A module registers its label here.
MODULE_LABELS = {
    "core": _("Platform"),
    "supervision": _("Three-list supervision"),
    "environment": _("Environmental monitoring"),
    "voting": _("Public voting"),
    "water": _("Wastewater chain"),
}

OPEN_STATUSES = [Status.RAISED, Status.ACKNOWLEDGED, Status.ASSIGNED, Status.HANDLED]


def level_spec(level: int) -> dict[str, Any]:
    """A level's name, translated when shown."""
    return choice_spec(Level(level).label)


def choice_spec(label: Any) -> dict[str, Any]:
    """A choice's lazy label (``Light.RED.label``; not ``get_x_display()``, already a text)
    translated when shown: its message id is the label read with no language active."""
    with translation.override(None):
        return i18n_spec(str(label))


def text_spec(data: Any, part: str, text: str) -> Any:
    """An alert's title or detail as a spec parameter: its own spec if it has one, else the
    text as stored."""
    spec = data.get("i18n", {}).get(part) if isinstance(data, dict) else None
    return spec or text


def i18n_spec(msgid: str, **params: Any) -> dict[str, Any]:
    """A text to translate when shown: its message id (the English text) and parameters. A
    parameter may itself be a spec, or {"zh-hans": ..., "en": ...} for names kept in both
    languages as data (a factor's name)."""
    return {"msgid": msgid, "params": params}


def render_spec(spec: Any) -> str:
    if isinstance(spec, dict) and "msgid" in spec:
        params = {k: render_spec(v) for k, v in (spec.get("params") or {}).items()}
        text = gettext(spec["msgid"]) if spec["msgid"] else ""  # gettext("") is the header
        return text % params if params else text
    if isinstance(spec, dict):  # names in both languages
        language = (get_language() or "zh-hans").lower()
        return str(spec.get(language) or spec.get(language.split("-")[0])
                   or spec.get("zh-hans") or next(iter(spec.values()), ""))
    return "" if spec is None else str(spec)


def shown(data: Any, part: str, fallback: str) -> str:
    spec = data.get("i18n", {}).get(part) if isinstance(data, dict) else None
    if not spec:
        return fallback
    try:
        return render_spec(spec)
    except (KeyError, TypeError, ValueError):  # a spec written by an older release
        return fallback


class AlertPolicy(models.Model):
    """Time limits per level: data a deployment edits, not constants in code."""

    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, unique=True)
    acknowledge_minutes = models.PositiveIntegerField(_("minutes to acknowledge"))
    resolve_minutes = models.PositiveIntegerField(_("minutes to handle"))

    class Meta:
        ordering = ["level"]
        verbose_name = _("alert time limit")
        verbose_name_plural = _("alert time limits")

    def __str__(self) -> str:
        return str(self.get_level_display())


class Alert(models.Model):
    Level = Level
    Status = Status
    # The audit trail records people's and modules' decisions, not the readings and wind a
    # module attaches as context (they stay on the alert itself).
    audit_skipped_fields = ("data",)

    module = models.CharField(_("module"), max_length=30)
    # Identifies the cause inside its module, so raising twice while open updates one alert.
    key = models.CharField(_("key"), max_length=200, blank=True)
    source_type = models.ForeignKey(ContentType, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    source_id = models.CharField(max_length=64, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    title = models.CharField(_("title"), max_length=200)
    detail = models.TextField(_("detail"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.RAISED, db_index=True)
    unit = models.ForeignKey("core.Unit", verbose_name=_("responsible unit"), null=True,
                             blank=True, on_delete=models.PROTECT, related_name="alerts")
    enterprise = models.ForeignKey("core.Enterprise", verbose_name=_("enterprise"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="alerts")
    assignee_unit = models.ForeignKey("core.Unit", verbose_name=_("assigned unit"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="+")
    assignee_user = models.ForeignKey("core.User", verbose_name=_("assigned person"),
                                      null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="assigned_alerts")
    assignee_enterprise = models.ForeignKey("core.Enterprise",
                                            verbose_name=_("assigned enterprise"), null=True,
                                            blank=True, on_delete=models.PROTECT,
                                            related_name="assigned_alerts")
    # Every enterprise the cause concerns besides ``enterprise`` (an incident that reached the
    # fence-line monitors of several enterprises): their contacts see the alert too.
    concerned_enterprises = models.ManyToManyField(
        "core.Enterprise", verbose_name=_("enterprises concerned"), blank=True,
        related_name="concerning_alerts")
    feedback = models.TextField(_("handling feedback"), blank=True)
    # Who handled it and who verified and closed it: never the same person.
    handled_by = models.ForeignKey("core.User", verbose_name=_("handled by"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    closed_by = models.ForeignKey("core.User", verbose_name=_("closed by"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(_("raised at"), db_index=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    acknowledge_due_at = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    resolve_due_at = models.DateTimeField(_("handle by"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    cause_cleared_at = models.DateTimeField(_("cause cleared at"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            # At most one open alert per cause: two processes raising the same cause collide here.
            models.UniqueConstraint(
                fields=["module", "key"],
                condition=~Q(status="closed") & ~Q(key=""),
                name="one_open_alert_per_cause",
            ),
        ]
        indexes = [models.Index(fields=["status", "resolve_due_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        """The title in the reader's language: a module that stores the title's message id and
        parameters (``data["i18n"]["title"]``) has it translated now, not when it was raised
        (the gateway raises in the platform's language, people read in their own)."""
        return shown(self.data, "title", self.title)

    @property
    def display_detail(self) -> str:
        return shown(self.data, "detail", self.detail)

    @property
    def module_label(self) -> str:
        return str(MODULE_LABELS.get(self.module, self.module))

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED


class AlertAttachment(models.Model):
    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to="alerts/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey("core.User", null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name
