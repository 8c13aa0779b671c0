"""Indicator pages: the claim checker (thin: the work is in claims.py)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import permissions
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
