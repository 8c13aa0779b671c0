"""Registry pages: the units a person may see with their current grade, and a unit's page with
the reasons for its grade, its equipment and the history of its grades. Read-only for now;
writes go through ``services`` (the import command, the demo)."""

from __future__ import annotations

import json
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zoneops.core import permissions as core
from zoneops.core.models import Alert, Enterprise, Role, Unit
from zoneops.core.models.alerts import OPEN_STATUSES
from zoneops.core.selectors import alerts_for
from zoneops.core.selectors import history_of as audit_history

from . import emergency, selectors, services, zones
from . import permissions as perm
from .models import (
    CADENCE_BY_ROLE,
    Chemical,
    DutyPhoto,
    DutyRecord,
    Equipment,
    HazardUnit,
    Holding,
    Incident,
    Responsible,
)

LIMIT_LABELS = {
    "low_wind": _("Low wind: the zone is unreliable."),
    "very_stable": _("Very stable air: the cloud stays concentrated; expect large errors."),
    "near_field": _("Within 100 m of the source the zone is not reliable."),
    "far_field": _("The zone reaches 10 km and is cut there."),
    "steady": _("A steady release is assumed: a short release's zone is overstated far "
                "downwind."),
    "dense_as_gaussian": _("Denser than air but drawn by the Gaussian plume: it understates "
                           "the near field of a heavy cloud."),
    "roughness": _("Surface roughness not given: 0.1 m assumed."),
    "temperature": _("Air temperature not given: 20 °C assumed."),
    "stability": _("No stability input: neutral D assumed."),
    "turner": _("Night with wind under 2 m/s: class F used."),
}
MODEL_LABELS = {
    "gaussian_plume": _("Gaussian plume (neutral gas; zoneops.dispersion, Briggs sigmas)"),
    "slab": _("SLAB dense-gas model (Ermak 1990, slabx package)"),
}

GRADE_LABELS = {1: pgettext_lazy("major hazard grade", "Grade 1"),
                2: pgettext_lazy("major hazard grade", "Grade 2"),
                3: pgettext_lazy("major hazard grade", "Grade 3"),
                4: pgettext_lazy("major hazard grade", "Grade 4")}


def unit_list(request: HttpRequest) -> HttpResponse:
    if core.role_of(request.user) is None:
        raise PermissionDenied
    units = list(selectors.units_for(request.user).prefetch_related("assessments"))
    rows = [(unit, unit.assessments.all()[0] if unit.assessments.all() else None) for unit in units]
    role = core.role_of(request.user)
    can_add = role == Role.ADMIN or (role == Role.ENTERPRISE and bool(request.user.enterprise_id))
    return render(request, "hazards/unit_list.html",
                  {"rows": rows, "grades": GRADE_LABELS, "can_add": can_add})


def _zone_context(request: HttpRequest, unit) -> dict:
    """The threat-zone form and, when it was sent, the zone it draws (GET: drawing writes
    nothing)."""
    bound = request.GET.get("zone") == "1"
    form = zones.ZoneForm(request.GET if bound else None, unit=unit,
                          initial={"zone": "1"})
    out: dict = {"zone_form": form, "zone_centre": zones.unit_centre(unit)}
    if bound and form.is_valid():
        result = zones.draw(unit, form.cleaned_data)
        if "error" in result:
            out["zone_error"] = result["error"]
        else:
            zone = result["zone"]
            props = zone["properties"]
            out.update({
                "zone": zone,
                "zone_wind": result["wind"],
                "zone_levels": [f["properties"] for f in zone["features"]
                                if f["properties"]["kind"] == "threat_zone"],
                "zone_model": MODEL_LABELS.get(props["model"], props["model"]),
                "zone_limits": [LIMIT_LABELS.get(t.split(":")[0], t) for t in props["limits"]],
            })
    return out


@require_GET
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(selectors.units_for(request.user), pk=pk)
    history = list(selectors.history_of(unit)[:50])
    holdings = (
        Holding.objects.filter(equipment__unit=unit)
        .select_related("equipment", "chemical")
        .order_by("equipment__tag")
    )
    return render(
        request,
        "hazards/unit_detail.html",
        {
            "unit": unit,
            "current": history[0] if history else None,
            "assessments": history,
            "holdings": holdings,
            "grades": GRADE_LABELS,
            "can_edit": perm.can_edit_unit(request.user, unit),
            "can_command": perm.can_command(request.user),
            "equipment_form": EquipmentForm() if perm.can_edit_unit(request.user, unit) else None,
            "history": audit_history(unit)[:50],
            **_zone_context(request, unit),
        },
    )


# ---- 包保 responsibility chain ---------------------------------------------------------------


