"""Indicator pages: the claim checker (thin: the work is in claims.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import permissions, review_views, selectors, services
from .claims import TOLERANCE_PP, check_text
from .forms import BureauImportForm, ClaimCheckForm, PeerImportForm, ValueForm
from .models import Indicator


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


def bureau_import(request: HttpRequest) -> HttpResponse:
    """The bureau's monthly sheet: checked first (the plan, its flags, what is skipped), then
    imported with the same file."""
    from zoneops.core.imports import ProblemsError

    from . import bureau_import as importer

    if not permissions.can_manage_catalogue(request.user):
        raise PermissionDenied
    form = BureauImportForm(request.POST or None, request.FILES or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = importer.parse(data["file"].read(), year=data["year"], month=data["month"])
        if "commit" in request.POST and not plan.problems:
            try:
                written = importer.commit(request.user, plan, source=data["file"].name)
            except (ProblemsError, ValidationError) as exc:
                messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(request, _("%(n)s values of %(year)s-%(month)02d written")
                                 % {"n": written, "year": plan.year, "month": plan.month})
                return redirect(f"{reverse('indicators-overview')}?year={plan.year}")
    return render(request, "indicators/import.html", {"form": form, "plan": plan})


def peer_import(request: HttpRequest) -> HttpResponse:
    """The peer zones' sheet: checked first (every problem by cell), then imported with the
    same file, all or nothing."""
    from zoneops.core.imports import ProblemsError

    from . import peers_import

    if not permissions.can_manage_catalogue(request.user):
        raise PermissionDenied
    form = PeerImportForm(request.POST or None, request.FILES or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        plan = peers_import.parse(form.cleaned_data["file"].read())
        if "commit" in request.POST and not plan.problems:
            try:
                written = peers_import.commit(request.user, plan)
            except (ProblemsError, ValidationError) as exc:
                messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(request, _("%(n)s peer zone values written") % {"n": written})
                return redirect(reverse("indicators-import-peers"))
    return render(request, "indicators/import_peers.html", {"form": form, "plan": plan})


def screen(request: HttpRequest) -> HttpResponse:
    """The leader's screen (1920×1080): a card per indicator (cumulative value, official
    rate, 时序进度), monthly trends against last year, and the open alerts; refreshes itself
    every five minutes, with nothing loaded from outside."""
    from zoneops.core import permissions as core_perm
    from zoneops.core import selectors as core_selectors
    from zoneops.core.models import Alert

    from .operations import operations

    if not permissions.can_view_indicators(request.user):
        raise PermissionDenied
    year = _year(request)
    if year is None:
        return HttpResponseBadRequest("year: not a year in 2000–2100")
    open_alerts = (core_perm.ALERTS.restrict(request.user, "view")
                   .exclude(status=Alert.Status.CLOSED).order_by("-level", "-raised_at"))
    ranks = selectors.peer_ranks(request.user, year)
    cards = [(row, ranks.get(row.indicator.pk)) for row in selectors.overview(request.user, year)]
    return render(request, "indicators/screen.html", {
        "cards": cards, "year": year,
        "trends": selectors.trends(request.user, year),
        "alerts": open_alerts[:8], "alert_count": open_alerts.count(),
        "places": core_selectors.places_geojson(),
        "alert_points": alert_points(open_alerts.select_related("enterprise")[:200]),
        "now": timezone.localtime(), "ops": operations(request.user, year),
    })


def alert_points(alerts) -> list[dict]:
    """Open alerts placed on the park map where their enterprise has coordinates."""
    return [{"lat": a.enterprise.latitude, "lon": a.enterprise.longitude, "level": a.level,
             "title": a.display_title} for a in alerts
            if a.enterprise_id and a.enterprise.latitude is not None
            and a.enterprise.longitude is not None]


def overview(request: HttpRequest) -> HttpResponse:
    """The catalogue with each indicator's latest value of a year and its checks."""
    if not permissions.can_view_indicators(request.user):
        raise PermissionDenied
    year = _year(request)
    if year is None:
        return HttpResponseBadRequest("year: not a year in 2000–2100")
    return render(request, "indicators/overview.html", {
        "rows": selectors.overview(request.user, year), "year": year,
        "can_import": permissions.can_manage_catalogue(request.user),
    })


