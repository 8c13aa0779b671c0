"""The tracer's monthly hit rate on the dashboard (for the read-all roles)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from zoneops.core import permissions as core

from . import selectors
from .models import OdourReport


def dashboard_panel(request: HttpRequest) -> dict[str, Any] | None:
    if not core.reads_all(request.user):
        return None
    return {"template": "tracing/_panel.html", "months": selectors.hit_rate_by_month(),
            "odour_new": selectors.odour_queue(OdourReport.Status.NEW).count()}