class ResponsibleForm(forms.Form):
    role = forms.ChoiceField(label=_("role"), choices=Responsible.Role.choices)
    name = forms.CharField(label=_("name"), max_length=100)
    title = forms.CharField(label=_("post"), max_length=100, required=False)
    phone = forms.CharField(label=_("phone"), max_length=40, required=False)


class MultiPhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DutyForm(forms.Form):
    done_on = forms.DateField(label=_("done on"), widget=forms.DateInput(attrs={"type": "date"}))
    checked = forms.CharField(label=_("what was checked"), widget=forms.Textarea(attrs={"rows": 3}))
    findings = forms.CharField(label=_("findings"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))


def _flash(request: HttpRequest, exc: ValidationError) -> None:
    for text in exc.messages:
        messages.error(request, text)


@require_http_methods(["GET", "POST"])
def unit_board(request: HttpRequest, pk: int) -> HttpResponse:
    """The 包保公示牌 of a major hazard (printable); who may, names the people here."""
    unit = get_object_or_404(selectors.units_for(request.user), pk=pk)
    if request.method == "POST":
        form = ResponsibleForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Check the form."))
        else:
            data = form.cleaned_data
            if not perm.can_edit_responsible(request.user, unit, data["role"]):
                raise PermissionDenied
            existing = unit.responsibles.filter(role=data["role"]).first()
            try:
                if existing:
                    services.update_responsible(request.user, existing, {**data, "unit": unit})
                else:
                    services.create_responsible(request.user, {**data, "unit": unit})
                messages.success(request, _("Saved."))
            except ValidationError as exc:
                _flash(request, exc)
        return redirect(reverse("hazards-unit-board", args=[unit.pk]))
    people = {p.role: p for p in unit.responsibles.all()}
    today = timezone.localdate()
    rows = []
    for role, label in Responsible.Role.choices:
        person = people.get(role)
        last = person.duties.first() if person else None
        rows.append({"role": role, "label": label, "person": person, "last": last,
                     "cadence": Responsible.Cadence(CADENCE_BY_ROLE[role]).label
                     if role in CADENCE_BY_ROLE else "",
                     "can_record": person is not None and role in CADENCE_BY_ROLE
                     and perm.can_record_duty(request.user, person)})
    editable = [(r, label) for r, label in Responsible.Role.choices
                if perm.can_edit_responsible(request.user, unit, r)]
    duties = (DutyRecord.objects.filter(responsible__unit=unit)
              .select_related("responsible").prefetch_related("photos")[:20])
    return render(request, "hazards/board.html", {
        "unit": unit, "rows": rows, "current": selectors.current_assessment(unit),
        "grades": GRADE_LABELS, "today": today, "duties": duties,
        "form": ResponsibleForm() if editable else None, "editable": editable})


@require_http_methods(["GET", "POST"])
def duty_record(request: HttpRequest, pk: int) -> HttpResponse:
    """The phone-friendly duty form of one responsible person."""
    person = get_object_or_404(selectors.responsibles_for(request.user), pk=pk)
    if not perm.can_record_duty(request.user, person) or person.cadence is None:
        raise PermissionDenied
    form = DutyForm(request.POST or None, initial={"done_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_duty(request.user, responsible=person, photos=request.FILES.getlist(
                "photos"), **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for text in errors:
                    form.add_error(field if field in form.fields else None, text)
        else:
            messages.success(request, _("Duty recorded."))
            return redirect(reverse("hazards-unit-board", args=[person.unit_id]))
    return render(request, "hazards/duty_form.html", {"person": person, "form": form})


@require_GET
def duty_photo(request: HttpRequest, pk: int) -> HttpResponse:
    from zoneops.core.userfiles import protect
    from zoneops.voting.photos import media_type

    photo = get_object_or_404(DutyPhoto.objects.filter(
        record__responsible__unit__in=selectors.units_for(request.user)), pk=pk)
    with photo.image.open("rb") as handle:
        body = handle.read()
    kind = media_type(body[:16])
    if kind is None:
        raise Http404
    return protect(HttpResponse(body), content_type=kind, disposition="inline")


@require_GET
def duty_week(request: HttpRequest) -> HttpResponse:
    """Who owes what this week: each person's current period and whether it is done."""
    if core.role_of(request.user) is None:
        raise PermissionDenied
    today = timezone.localdate()
    rows = selectors.week_duties(request.user, today)
    week_end = today + timedelta(days=6 - today.weekday())
    for row in rows:
        row["due_this_week"] = row["done"] is None and row["end"] <= week_end
    return render(request, "hazards/duty_week.html", {
        "rows": rows, "today": today, "week_start": week_end - timedelta(days=6),
        "week_end": week_end, "owed": sum(1 for r in rows if r["done"] is None)})


# ---- emergency command ----------------------------------------------------------------------


class IncidentForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("hazard unit"), queryset=HazardUnit.objects.none())
    title = forms.CharField(label=_("title"), max_length=200)
    alert = forms.ModelChoiceField(label=_("from alert"), queryset=Alert.objects.none(),
                                   required=False)
    drill = forms.BooleanField(label=_("drill (notifies no one outside)"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.units_for(user)
        self.fields["alert"].queryset = alerts_for(user).filter(
            status__in=OPEN_STATUSES)


class TaskForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("assigned unit"), queryset=Unit.objects.all())
    text = forms.CharField(label=_("task"), max_length=300)
    due_at = forms.DateTimeField(label=_("deadline"), widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])


