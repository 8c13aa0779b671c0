"""Where modules plug into the shared shell: navigation entries, dashboard panels, the
labels of their audit actions and the jobs the worker runs each cycle.

Each module registers in its AppConfig.ready(), so core never imports a module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import permissions as perm
from .models import audit as audit_models


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: Any  # a lazy translation
    visible: Callable[[Any], bool]
    order: int


NAV_ITEMS: list[NavItem] = [
    NavItem("home", _("Dashboard"), lambda u: True, 0),
    NavItem("alert-list", _("Alerts"), lambda u: True, 10),
    NavItem("map", _("Map"), perm.is_internal, 20),
    NavItem("unit-list", _("Units"), perm.is_internal, 80),
    NavItem("enterprise-list", _("Enterprises"), lambda u: perm.role_of(u) is not None, 81),
    NavItem("user-list", _("People"), perm.can_manage_registry, 90),
    NavItem("audit-list", _("Audit trail"), perm.is_admin, 91),
]

# A panel is a function of the request returning None (nothing to show for this person) or a
# dict with "template" and whatever that template needs.
DashboardPanel = Callable[[HttpRequest], dict[str, Any] | None]
DASHBOARD_PANELS: list[DashboardPanel] = []

# A worker job is a function of no arguments the worker calls every cycle (after sending
# notifications and escalating); it returns how much it did. It must never run in the gateway.
WorkerJob = Callable[[], int]
WORKER_JOBS: list[WorkerJob] = []


# An alert panel is a function of the request and an alert returning None (nothing to add) or a
# dict with "template" and what it needs: a module draws its own part of the alert page (the
# readings and wind of an air alarm) without core knowing the module.
AlertPanel = Callable[[HttpRequest, Any], dict[str, Any] | None]
ALERT_PANELS: list[AlertPanel] = []


def add_alert_panel(panel: AlertPanel) -> None:
    if panel not in ALERT_PANELS:
        ALERT_PANELS.append(panel)


def add_nav(url_name: str, label: Any, visible: Callable[[Any], bool], order: int) -> None:
    if all(item.url_name != url_name for item in NAV_ITEMS):
        NAV_ITEMS.append(NavItem(url_name, label, visible, order))
        NAV_ITEMS.sort(key=lambda item: item.order)


def add_dashboard_panel(panel: DashboardPanel) -> None:
    if panel not in DASHBOARD_PANELS:
        DASHBOARD_PANELS.append(panel)


def add_worker_job(job: WorkerJob) -> None:
    if job not in WORKER_JOBS:
        WORKER_JOBS.append(job)


def add_audit_actions(actions: type[models.TextChoices]) -> None:
    """A module's audit actions (a TextChoices of value and lazy label): their labels show on
    every history and on the audit page. A value another enum already labels differently is
    a mistake, caught at start-up."""
    for value, label in actions.choices:
        known = audit_models.ACTION_LABELS.get(value)
        if known is not None and str(known) != str(label):
            raise ValueError(f"audit action {value!r} is already labelled {known!r}")
        audit_models.ACTION_LABELS[value] = label

