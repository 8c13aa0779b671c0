"""The office's recording pages, transfer requests between enterprises and the annual
report (thin: reads from selectors, writes through services)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from zoneops.core import permissions as perm
from zoneops.core.models import Role
from zoneops.core.views import apply_errors

from . import forms_moves as forms
from . import moves_selectors, report, services
from .models_moves import TransferRequest
from .permissions import can_write_ledger

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# operation (URL) -> its title; "cap" sets the total cap, the others record a movement.
OPERATIONS = {
    "verification": gettext_lazy("Initial verification (核定) from the permit"),
    "sale": gettext_lazy("Sale from the reserve"),
    "recall": gettext_lazy("Recall into the reserve"),
    "buyback": gettext_lazy("Buy-back into the reserve"),
    "expiry": gettext_lazy("Early expiry back to the reserve"),
    "cap": gettext_lazy("Total cap of a pollutant"),
}


def _writer(request: HttpRequest) -> None:
    if not can_write_ledger(request.user):
        raise PermissionDenied


@login_required
@require_GET
def record_index(request: HttpRequest) -> HttpResponse:
    _writer(request)
    return render(request, "rights/record.html", {"operations": OPERATIONS.items()})


@login_required
def record(request: HttpRequest, operation: str) -> HttpResponse:
    _writer(request)
    if operation not in OPERATIONS:
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = (forms.CapForm(data) if operation == "cap"
            else forms.MovementForm(data, operation=operation))
    if request.method == "POST" and form.is_valid():
        try:
            if operation == "cap":
                services.set_cap(actor=request.user, **form.cleaned_data)
            else:
                movement = services.record_movement(request.user, operation,
                                                    form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if operation == "cap":
                messages.success(request, _("Cap saved."))
            else:
                messages.success(request, _("Movement %(number)s recorded.")
                                 % {"number": movement.pk})
            return redirect("rights-ledger" if operation != "cap" else "rights-record")
    return render(request, "core/form.html", {
        "form": form, "title": OPERATIONS[operation], "cancel": reverse("rights-record")})


# --- transfer requests ------------------------------------------------------------------------

def _requests(request: HttpRequest):
    if not moves_selectors.can_view_requests(request.user):
        raise PermissionDenied
    return moves_selectors.requests_for(request.user)


@login_required
@require_GET
def requests(request: HttpRequest) -> HttpResponse:
    rows = _requests(request)
    return render(request, "rights/requests.html", {
        "rows": rows, "can_file": perm.role_of(request.user) == Role.ENTERPRISE})


@login_required
def request_new(request: HttpRequest) -> HttpResponse:
    if perm.role_of(request.user) != Role.ENTERPRISE or request.user.enterprise_id is None:
        raise PermissionDenied
    form = forms.RequestForm(request.POST or None, seller_id=request.user.enterprise_id)
    if request.method == "POST" and form.is_valid():
        try:
            filed = services.file_request(request.user, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Transfer request filed: the buyer confirms next."))
            return redirect("rights-request", pk=filed.pk)
    return render(request, "core/form.html", {
        "form": form, "title": _("New transfer request"), "cancel": reverse("rights-requests")})


def _request(request: HttpRequest, pk: int) -> TransferRequest:
    return get_object_or_404(_requests(request), pk=pk)


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _request(request, pk)
    user = request.user
    return render(request, "rights/request.html", {
        "r": transfer,
        "can_answer": (transfer.status == TransferRequest.Status.AWAITING_BUYER
                       and perm.role_of(user) == Role.ENTERPRISE
                       and user.enterprise_id == transfer.buyer_id),
        "can_decide": can_write_ledger(user) and transfer.open,
        "can_withdraw": (transfer.open and perm.role_of(user) == Role.ENTERPRISE
                         and user.enterprise_id == transfer.seller_id),
        "can_approve": (can_write_ledger(user)
                        and transfer.status == TransferRequest.Status.AWAITING_OFFICE),
        "reason_form": forms.ReasonForm(), "approve_form": forms.ApproveForm(),
    })


def _after(request: HttpRequest, transfer: TransferRequest, action, success: str,
           **kwargs) -> HttpResponse:
    try:
        action(request.user, transfer, **kwargs)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("rights-request", pk=transfer.pk)


@login_required
@require_POST
def request_answer(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _request(request, pk)
    if perm.role_of(request.user) != Role.ENTERPRISE or (
            request.user.enterprise_id != transfer.buyer_id):
        raise PermissionDenied
    agree = request.POST.get("agree") == "yes"
    return _after(request, transfer, services.answer,
                  _("Confirmed: the office approves next.") if agree else _("Declined."),
                  agree=agree, reason=request.POST.get("reason", ""))


@login_required
@require_POST
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _request(request, pk)
    if perm.role_of(request.user) != Role.ENTERPRISE or (
            request.user.enterprise_id != transfer.seller_id):
        raise PermissionDenied
    return _after(request, transfer, services.withdraw, _("Withdrawn."))


@login_required
@require_POST
def request_approve(request: HttpRequest, pk: int) -> HttpResponse:
    _writer(request)
    transfer = _request(request, pk)
    return _after(request, transfer, services.approve,
                  _("Approved: the transfer is in the ledger."),
                  legal_basis=request.POST.get("legal_basis", ""))


@login_required
@require_POST
def request_reject(request: HttpRequest, pk: int) -> HttpResponse:
    _writer(request)
    transfer = _request(request, pk)
    return _after(request, transfer, services.reject, _("Rejected."),
                  reason=request.POST.get("reason", ""))


# --- the annual report --------------------------------------------------------------------------

def _report(request: HttpRequest) -> report.AnnualReport | HttpResponse:
    if not perm.is_internal(request.user):
        raise PermissionDenied
    text = request.GET.get("year") or str(timezone.localdate().year)
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        return HttpResponseBadRequest(_("year: give a year such as 2026."))
    return report.build(int(text))


@login_required
@require_GET
def annual_report(request: HttpRequest) -> HttpResponse:
    built = _report(request)
    if isinstance(built, HttpResponse):
        return built
    return render(request, "rights/report.html", {"report": built})


@login_required
@require_GET
def annual_report_file(request: HttpRequest, ext: str) -> HttpResponse:
    built = _report(request)
    if isinstance(built, HttpResponse):
        return built
    body, kind = (report.xlsx(built), XLSX) if ext == "xlsx" else (report.docx(built), DOCX)
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = (
        f'attachment; filename="rights-report-{built.year}.{ext}"')
    return response
