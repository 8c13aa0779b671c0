"""Registry pages: the units a person may see with their current grade, and a unit's page with
the reasons for its grade, its equipment and the history of its grades. Read-only for now;
writes go through ``services`` (the import command, the demo)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from zoneops.core import permissions as core
from zoneops.core.selectors import history_of as audit_history

from . import permissions as perm
from . import selectors, zones
from .models import Holding

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

GRADE_LABELS = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}


def unit_list(request: HttpRequest) -> HttpResponse:
    if core.role_of(request.user) is None:
        raise PermissionDenied
    units = list(selectors.units_for(request.user).prefetch_related("assessments"))
    rows = [(unit, unit.assessments.all()[0] if unit.assessments.all() else None) for unit in units]
    return render(request, "hazards/unit_list.html", {"rows": rows, "grades": GRADE_LABELS})


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
            "history": audit_history(unit)[:50],
            **_zone_context(request, unit),
        },
    )
