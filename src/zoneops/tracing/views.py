"""Staff pages of source tracing: release points, trace requests, suspect decisions, the
odour queue and the live watch's data. Thin: the services decide and write."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zoneops.core import permissions as core
from zoneops.core import userfiles
from zoneops.core.models import Enterprise
from zoneops.voting.photos import media_type

from . import permissions as perm
from . import selectors, services
from .forms import PointForm, ReviewForm
from .models import OdourReport, ReleasePoint, Suspect


def _errors_to_form(form, exc: ValidationError) -> None:
    for field, messages_ in (exc.message_dict if hasattr(exc, "error_dict")
                             else {None: exc.messages}).items():
        form.add_error(field if field in form.fields else None, messages_)


def point_list(request: HttpRequest) -> HttpResponse:
    if core.role_of(request.user) is None:
        raise PermissionDenied
    return render(request, "tracing/point_list.html",
                  {"points": selectors.points_for(request.user)})


def _point_form(request: HttpRequest, enterprise: Enterprise, point: ReleasePoint | None
                ) -> HttpResponse:
    form = PointForm(request.POST) if request.method == "POST" else (
        PointForm.of(point) if point else PointForm())
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if point is None:
                services.create_point(request.user, enterprise=enterprise, data=data)
            else:
                services.update_point(request.user, point, data=data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("enterprise-detail", enterprise.pk)
    return render(request, "tracing/point_form.html",
                  {"form": form, "enterprise": enterprise, "point": point}, status=200)


def point_new(request: HttpRequest, enterprise_pk: int) -> HttpResponse:
    enterprise = core.ENTERPRISES.get(request.user, pk=enterprise_pk)
    if not perm.can_add_point(request.user, enterprise):
        raise PermissionDenied
    return _point_form(request, enterprise, None)


def point_edit(request: HttpRequest, pk: int) -> HttpResponse:
    point = perm.POINTS.get(request.user, pk=pk,
                            queryset=ReleasePoint.objects.select_related("enterprise"))
    if not perm.POINTS.allows(request.user, point, "change"):
        raise PermissionDenied
    return _point_form(request, point.enterprise, point)


def _alert(request: HttpRequest, pk: int):
    return core.ALERTS.get(request.user, pk=pk)


@require_POST
def request_trace(request: HttpRequest, alert_pk: int) -> HttpResponse:
    alert = _alert(request, alert_pk)
    if not perm.can_request_trace(request.user, alert):
        raise PermissionDenied
    try:
        services.request_trace(request.user, alert)
    except ValidationError as exc:
        if request.headers.get("Accept") == "application/json":
            return JsonResponse({"errors": exc.message_dict}, status=422)
        messages.error(request, " ".join(exc.messages))
    else:
        if request.headers.get("Accept") == "application/json":
            return JsonResponse({"ok": True})
        messages.success(request, _("Trace requested: the worker runs it within a minute."))
    return redirect("alert-detail", alert.pk)


@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    suspect = get_object_or_404(Suspect.objects.select_related("trace__alert"), pk=pk)
    alert = suspect.trace.alert
    if not core.ALERTS.allows(request.user, alert, "view"):
        raise Http404
    if not perm.can_decide(request.user, alert):
        raise PermissionDenied
    try:
        services.decide(request.user, suspect, decision=request.POST.get("decision", ""),
                        note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(reverse("alert-detail", args=[alert.pk]) + "#suspects")


def live(request: HttpRequest) -> JsonResponse:
    if core.role_of(request.user) is None:
        raise PermissionDenied
    return JsonResponse({"traces": selectors.live(request.user),
                         "can_request": core.is_dispatcher(request.user)})


def odour_queue(request: HttpRequest) -> HttpResponse:
    if not perm.can_view_odour(request.user):
        raise PermissionDenied
    status = request.GET.get("status", OdourReport.Status.NEW)
    if status not in OdourReport.Status.values and status != "all":
        status = OdourReport.Status.NEW
    reports = selectors.odour_queue(None if status == "all" else status)[:200]
    return render(request, "tracing/odour_queue.html", {
        "reports": reports, "status": status, "statuses": OdourReport.Status.choices,
        "points": [{"lat": r.latitude, "lon": r.longitude, "code": r.code,
                    "intensity": r.intensity, "cluster": r.cluster_id} for r in reports]})


def odour_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not perm.can_view_odour(request.user):
        raise PermissionDenied
    report = get_object_or_404(OdourReport, pk=pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST":
        if not perm.can_review_odour(request.user):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.review_odour(request.user, report, **form.cleaned_data)
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("tracing-odour-queue")
    return render(request, "tracing/odour_detail.html", {
        "report": report, "form": form, "can_review": perm.can_review_odour(request.user),
        "folded": report.folded.all()})


def odour_photo(request: HttpRequest, pk: int) -> HttpResponse:
    if not perm.can_view_odour(request.user):
        raise PermissionDenied
    report = get_object_or_404(OdourReport, pk=pk)
    if not report.photo:
        raise Http404
    handle = report.photo.open("rb")
    kind = media_type(handle.read(16))
    handle.seek(0)
    if kind is None:
        raise Http404
    return userfiles.protect(FileResponse(handle), content_type=kind, disposition="inline")
