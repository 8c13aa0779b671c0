"""The read-only holdings page (thin: balances come from selectors)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone

from . import selectors


@login_required
def holdings(request: HttpRequest) -> HttpResponse:
    """Every account a user may read with its balance on ?on= (default today, Beijing time):
    internal roles see all, an enterprise contact its own enterprise's accounts."""
    try:
        on = dt.date.fromisoformat(request.GET["on"]) if "on" in request.GET else (
            timezone.localdate())
    except ValueError:
        return HttpResponseBadRequest("on: not a date (YYYY-MM-DD)")
    return render(request, "rights/holdings.html", {
        "rows": selectors.holdings(request.user, on), "on": on,
    })
