"""One-line hooks for other modules' pages: `{% load tracing %}{% tracing_suspects alert %}`
on the alert page and `{% tracing_points enterprise %}` on the enterprise page, so those pages
need no change in their views."""

from __future__ import annotations

from django import template

from zoneops.core import permissions as core

from .. import permissions as perm
from .. import selectors, services

register = template.Library()


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