def _command(request: HttpRequest) -> None:
    if not perm.can_command(request.user):
        raise PermissionDenied


def _incident(request: HttpRequest, pk: int) -> Incident:
    return get_object_or_404(selectors.incidents_for(request.user), pk=pk)


def _back(incident: Incident) -> HttpResponse:
    return redirect(reverse("hazards-incident-detail", args=[incident.pk]))


@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    if core.role_of(request.user) is None:
        raise PermissionDenied
    return render(request, "hazards/incident_list.html", {
        "incidents": selectors.incidents_for(request.user)[:200],
        "can_command": perm.can_command(request.user)})


@require_http_methods(["GET", "POST"])
def incident_new(request: HttpRequest) -> HttpResponse:
    _command(request)
    form = IncidentForm(request.POST or None, user=request.user,
                        initial={"unit": request.GET.get("unit")})
    if request.method == "POST" and form.is_valid():
        try:
            incident = emergency.open_incident(request.user, **form.cleaned_data)
        except ValidationError as exc:
            _flash(request, exc)
        else:
            return _back(incident)
    return render(request, "hazards/incident_new.html", {"form": form})


@require_GET
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    commander = perm.can_command(request.user)
    zone = emergency.latest_zone(incident)
    initial = {"zone": "1", **{k: v for k, v in (incident.release or {}).items()
                               if v is not None}}
    return render(request, "hazards/incident_detail.html", {
        "incident": incident, "events": incident.events.select_related("by"),
        "tasks": [(t, perm.can_finish_task(request.user, t))
                  for t in incident.tasks.select_related("assignee_unit")],
        "zone": zone, "zone_outline": incident.unit.geometry,
        "zone_model": MODEL_LABELS.get(zone["properties"]["model"],
                                       zone["properties"]["model_text"]) if zone else "",
        "zone_levels": [f["properties"] for f in zone["features"]
                        if f["properties"]["kind"] == "threat_zone"] if zone else [],
        "zone_form": zones.ZoneForm(initial=initial, unit=incident.unit) if commander else None,
        "task_form": TaskForm() if commander else None,
        "resources": emergency.nearest_resources(incident),
        "contacts": incident.unit.responsibles.all(),
        "plans": incident.unit.plans.all(), "commander": commander,
        "now": timezone.now()})


@require_POST
def incident_zone(request: HttpRequest, pk: int) -> HttpResponse:
    _command(request)
    incident = _incident(request, pk)
    form = zones.ZoneForm(request.POST, unit=incident.unit)
    if not form.is_valid():
        messages.error(request, _("Check the form."))
    else:
        try:
            emergency.draw_zone(request.user, incident, form.cleaned_data)
        except ValidationError as exc:
            _flash(request, exc)
    return _back(incident)


@require_POST
def incident_task(request: HttpRequest, pk: int) -> HttpResponse:
    _command(request)
    incident = _incident(request, pk)
    form = TaskForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the form."))
    else:
        data = form.cleaned_data
        try:
            emergency.add_task(request.user, incident, unit=data["unit"], text=data["text"],
                               due_at=data["due_at"])
        except ValidationError as exc:
            _flash(request, exc)
    return _back(incident)


