"""One-line hooks for other modules' pages: `{% load tracing %}{% tracing_suspects alert %}`
on the alert page and `{% tracing_points enterprise %}` on the enterprise page, so those pages
need no change in their views."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from zoneops.core import permissions as core

from .. import permissions as perm
from .. import selectors, services

register = template.Library()

# The dispersion library's fixed warnings (a pure core: English, "key: text"), as people read
# them; a warning with figures in it is shown as the library wrote it.
WARNINGS = {
    "mixing_height: not given, no lid applied":
        _("Mixing height not given: no lid applied."),
    "sigma_theta: daytime EPA table used without night-time adjustment":
        _("Stability from the wind's spread: the EPA daytime table, without night-time "
          "adjustment."),
    "roughness: not given, 0.1 m assumed for the Golder classification":
        _("Surface roughness not given: 0.1 m assumed for the Golder classification."),
    "turner: night with wind < 2 m/s is blank in Turner's table; F used":
        _("Night with wind under 2 m/s is blank in Turner's table: class F used."),
    "stability: no stability input, neutral D assumed":
        _("No stability input: neutral class D assumed."),
    "search_radius: posterior mass reaches the edge of the search area":
        _("The likely source area reaches the edge of the search area."),
    "far_field: receptors beyond 10 km; a straight-line plume is unreliable there":
        _("Stations beyond 10 km: a straight-line plume is unreliable there."),
}


@register.filter
def trace_warning(text: str) -> str:
    """A tracer's warning in the reader's language where it is one of the fixed ones."""
    return str(WARNINGS.get(text, text))


@register.inclusion_tag("tracing/_suspects.html", takes_context=True)
def tracing_suspects(context, alert) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not perm.can_view_suspects(user, alert):
        return {"show": False}
    trace = selectors.trace_of(alert)
    traceable = trace is not None or services.alarm_factor(alert) is not None or (
        alert.module == "tracing" and alert.key.startswith("odour:"))
    if not traceable:
        return {"show": False}
    suspects = selectors.suspects_of(trace) if trace else []
    return {
        "show": True, "alert": alert, "trace": trace, "suspects": suspects,
        "map": selectors.map_data(trace, suspects) if trace else None,
        "can_decide": perm.can_decide(user, alert) and alert.is_open,
        "can_request": perm.can_request_trace(user, alert) and alert.is_open,
        "csrf_token": context.get("csrf_token"), "request": request,
    }


@register.inclusion_tag("tracing/_points.html", takes_context=True)
def tracing_points(context, enterprise) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or core.role_of(user) is None:
        return {"show": False}
    return {"show": True, "enterprise": enterprise,
            "rows": [(p, perm.POINTS.allows(user, p, "change"))
                     for p in selectors.points_for(user, enterprise)],
            "can_add": perm.can_add_point(user, enterprise)}