def _year(request: HttpRequest) -> int | None:
    """?year=, default this year in Beijing time (settings.TIME_ZONE); None when unusable."""
    try:
        year = int(request.GET.get("year", timezone.localdate().year))
    except ValueError:
        return None
    return year if 2000 <= year <= 2100 else None


def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One indicator's values of a year, with single months and 时序进度; the office and the
    owner unit's staff record a period here."""
    if not permissions.can_view_indicators(request.user):
        raise PermissionDenied
    indicator = get_object_or_404(selectors.indicators(request.user), pk=pk)
    year = _year(request)
    if year is None:
        return HttpResponseBadRequest("year: not a year in 2000–2100")
    can_record = permissions.can_record_values(request.user, indicator)
    can_submit = permissions.can_submit_values(request.user, indicator)  # 报送, for review
    form = ValueForm(initial={"year": year})
    if request.method == "POST":
        if not (can_record or can_submit):
            raise PermissionDenied
        form = ValueForm(request.POST)
        if can_record and form.is_valid() and _record(request, indicator, form):
            messages.success(request, _("Saved."))
            return redirect(f"{request.path}?year={form.cleaned_data['year']}")
        if (not can_record and form.is_valid()
                and review_views.submit_from_form(request, indicator, form)):
            messages.success(request, _("Submitted for review by the office."))
            return redirect(f"{request.path}?year={form.cleaned_data['year']}")
    return render(request, "indicators/indicator_detail.html", {
        "indicator": indicator, "year": year, "form": form, "can_record": can_record,
        "can_submit": can_submit,
        "my_submissions": selectors.my_submissions(request.user, indicator)[:12],
        "values": sorted(selectors.year_values(indicator, year).values(),
                         key=lambda v: v.month),
        "single_months": selectors.single_months(indicator, year),
        "progress": selectors.progress(indicator, year),
        "peer_rank": selectors.peer_rank(indicator, year),
        "two_year": selectors.two_year_average(indicator, year),
    })


def _record(request: HttpRequest, indicator: Indicator, form: ValueForm) -> bool:
    data = dict(form.cleaned_data)
    year, month = data.pop("year"), data.pop("month")
    try:
        services.record_value(request.user, indicator, year=year, month=month, data=data)
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return False
    return True


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _bulletin_period(request: HttpRequest) -> tuple[int, int]:
    """?year=&month= of the bulletin; by default last month (the bureau is a month behind)."""
    from .bulletin import check_period

    today = timezone.localdate()
    default_year, default_month = ((today.year, today.month - 1) if today.month > 1
                                   else (today.year - 1, 12))
    return check_period(request.GET.get("year", default_year),
                        request.GET.get("month", default_month))


def bulletin(request: HttpRequest) -> HttpResponse:
    """The monthly economic bulletin previewed as the documents will read, with downloads."""
    from . import bulletin as bulletins

    if not permissions.can_view_indicators(request.user):
        raise PermissionDenied
    try:
        year, month = _bulletin_period(request)
    except bulletins.BulletinInputError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    data = bulletins.build(request.user, year, month)
    return render(request, "indicators/bulletin.html", {
        "bulletin": data, "rows": zip(data.rows, bulletins.text_rows(data), strict=True),
        "notes": bulletins.note_lines(data), "months": range(1, 13),
    })


def bulletin_download(request: HttpRequest, fmt: str) -> HttpResponse:
    from django.http import Http404

    from zoneops.core.userfiles import content_disposition

    from . import bulletin as bulletins

    if not permissions.can_view_indicators(request.user):
        raise PermissionDenied
    if fmt not in ("docx", "xlsx"):
        raise Http404
    try:
        year, month = _bulletin_period(request)
    except bulletins.BulletinInputError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    data = bulletins.build(request.user, year, month)
    body = bulletins.to_docx(data) if fmt == "docx" else bulletins.to_xlsx(data)
    response = HttpResponse(body, content_type=DOCX if fmt == "docx" else XLSX)
    response["Content-Disposition"] = content_disposition(f"{data.title}.{fmt}")
    return response
