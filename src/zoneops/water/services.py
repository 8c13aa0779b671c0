"""Every write of the water module: the chain's points (admin only, audited, the graph checked
by the pure engine's own rules) and its anomalies as core alerts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy, gettext_noop

from zoneops.core import permissions as perm
from zoneops.core.models import Alert, Role, User
from zoneops.core.models.alerts import choice_spec, i18n_spec, render_spec
from zoneops.core.services.alerts import Raise, apply_causes
from zoneops.core.services.audit import save_audited
from zoneops.core.services.notify import notify

from .balance import Anomaly, ChainError, parse_chain
from .balance.limits import set_names
from .models import WaterPoint
from .permissions import can_manage_chain
from .texts import render_why

POINT_FIELDS = ("code", "name", "kind", "downstream", "travel_minutes", "station",
                "enterprise", "unit", "target_class", "limit_set", "limits", "latitude",
                "longitude")
MODULE = "water"
LEVELS = {"limit_exceeded": Alert.Level.ORANGE, "unexplained_load": Alert.Level.ORANGE,
          "shock_load": Alert.Level.ORANGE, "missing_load": Alert.Level.YELLOW,
          "removal_drop": Alert.Level.YELLOW, "data_quality": Alert.Level.BLUE}
KIND_LABELS = {"unexplained_load": gettext_lazy("unexplained load"),
               "missing_load": gettext_lazy("missing load"),
               "shock_load": gettext_lazy("shock load at the plant inlet"),
               "removal_drop": gettext_lazy("removal efficiency drop"),
               "limit_exceeded": gettext_lazy("limit exceeded"),
               "data_quality": gettext_lazy("balance impossible (data quality)")}
TITLE = gettext_noop("Wastewater %(point)s: %(pollutant)s %(kind)s")


def check_chain(points: Sequence[dict]) -> None:
    """The engine's rules on a set of points (kinds, travel times, limits, no loops), as a
    ValidationError keyed by field."""
    try:
        parse_chain({"points": list(points), "series": []}, set_names())
    except ChainError as exc:
        where, _sep, message = str(exc).partition(": ")
        field = where.split(".", 1)[1].split(".")[0] if "." in where else "code"
        raise ValidationError({field: message}) from exc


def _write_point(actor: User, data: dict[str, Any], point: WaterPoint | None = None
               ) -> WaterPoint:
    """Create or change a point of the chain (admin only, audited)."""
    perm.require(can_manage_chain(actor), "only an administrator manages the water chain")
    point = point or WaterPoint()
    data = {k: v for k, v in data.items() if k in POINT_FIELDS}
    with transaction.atomic():
        others = [p.as_chain_point() for p in
                  WaterPoint.objects.select_related("downstream").exclude(pk=point.pk)]
        draft = WaterPoint(**{f: data.get(f, getattr(point, f)) for f in POINT_FIELDS})
        check_chain([*others, draft.as_chain_point()])
        save_audited(actor, point, data)
    return point


def create_point(actor: User, data: dict[str, Any]) -> WaterPoint:
    """A new point (see _write_point)."""
    return _write_point(actor, data, None)


def update_point(actor: User, point: WaterPoint, data: dict[str, Any]) -> WaterPoint:
    """Change a saved point."""
    if point.pk is None:
        raise ValueError("update a saved point; create_point makes a new one")
    return _write_point(actor, data, point)


def _plant_operator() -> WaterPoint | None:
    """The enterprise running the treatment plant (its inlet or outlet point's), if any."""
    return (WaterPoint.objects.select_related("enterprise", "unit")
             .filter(kind__in=(WaterPoint.Kind.PLANT_INLET, WaterPoint.Kind.PLANT_OUTLET),
                     enterprise__isnull=False).order_by("kind", "code").first())


def raise_alerts(anomalies: Sequence[Anomaly]) -> list[Alert | None]:
    """Each anomaly becomes (or refreshes) one core alert per point, kind and pollutant, in
    the core loop: to the environment office (the point's responsible unit, else the
    plant's) and the dispatchers, recorded against the point's enterprise; a new alert is
    also an in-app notice to the enterprise's contacts and the plant operator's, linking the
    point's page (which they may see). data_quality at the lowest level."""
    points = {p.code: p for p in WaterPoint.objects.select_related("enterprise", "unit")
              .filter(code__in={a.point for a in anomalies})}
    plant = _plant_operator()
    causes = []
    for a in anomalies:
        point = points.get(a.point)
        unit = point.unit if point else None
        enterprise = point.enterprise if point else None
        if unit is None and enterprise is not None:
            unit = enterprise.unit
        if unit is None and plant is not None:
            unit = plant.unit
        # Title and detail are stored as message specs too, so each reader sees them in
        # their own language (Alert.display_title/display_detail); the text is the
        # platform's language now, for readers of the bare columns.
        title = i18n_spec(TITLE, point=a.point, pollutant=a.pollutant,
                          kind=choice_spec(KIND_LABELS[a.kind]))
        detail = a.message()
        causes.append(Raise(
            module=MODULE, level=LEVELS[a.kind], key=f"{a.point}:{a.kind}:{a.pollutant}",
            title=render_spec(title)[:200], detail=render_why(detail, a.why), source=point,
            unit=unit, enterprise=enterprise,
            data={"start": a.start.isoformat(), "end": a.end.isoformat(),
                  "residual_kg_h": a.residual_kg_h, "score": a.score,
                  "i18n": {"title": title, "detail": detail}}))
    with transaction.atomic():
        keys = {c.key for c in causes}
        open_before = set(Alert.objects.filter(module=MODULE, key__in=keys, closed_at=None)
                          .values_list("key", flat=True)) if keys else set()
        alerts = apply_causes(causes)
        for cause, alert in zip(causes, alerts, strict=True):
            if alert is None or cause.key in open_before or cause.source is None:
                continue
            open_before.add(cause.key)
            companies = {e.pk for e in (cause.enterprise, plant.enterprise if plant else None)
                         if e is not None}
            if companies:
                texts = (cause.data or {}).get("i18n", {})
                notify(title=alert.title, body=alert.detail,
                       link=reverse("water-point", args=[cause.source.pk]),
                       users=User.objects.filter(is_active=True, role=Role.ENTERPRISE,
                                                 enterprise_id__in=companies),
                       i18n={"title": texts.get("title"), "body": texts.get("detail")})
    return alerts
