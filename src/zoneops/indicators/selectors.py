"""Reads the pages, the API and the checks share."""

from __future__ import annotations

from django.db.models import QuerySet

from zoneops.core.models import User

from . import derived, permissions
from .models import Indicator, Target, Value


def indicators(user: User) -> QuerySet[Indicator]:
    if not permissions.can_view_indicators(user):
        return Indicator.objects.none()
    return Indicator.objects.filter(is_active=True).select_related("owner_unit")


def year_values(indicator: Indicator, year: int) -> dict[int, Value]:
    return {v.month: v for v in Value.objects.filter(indicator=indicator, year=year)}


def single_months(indicator: Indicator, year: int) -> list[derived.SingleMonth]:
    """Single months of a cumulative indicator (falls flagged); empty for point indicators."""
    if indicator.accumulation != Indicator.Accumulation.CUMULATIVE:
        return []
    levels = {m: v.level for m, v in year_values(indicator, year).items()}
    return derived.single_months(levels)


def progress(indicator: Indicator, year: int) -> derived.Progress | None:
    """时序进度 of the latest cumulative value against the year's target level, if both exist."""
    target = Target.objects.filter(indicator=indicator, year=year).first()
    latest = (Value.objects.filter(indicator=indicator, year=year, level__isnull=False)
              .order_by("-month").first())
    if (target is None or target.value is None or latest is None
            or indicator.accumulation != Indicator.Accumulation.CUMULATIVE):
        return None
    return derived.schedule_progress(latest.level, target.value, latest.month)
