"""Monthly unit standings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import (
    Item,
)
from . import base
from .base import PERIOD

# --- monthly unit standings ---------------------------------------------------------------------

@transaction.atomic
def record_month_stats(month: str, *, on: date | None = None) -> int:
    """Write every unit's standing for `month`, computed as of the month's last day (or `on`
    while the month runs) exactly as the monthly report computes it."""
    from ..models import UnitMonthStat
    from ..ranking import rank_units
    from ..report import month_end, unit_counts_as_of

    if not PERIOD.match(month):
        raise ValidationError({"month": _("Write the month as YYYY-MM.")})
    day = min(month_end(month), on or base.today())
    items = Item.objects.exclude(status=Item.Status.CANCELLED).filter(
        supervision_list__year=day.year)
    standings = rank_units(unit_counts_as_of(items, day))
    UnitMonthStat.objects.filter(month=month).delete()
    UnitMonthStat.objects.bulk_create([
        UnitMonthStat(month=month, unit_id=s.unit_id, total=s.total, done=s.done, ahead=s.ahead,
                      on_schedule=s.on_schedule, behind=s.behind, score=Decimal(str(s.score)),
                      rank=s.rank) for s in standings])
    return len(standings)
