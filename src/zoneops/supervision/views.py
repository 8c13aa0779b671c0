"""Thin views: parse the request, call a selector or a service, render."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zoneops.core import selectors as core_selectors
from zoneops.core.models import Unit
from zoneops.core.userfiles import content_disposition
from zoneops.core.views import apply_errors

from . import asof, caching, forms, selectors, services
from . import permissions as perm
from .models import Bucket, Extension, Item, Light, Report, SupervisionList
from .services import describe

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _require_use(request: HttpRequest) -> None:
    if not perm.can_use(request.user):
        raise PermissionDenied


def _visible_item(request: HttpRequest, pk: int) -> Item:
    item = selectors.item_for(request.user, pk)
    if item is None:
        raise Http404
    return item


def _month(request: HttpRequest) -> str:
    month = request.GET.get("month", "")
    if services.PERIOD.match(month):
        return month
    return services.today().strftime("%Y-%m")


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    return response


# --- items --------------------------------------------------------------------------------------

def item_list(request: HttpRequest) -> HttpResponse:
    _require_use(request)
    params = {k: request.GET.get(k, "").strip() for k in selectors.FILTERS}
    page_number = request.GET.get("page", "")

    def build() -> str:
        visible = selectors.items_for(request.user)
        qs = selectors.filter_items(visible, params).defer("light_inputs", "target")
        page = Paginator(qs.order_by("supervision_list__sort_order", "supervision_list_id",
                                     "sort_code"), 50).get_page(page_number)
        scope_qs = selectors.filter_items(visible, {"list": params["list"]})
        return render_to_string("supervision/_item_list_body.html", {
            "page": page, "params": params, "counts": selectors.counts(qs),
            "lists": selectors.lists_for(request.user),
            "domains": selectors.domains(scope_qs),
            "units": Unit.objects.filter(pk__in=visible.values("lead_unit_id")).order_by(
                "sort_order", "code"),
            "lights": Light.choices, "statuses": Item.Status.choices,
            "buckets": Bucket.choices}, request=request)

    body = caching.fragment("item-list", request.user, {**params, "page": page_number}, build)
    return render(request, "supervision/item_list.html", {
        "body": mark_safe(body),  # noqa: S308 (our own rendered template)
        "query": urlencode({k: v for k, v in params.items() if v}),
        "can_manage": perm.can_manage(request.user)})


def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _visible_item(request, pk)
    user = request.user
    nodes = list(item.nodes.all())
    on = services.today()
    now = asof.for_item(item, on)
    return render(request, "supervision/item_detail.html", {
        "item": item, "nodes": nodes, "today": on, "now": now, "light_why": now.why,
        "light_records": [(r, describe(r.reason, r.inputs.get("params", {})))
                          for r in item.light_records.all()[:20]],
        "reports": item.reports.select_related("submitted_by", "reviewed_by")
        .prefetch_related("lines__node"),
        "instructions": item.instructions.select_related("leader", "answered_by"),
        "problems": item.problems.all(), "comments": item.comments.select_related("unit"),
        "extensions": Extension.objects.filter(node__item=item).select_related("node"),
        "notices": item.notices.all()[:20], "co_units": item.co_units.all(),
        "history": core_selectors.history_of(item)[:50],
        "may": {
            "report": perm.can_report(user, item), "manage": perm.can_manage(user),
            "instruct": perm.can_instruct(user, item), "answer": perm.can_answer(user, item),
            "comment": perm.can_comment(user, item),
            "extension": perm.can_request_extension(user, item),
        },
        "decidable": {e.pk for e in Extension.objects.filter(
            node__item=item, status=Extension.Status.PENDING)
            if perm.can_decide_extension(user, e)},
        "light_form": forms.ManualLightForm(initial={"light": item.manual_light}),
        "problem_form": forms.ProblemForm(),
        "open_nodes": [n for n in nodes if n.actual_date is None and n.planned_date >= on],
    })


def report(request: HttpRequest, pk: int) -> HttpResponse:
    item = _visible_item(request, pk)
    if not perm.can_report(request.user, item):
        raise PermissionDenied
    period = request.POST.get("period") or request.GET.get("period") or \
        services.today().strftime("%Y-%m")
    filled = selectors.prefill(item, period)
    nodes = [row["node"] for row in filled["nodes"]]
    initial = {"period": period, "progress": filled["progress"], "summary": filled["summary"],
               "difficulties": filled["difficulties"], "funds_used": filled["funds_used"]}
    for row in filled["nodes"]:
        initial[f"actual_{row['node'].pk}"] = row["actual_date"]
        initial[f"evidence_{row['node'].pk}"] = row["evidence"]
        initial[f"note_{row['node'].pk}"] = row["note"]
    form = forms.ReportForm(request.POST or None, initial=initial, nodes=nodes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.submit_report(request.user, item, period=data["period"],
                                   progress=data["progress"], summary=data["summary"],
                                   difficulties=data["difficulties"],
                                   funds_used=data["funds_used"], lines=form.lines(),
                                   files=request.FILES.getlist("files"))
        except ValidationError as exc:
            # A file's message names the file: shown as it is, above the form.
            for message in getattr(exc, "error_dict", {}).pop("files", []):
                form.add_error(None, message)
            if getattr(exc, "error_dict", True):
                apply_errors(form, exc)
        else:
            messages.success(request, _("Report submitted for review."))
            return redirect("supervision:item-detail", item.pk)
    current = filled["current"]
    return render(request, "supervision/report_form.html", {
        "item": item, "form": form, "current": current,
        "locked": current is not None and current.status != Report.Status.RETURNED})


def _form_errors(form) -> ValidationError:
    return ValidationError({name: list(errors) for name, errors in form.errors.items()})


def _flash(request: HttpRequest, run: Callable[[], object]) -> None:
    """Run a service call; its messages (written to stand alone) become the page's."""
    try:
        run()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Done."))


