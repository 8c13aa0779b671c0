"""The actions source tracing records in the audit trail, with their labels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy


class TracingAction(models.TextChoices):
    POINT_CREATE = "tracing.point create", pgettext_lazy("audit action", "Release point added")
    POINT_UPDATE = "tracing.point update", pgettext_lazy("audit action",
                                                         "Release point changed")
    TRACE_REQUEST = "tracing.request", pgettext_lazy("audit action", "Source trace requested")
    SUSPECT_CONFIRM = "tracing.confirm", pgettext_lazy("audit action", "Suspect confirmed")
    SUSPECT_REJECT = "tracing.reject", pgettext_lazy("audit action", "Suspect rejected")
    ODOUR_REVIEW = "tracing.odour review", pgettext_lazy("audit action",
                                                         "Odour report reviewed")
