"""Indicator pages: the claim checker (thin: the work is in claims.py)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone

from . import permissions, selectors
from .claims import TOLERANCE_PP, check_text
from .forms import ClaimCheckForm


def claims(request: HttpRequest) -> HttpResponse:
    if not permissions.can_check_claims(request.user):
        raise PermissionDenied
    found = None
    if request.method == "POST":
        form = ClaimCheckForm(request.POST)
        if form.is_valid():
            found = check_text(form.cleaned_data["text"])
    else:
        form = ClaimCheckForm()
    return render(request, "indicators/claims.html", {
        "form": form, "claims": found, "tolerance": TOLERANCE_PP,
        "wrong": None if found is None else sum(not c.consistent for c in found),
    })


def overview(request: HttpRequest) -> HttpResponse:
    """The catalogue with each indicator's latest value of a year and its checks."""
    if not permissions.can_view_indicators(request.user):
        raise PermissionDenied
    this_year = timezone.localdate().year  # Beijing time (settings.TIME_ZONE)
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        return HttpResponseBadRequest("year: not a year")
    if not 2000 <= year <= 2100:
        return HttpResponseBadRequest("year: out of 2000–2100")
    return render(request, "indicators/overview.html", {
        "rows": selectors.overview(request.user, year), "year": year,
    })