@require_POST
def item_action(request: HttpRequest, pk: int, action: str, obj: int | None = None
                ) -> HttpResponse:
    item = _visible_item(request, pk)
    _flash(request, lambda: _item_action(request, item, action, obj))
    return redirect("supervision:item-detail", item.pk)


def _item_action(request: HttpRequest, item: Item, action: str, obj: int | None) -> None:
    user, post = request.user, request.POST
    if action == "instruct":
        services.instruct(user, item, text=post.get("text", ""))
    elif action == "answer":
        services.answer_instruction(user, get_object_or_404(item.instructions, pk=obj),
                                    text=post.get("answer", ""))
    elif action == "comment":
        services.add_comment(user, item, text=post.get("text", ""))
    elif action == "light":
        form = forms.ManualLightForm(post)
        if not form.is_valid():
            raise _form_errors(form)
        services.set_manual_light(user, item, light=form.cleaned_data["light"],
                                  reason=form.cleaned_data["reason"])
    elif action == "problem":
        form = forms.ProblemForm(post)
        if not form.is_valid():
            raise _form_errors(form)
        services.add_problem(user, item, **form.cleaned_data)
    elif action == "solve":
        services.solve_problem(user, get_object_or_404(item.problems, pk=obj),
                               solution=post.get("solution", ""))
    elif action == "extension":
        form = forms.ExtensionForm(post)
        if not form.is_valid():
            raise _form_errors(form)
        data = form.cleaned_data
        services.request_extension(user, get_object_or_404(item.nodes, pk=data["node"]),
                                   new_date=data["new_date"], reason=data["reason"],
                                   current_progress=data["current_progress"])
    elif action == "decide":
        extension = get_object_or_404(Extension, pk=obj, node__item=item)
        services.decide_extension(user, extension, approve=post.get("approve") == "1",
                                  note=post.get("note", ""))
    elif action == "attach":
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": _("Choose a file.")})
        services.add_attachment(user, item, upload=upload)
    else:
        raise Http404


def attachment(request: HttpRequest, pk: int, attachment_pk: int):
    from django.http import FileResponse

    from zoneops.core import userfiles

    item = _visible_item(request, pk)
    found = get_object_or_404(item.attachments, pk=attachment_pk)
    return userfiles.protect(FileResponse(found.file.open("rb")), filename=found.name)


# --- review -------------------------------------------------------------------------------------

