"""The actions the environment module records in the audit trail with its own enum (the
older ones it records are core's AuditAction values), with their labels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy


class EnvironmentAction(models.TextChoices):
    # A logger's MN (or an address) reached a failed-password limit at the HJ 212 gateway.
    GATEWAY_THROTTLED = "environment.gateway throttled", pgettext_lazy(
        "audit action", "Gateway password guessing slowed down")
    MAINTENANCE_CREATE = "environment.maintenance.create", pgettext_lazy(
        "audit action", "Maintenance window set")
    MAINTENANCE_UPDATE = "environment.maintenance.update", pgettext_lazy(
        "audit action", "Maintenance window changed")
    MAINTENANCE_END = "environment.maintenance.end", pgettext_lazy(
        "audit action", "Maintenance window ended")