@require_POST
def task_done(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    task = get_object_or_404(incident.tasks, pk=task_pk)
    if not perm.can_finish_task(request.user, task):
        raise PermissionDenied
    try:
        emergency.finish_task(request.user, task, feedback=request.POST.get("feedback", ""))
    except ValidationError as exc:
        _flash(request, exc)
    return _back(incident)


@require_POST
def task_close(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    _command(request)
    incident = _incident(request, pk)
    task = get_object_or_404(incident.tasks, pk=task_pk)
    try:
        emergency.close_task(request.user, task)
    except ValidationError as exc:
        _flash(request, exc)
    return _back(incident)


@require_POST
def incident_notify(request: HttpRequest, pk: int) -> HttpResponse:
    _command(request)
    incident = _incident(request, pk)
    try:
        count = emergency.notify_all(request.user, incident,
                                     message=request.POST.get("message", ""))
        messages.success(request, _("%(n)s people notified.") % {"n": count})
    except ValidationError as exc:
        _flash(request, exc)
    return _back(incident)


@require_POST
def incident_note(request: HttpRequest, pk: int) -> HttpResponse:
    _command(request)
    incident = _incident(request, pk)
    try:
        emergency.add_note(request.user, incident, text=request.POST.get("text", ""))
    except ValidationError as exc:
        _flash(request, exc)
    return _back(incident)


@require_POST
def incident_close(request: HttpRequest, pk: int) -> HttpResponse:
    _command(request)
    incident = _incident(request, pk)
    try:
        emergency.close_incident(request.user, incident,
                                 summary=request.POST.get("summary", ""))
    except ValidationError as exc:
        _flash(request, exc)
    return _back(incident)


@require_GET
def incident_report(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    response = HttpResponse(
        emergency.report_docx(incident),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = f'attachment; filename="incident-{incident.pk}.docx"'
    return response


# ---- editing the registry in the browser (the enterprise its own, an admin all) ------------


class UnitForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none())
    code = forms.CharField(label=_("code"), max_length=32)
    name = forms.CharField(label=_("name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=HazardUnit.Kind.choices)
    population_500m = forms.IntegerField(label=_("residents within 500 m"), min_value=0,
                                         required=False)
    population_source = forms.CharField(label=_("population source"), max_length=200,
                                        required=False)
    geometry = forms.CharField(label=_("outline (GeoJSON Polygon, WGS-84)"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    description = forms.CharField(label=_("description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Enterprise.objects.filter(in_chemical_park=True) | Enterprise.objects.filter(
            hazard_units__isnull=False)
        if core.role_of(user) != Role.ADMIN:
            qs = Enterprise.objects.filter(pk=user.enterprise_id)
        self.fields["enterprise"].queryset = qs.distinct().order_by("name")

    def clean_geometry(self):
        text = self.cleaned_data["geometry"].strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("Not valid JSON: %(error)s") % {"error": exc.msg}) \
                from exc


class EquipmentForm(forms.Form):
    tag = forms.CharField(label=_("tag"), max_length=50)
    name = forms.CharField(label=_("name"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Equipment.Kind.choices)
    chemical = forms.ModelChoiceField(label=_("chemical"), queryset=Chemical.objects.all())
    design_max_t = forms.DecimalField(label=_("design maximum (t)"), min_value=0,
                                      max_digits=14, decimal_places=4)


def _editable_unit(request: HttpRequest, pk: int) -> HazardUnit:
    unit = get_object_or_404(selectors.units_for(request.user), pk=pk)
    if not perm.can_edit_unit(request.user, unit):
        raise PermissionDenied
    return unit


def _form_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for text in errors:
                form.add_error(field if field in form.fields else None, text)
    else:
        for text in exc.messages:
            form.add_error(None, text)


@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A new unit, or a unit's own fields; audited and re-assessed by the services."""
    unit = _editable_unit(request, pk) if pk else None
    if unit is None and not (core.role_of(request.user) == Role.ADMIN or (
            core.role_of(request.user) == Role.ENTERPRISE and request.user.enterprise_id)):
        raise PermissionDenied
    initial = {}
    if unit is not None:
        initial = {f: getattr(unit, f) for f in ("enterprise", "code", "name", "kind",
                                                  "population_500m", "population_source",
                                                  "description")}
        initial["geometry"] = json.dumps(unit.geometry) if unit.geometry else ""
    form = UnitForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["population_source"] = data["population_source"] or "entered"
        try:
            saved = (services.update_unit(request.user, unit, data) if unit is not None
                     else services.create_unit(request.user, data))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(reverse("hazards-unit-detail", args=[saved.pk]))
    return render(request, "hazards/unit_edit.html", {"form": form, "unit": unit})


@require_POST
def unit_equipment(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a piece of equipment with what it holds, or set a holding (0 t removes it)."""
    unit = _editable_unit(request, pk)
    form = EquipmentForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for text in errors:
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, f"{label}: {text}")
    else:
        data = form.cleaned_data
        try:
            with transaction.atomic(), services.batch(request.user, "edited in the browser"):
                item = Equipment.objects.filter(unit=unit, tag=data["tag"]).first()
                if item is None:
                    item = services.create_equipment(request.user, {
                        "unit": unit, "tag": data["tag"], "name": data["name"],
                        "kind": data["kind"]})
                services.set_holding(request.user, item, chemical=data["chemical"],
                                     design_max_t=data["design_max_t"])
            messages.success(request, _("Saved."))
        except ValidationError as exc:
            _flash(request, exc)
    return redirect(reverse("hazards-unit-detail", args=[unit.pk]))
