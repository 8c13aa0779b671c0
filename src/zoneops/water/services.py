"""Every write of the water module: the chain's points (admin only, audited, the graph checked
by the pure engine's own rules) and its anomalies as core alerts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zoneops.core import permissions as perm
from zoneops.core.models import Alert, User
from zoneops.core.services.alerts import Raise, apply_causes
from zoneops.core.services.audit import save_audited

from .balance import Anomaly, ChainError, parse_chain
from .balance.limits import set_names
from .models import WaterPoint
from .permissions import can_manage_chain

POINT_FIELDS = ("code", "name", "kind", "downstream", "travel_minutes", "station",
                "enterprise", "unit", "target_class", "limit_set", "limits")
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


def check_chain(points: Sequence[dict]) -> None:
    """The engine's rules on a set of points (kinds, travel times, limits, no loops), as a
    ValidationError keyed by field."""
    try:
        parse_chain({"points": list(points), "series": []}, set_names())
    except ChainError as exc:
        where, _sep, message = str(exc).partition(": ")
        field = where.split(".", 1)[1].split(".")[0] if "." in where else "code"
        raise ValidationError({field: message}) from exc


def save_point(actor: User, data: dict[str, Any], point: WaterPoint | None = None
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


def raise_alerts(anomalies: Sequence[Anomaly]) -> list[Alert | None]:
    """Each anomaly becomes (or refreshes) one core alert per point, kind and pollutant, to
    the point's responsible unit and enterprise; data_quality at the lowest level."""
    points = {p.code: p for p in WaterPoint.objects.select_related("enterprise", "unit")
              .filter(code__in={a.point for a in anomalies})}
    causes = []
    for a in anomalies:
        point = points.get(a.point)
        unit = point.unit if point else None
        enterprise = point.enterprise if point else None
        if unit is None and enterprise is not None:
            unit = enterprise.unit
        causes.append(Raise(
            module=MODULE, level=LEVELS[a.kind], key=f"{a.point}:{a.kind}:{a.pollutant}",
            title=_("Wastewater %(point)s: %(pollutant)s %(kind)s") % {
                "kind": KIND_LABELS[a.kind], "pollutant": a.pollutant, "point": a.point},
            detail=a.why, source=point, unit=unit, enterprise=enterprise,
            data={"start": a.start.isoformat(), "end": a.end.isoformat(),
                  "residual_kg_h": a.residual_kg_h, "score": a.score}))
    return apply_causes(causes)