def review(request: HttpRequest) -> HttpResponse:
    if not perm.can_manage(request.user):
        raise PermissionDenied
    return render(request, "supervision/review.html", {
        "reports": selectors.reports_to_review(request.user).prefetch_related(
            "lines__node", "attachments")})


@require_POST
def report_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    found = get_object_or_404(Report, pk=pk)
    if selectors.item_for(request.user, found.item_id) is None:
        raise Http404
    if action == "accept":
        _flash(request, lambda: services.accept_report(request.user, found,
                                                       note=request.POST.get("note", "")))
    elif action == "return":
        _flash(request, lambda: services.return_report(
            request.user, found, reason=request.POST.get("reason", "")))
    else:
        raise Http404
    return redirect("supervision:review")


# --- import and export --------------------------------------------------------------------------

LIST_FOR = "list_for:"  # the page's per-sheet choice of list: list_for:<sheet name>


def import_view(request: HttpRequest) -> HttpResponse:
    """One list (a name given), or every sheet of the workbook into its own list: each
    sheet's list shown (asked for when the sheet does not say), the dry run's diff and
    problems per sheet, then one commit of all of them."""
    from .importer import CANNOT_TELL_WEB, KIND_NAMES, run_import, run_workbook_import

    if not perm.can_manage(request.user):
        raise PermissionDenied
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    plan, plans, problems, sheets = None, [], [], []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        dry_run = "commit" not in request.POST
        if data["list_name"]:
            plan = run_import(request.user, data["file"], list_name=data["list_name"],
                              year=data["year"], dry_run=dry_run,
                              create_units=data["create_units"])
            plans = [plan]
        else:
            lists = {k[len(LIST_FOR):]: v.strip() for k, v in request.POST.items()
                     if k.startswith(LIST_FOR)}
            plans, problems = run_workbook_import(
                request.user, data["file"], year=data["year"], dry_run=dry_run,
                create_units=data["create_units"], lists=lists, ask=CANNOT_TELL_WEB,
                name=data["file"].name)
            sheets = [{"sheet": p.sheet, "list": p.list_name, "plan": p,
                       "nodes": sum(len(i.nodes) for i in p.items)} for p in plans]
            sheets += [{"sheet": p.sheet, "list": "", "plan": None, "ask": p}
                       for p in problems if p.template == CANNOT_TELL_WEB]
            problems = [p for p in problems if p.template != CANNOT_TELL_WEB]
        if plans and all(p.committed for p in plans):
            messages.success(request, "；".join(_("Imported %(n)s items into %(list)s.") % {
                "n": len(p.items), "list": f"{p.year} {p.list_name}"} for p in plans))
            lst = SupervisionList.objects.get(name=plans[0].list_name, year=plans[0].year)
            return redirect(f"{_url('supervision:item-list')}?list={lst.pk}")
    choices = sorted({*KIND_NAMES.values(), *SupervisionList.objects.values_list(
        "name", flat=True)})
    return render(request, "supervision/import.html", {
        "form": form, "plan": plan, "sheets": sheets, "workbook_problems": problems,
        "multi": bool(sheets or problems), "list_choices": choices, "list_for": LIST_FOR,
        "ok": bool(plans) and not problems and len(plans) == len(sheets or plans)
        and all(p.ok for p in plans),
        "node_count": sum(len(i.nodes) for i in plan.items) if plan else 0})


def _url(name: str) -> str:
    from django.urls import reverse
    return reverse(name)


def import_template(request: HttpRequest) -> HttpResponse:
    from .template import template_workbook

    _require_use(request)
    return _download(template_workbook(), _("supervision-template.xlsx"), XLSX)


def export(request: HttpRequest) -> HttpResponse:
    from .exports import export_items

    _require_use(request)
    params = {k: request.GET.get(k, "").strip() for k in selectors.FILTERS}
    qs = selectors.filter_items(selectors.items_for(request.user), params)
    return _download(export_items(qs), _("supervision-%(day)s.xlsx")
                     % {"day": f"{services.today():%Y%m%d}"}, XLSX)


# --- dashboard and monthly report ---------------------------------------------------------------

