"""The holdings page and the bidding market (thin: reads from selectors, writes through
services)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zoneops.core.models import Role
from zoneops.core.permissions import is_internal, role_of
from zoneops.core.views import apply_errors

from . import documents, forms, selectors, services
from .permissions import can_write_ledger

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
        "perms_rights": {"write": can_write_ledger(request.user),
                         "internal": is_internal(request.user)},
    })


def _market(request: HttpRequest) -> None:
    if not selectors.can_view_market(request.user):
        raise PermissionDenied


def _lot(request: HttpRequest, pk: int):
    _market(request)
    return get_object_or_404(selectors.lots_for(request.user), pk=pk)


@login_required
def market(request: HttpRequest) -> HttpResponse:
    _market(request)
    now = timezone.now()
    lots = list(selectors.lots_for(request.user))
    rows = [(lot, selectors.lot_state(request.user, lot, now)) for lot in lots]
    return render(request, "rights/market.html", {
        "rows": rows, "can_create": can_write_ledger(request.user)})


@login_required
def lot_new(request: HttpRequest) -> HttpResponse:
    if not can_write_ledger(request.user):
        raise PermissionDenied
    form = forms.LotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lot = services.create_lot(request.user, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Lot %(number)s created.") % {"number": lot.number})
            return redirect("rights-lot", pk=lot.pk)
    return render(request, "core/form.html", {
        "form": form, "title": _("New bidding lot"), "cancel": reverse("rights-market")})


@login_required
def lot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lot = _lot(request, pk)
    state = selectors.lot_state(request.user, lot, timezone.now())
    return render(request, "rights/lot.html", {
        "lot": lot, "state": state, "history": selectors.bid_history(request.user, lot),
        "bid_form": forms.BidForm(initial={"price": state.low}),
        "deposit_form": forms.DepositForm() if can_write_ledger(request.user) else None,
        "deposits": lot.deposits.select_related("enterprise") if can_write_ledger(
            request.user) else (),
        "can_bid": role_of(request.user) == Role.ENTERPRISE and state.phase == "open",
    })


@login_required
def lot_price(request: HttpRequest, pk: int) -> JsonResponse:
    """The live price the lot page polls."""
    lot = _lot(request, pk)
    s = selectors.lot_state(request.user, lot, timezone.now())
    return JsonResponse({
        "leading": None if s.leading is None else str(s.leading), "bids": s.bids,
        "low": str(s.low), "high": None if s.high is None else str(s.high),
        "closes_at": timezone.localtime(s.closes_at).strftime("%Y-%m-%d %H:%M:%S"),
        "phase": s.phase, "leader_is_me": s.leader_is_me})


@login_required
@require_POST
def lot_bid(request: HttpRequest, pk: int) -> HttpResponse:
    lot = _lot(request, pk)
    form = forms.BidForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("rights-lot", pk=lot.pk)
    try:
        bid = services.place_bid(request.user, lot, price=form.cleaned_data["price"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Your bid of %(price)s yuan is the highest.")
                         % {"price": bid.price})
    return redirect("rights-lot", pk=lot.pk)


@login_required
@require_POST
def lot_deposit(request: HttpRequest, pk: int) -> HttpResponse:
    lot = _lot(request, pk)
    if not can_write_ledger(request.user):
        raise PermissionDenied
    form = forms.DepositForm(request.POST)
    if form.is_valid():
        try:
            services.record_deposit(request.user, lot, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Deposit recorded."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("rights-lot", pk=lot.pk)


# --- certificates ---------------------------------------------------------------------------

@login_required
@require_GET
def certificates(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = [(c, c.status(today)) for c in selectors.certificates_for(request.user)]
    return render(request, "rights/certificates.html", {"rows": rows})


def _certificate(request: HttpRequest, pk: int):
    return get_object_or_404(selectors.certificates_for(request.user), pk=pk)


@login_required
@require_GET
def certificate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The certificate as a page to print (the .docx has the same fields)."""
    certificate = _certificate(request, pk)
    return render(request, "rights/certificate.html", {
        "certificate": certificate, "fields": documents.certificate_fields(certificate),
        "status": certificate.status(timezone.localdate()),
        "check_url": request.build_absolute_uri(reverse("rights-check"))})


@login_required
@require_GET
def certificate_docx(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = _certificate(request, pk)
    body = documents.certificate_docx(
        certificate, request.build_absolute_uri(reverse("rights-check")))
    response = HttpResponse(body, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.docx"'
    return response


@require_GET
def check(request: HttpRequest) -> HttpResponse:
    """The public check (no login, no session): a certificate's number and verification code
    → whether it is valid today, expired, not yet valid or superseded."""
    number, code = request.GET.get("number", "")[:40], request.GET.get("code", "")[:40]
    asked = bool(number or code)
    certificate = selectors.check_certificate(number, code) if number and code else None
    return render(request, "rights/check.html", {
        "number": number, "asked": asked, "certificate": certificate,
        "fields": documents.certificate_fields(certificate)[:7] if certificate else (),
        "status": certificate.status(timezone.localdate()) if certificate else None})


# --- the ledger -----------------------------------------------------------------------------

@login_required
@require_GET
def ledger(request: HttpRequest) -> HttpResponse:
    return render(request, "rights/ledger.html", {
        "movements": list(selectors.movements_for(request.user))[::-1]})


@login_required
@require_GET
def ledger_export(request: HttpRequest) -> HttpResponse:
    body = documents.ledger_xlsx(selectors.movements_for(request.user))
    response = HttpResponse(body, content_type=XLSX)
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="rights-ledger-{stamp}.xlsx"'
    return response


# --- measured discharge ---------------------------------------------------------------------

@login_required
@require_GET
def discharge(request: HttpRequest) -> HttpResponse:
    """Year-to-date measured load against the holding, per enterprise and pollutant."""
    from . import discharge as measured

    return render(request, "rights/discharge.html", {
        "rows": measured.usage_for(request.user), "warn": int(measured.WARN_SHARE * 100),
        "year": timezone.localdate().year})
