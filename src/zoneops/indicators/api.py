"""Indicators API (read-only): the catalogue with each indicator's latest value of a year, and
one indicator's values — the same selectors and permission rules as the pages and the screen."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema

from zoneops.core.api import ERRORS

from . import permissions, selectors
from .models import Target

router = Router(tags=["indicators"])


class ProgressOut(Schema):
    done_pct: float
    time_pct: float
    gap_pp: float
    on_track: bool


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    basis: str
    accumulation: str
    frequency: str
    owner_unit: str
    year: int
    period: str  # "1–N月" of the latest value (or its month), "" when none yet
    month: int | None
    level: Decimal | None
    official_rate_pct: Decimal | None  # as published, never derived
    level_rate_pct: float | None  # from this and last year's levels, beside the official one
    rate_flagged: bool
    falls: list[str]
    target: Decimal | None
    target_growth_pct: Decimal | None
    progress: ProgressOut | None


class ValueOut(Schema):
    year: int
    month: int
    level: Decimal | None
    official_rate_pct: Decimal | None
    single_month: Decimal | None  # cumulative(N) − cumulative(N−1); None when not known
    single_month_label: str
    note: str


class ValuesOut(Schema):
    code: str
    name: str
    unit: str
    year: int
    values: list[ValueOut]
    target: Decimal | None
    target_growth_pct: Decimal | None
    progress: ProgressOut | None


def _require(request) -> None:
    if not permissions.can_view_indicators(request.user):
        raise PermissionDenied


def _year(year: int | None) -> int:
    """?year=, default this year in Beijing time; 422 with the reason when out of range."""
    if year is None:
        return timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": [_("year: “%(value)s” is not a year between 2000 and "
                                          "2100.") % {"value": year}]})
    return year


def _targets(year: int) -> dict[int, Target]:
    return {t.indicator_id: t for t in Target.objects.filter(year=year)}


@router.get("/", response={200: list[IndicatorOut], **ERRORS})
def catalogue(request, year: int | None = None):
    """Every active indicator with its latest value of `year` (default this year), the
    official rate, the rate from levels and 时序进度."""
    _require(request)
    year = _year(year)
    targets = _targets(year)
    out = []
    for row in selectors.overview(request.user, year):
        target = targets.get(row.indicator.pk)
        latest = row.latest
        out.append({
            "code": row.indicator.code, "name": row.indicator.name, "unit": row.indicator.unit,
            "basis": row.indicator.basis, "accumulation": row.indicator.accumulation,
            "frequency": row.indicator.frequency, "owner_unit": row.indicator.owner_unit.name,
            "year": year, "period": row.label,
            "month": latest.month if latest else None,
            "level": latest.level if latest else None,
            "official_rate_pct": latest.official_rate_pct if latest else None,
            "level_rate_pct": row.level_rate, "rate_flagged": row.rate_flagged,
            "falls": row.falls,
            "target": target.value if target else None,
            "target_growth_pct": target.growth_pct if target else None,
            "progress": row.progress})
    return out


@router.get("/{code}/values", response={200: ValuesOut, **ERRORS})
def values(request, code: str, year: int | None = None):
    """One indicator's published values of `year`, month by month, with single months."""
    _require(request)
    year = _year(year)
    indicator = get_object_or_404(selectors.indicators(request.user), code=code)
    singles = {s.month: s for s in selectors.single_months(indicator, year)}
    target = Target.objects.filter(indicator=indicator, year=year).first()
    rows = []
    for month, value in sorted(selectors.year_values(indicator, year).items()):
        single = singles.get(month)
        rows.append({"year": year, "month": month, "level": value.level,
                     "official_rate_pct": value.official_rate_pct,
                     "single_month": single.value if single else None,
                     "single_month_label": single.label if single else "",
                     "note": value.note})
    return {"code": indicator.code, "name": indicator.name, "unit": indicator.unit,
            "year": year, "values": rows,
            "target": target.value if target else None,
            "target_growth_pct": target.growth_pct if target else None,
            "progress": selectors.progress(indicator, year)}