def _dashboard_body(request: HttpRequest) -> tuple[str, str]:
    _require_use(request)
    month = _month(request)

    def build() -> str:
        data = selectors.dashboard(request.user, month)
        labels = dict(Bucket.choices)
        chart = {
            "buckets": [labels[b] for b in selectors.BUCKET_ORDER],
            "by_list": {"names": list(data["by_list"]),
                        "series": [[g[b] for g in data["by_list"].values()]
                                   for b in selectors.BUCKET_ORDER]},
            "by_domain": {"names": list(data["by_domain"]),
                          "series": [[g[b] for g in data["by_domain"].values()]
                                     for b in selectors.BUCKET_ORDER]},
        }
        return render_to_string("supervision/_dashboard_body.html", {
            **data, "chart": chart, "bucket_labels": labels,
            "buckets": [(b, labels[b], data["totals"][b]) for b in selectors.BUCKET_ORDER],
            "red_rows": [(i, r.why) for i, r in data["red"]],
            "yellow_rows": [(i, r.why) for i, r in data["yellow"]]}, request=request)

    # The day is part of the key: a fragment cached yesterday says yesterday's figures.
    return month, caching.fragment("dashboard", request.user,
                                   {"month": month, "on": services.today().isoformat()}, build)


def dashboard(request: HttpRequest) -> HttpResponse:
    month, body = _dashboard_body(request)
    return render(request, "supervision/dashboard.html", {
        "month": month, "body": mark_safe(body)})  # noqa: S308 (our own rendered template)


def screen(request: HttpRequest) -> HttpResponse:
    month, body = _dashboard_body(request)
    return render(request, "supervision/screen.html", {
        "month": month, "body": mark_safe(body)})  # noqa: S308 (our own rendered template)


def monthly(request: HttpRequest) -> HttpResponse:
    if not perm.reads_all(request.user):
        raise PermissionDenied
    return render(request, "supervision/monthly.html", {
        "month": _month(request), "manage": perm.can_manage(request.user)})


def monthly_download(request: HttpRequest, month: str, fmt: str) -> HttpResponse:
    from .report import build_monthly, monthly_docx, monthly_xlsx
    from .report_drafts import draft_for

    if not perm.reads_all(request.user):
        raise PermissionDenied
    if not services.PERIOD.match(month) or fmt not in ("xlsx", "docx"):
        raise Http404
    if not 1900 <= int(month[:4]) <= 2999:  # the report reaches into the next month and year
        return HttpResponse(_("month: the year must be between 1900 and 2999."), status=400,
                            content_type="text/plain; charset=utf-8")
    data = build_monthly(request.user, month)
    if fmt == "xlsx":
        return _download(monthly_xlsx(data), _("supervision-monthly-%(month)s.xlsx")
                         % {"month": month}, XLSX)
    draft = draft_for(month)
    body = (monthly_docx(data, draft.texts, number=draft.number) if draft
            else monthly_docx(data))
    return _download(body, _("supervision-monthly-%(month)s.docx") % {"month": month}, DOCX)


def monthly_draft(request: HttpRequest, month: str) -> HttpResponse:
    """The office edits the 通报's section texts (drafted from the data) before issuing it."""
    from .report import SECTIONS, build_monthly, document_number, draft_sections
    from .report_drafts import draft_for, save_draft

    if not perm.can_manage(request.user):
        raise PermissionDenied
    if not services.PERIOD.match(month):
        raise Http404
    draft = draft_for(month)
    if request.method == "POST":
        texts = {key: request.POST.get(key, "") for key, _heading in SECTIONS}
        raw_number = request.POST.get("number", "").strip()
        if raw_number and not raw_number.isdigit():
            messages.error(request, _("The document number is a whole number."))
        else:
            _flash(request, lambda: save_draft(request.user, month, texts,
                                               int(raw_number) if raw_number else None))
        return redirect("supervision:monthly-draft", month=month)
    fresh = draft_sections(build_monthly(request.user, month))
    texts = {**fresh, **(draft.texts if draft else {})}
    number = draft.number if draft and draft.number else None
    return render(request, "supervision/monthly_draft.html", {
        "month": month, "draft": draft, "number": number or "",
        "document_number": document_number(month, number),
        "sections": [(key, heading, texts.get(key, "")) for key, heading in SECTIONS]})
