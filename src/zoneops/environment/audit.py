"""The actions the environment module records in the audit trail, with their labels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy


class EnvironmentAction(models.TextChoices):
    MAINTENANCE_CREATE = "environment.maintenance.create", pgettext_lazy(
        "audit action", "Maintenance window set")
    MAINTENANCE_UPDATE = "environment.maintenance.update", pgettext_lazy(
        "audit action", "Maintenance window changed")
    MAINTENANCE_END = "environment.maintenance.end", pgettext_lazy(
        "audit action", "Maintenance window ended")
