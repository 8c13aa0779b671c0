"""Registry pages: the units a person may see with their current grade, and a unit's page with
the reasons for its grade, its equipment and the history of its grades. Read-only for now;
writes go through ``services`` (the import command, the demo)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from zoneops.core import permissions as core
from zoneops.core.selectors import history_of as audit_history

from . import permissions as perm
from . import selectors
from .models import Holding

GRADE_LABELS = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}


def unit_list(request: HttpRequest) -> HttpResponse:
    if core.role_of(request.user) is None:
        raise PermissionDenied
    units = list(selectors.units_for(request.user).prefetch_related("assessments"))
    rows = [(unit, unit.assessments.all()[0] if unit.assessments.all() else None) for unit in units]
    return render(request, "hazards/unit_list.html", {"rows": rows, "grades": GRADE_LABELS})


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
        },
    )
