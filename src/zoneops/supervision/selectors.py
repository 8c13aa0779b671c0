"""Reads shared by pages, API, exports and reports, with row-level scoping applied here."""

from __future__ import annotations

import calendar
from collections import Counter
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from zoneops.core.models import User

from . import permissions as perm
from .models import Item, Light, Report, SupervisionList

FILTERS = ("list", "domain", "unit", "light", "status", "bucket", "q")


def items_for(user: User) -> QuerySet[Item]:
    """Items a person may see: everything for leaders, the office, duty officers and the
    administrator; for unit staff the items their units lead or cooperate on."""
    return perm.ITEMS.restrict(
        user, queryset=Item.objects.select_related("supervision_list", "lead_unit"))


def year_items(user: User, year: int) -> QuerySet[Item]:
    """The items of a year's lists a person may see (cancelled ones left out): what other
    modules count, e.g. the lights per lead unit on the leader's screen."""
    return (items_for(user).filter(supervision_list__year=year)
            .exclude(status=Item.Status.CANCELLED))


def lists_for(user: User) -> QuerySet[SupervisionList]:
    return perm.LISTS.restrict(user)


def filter_items(qs: QuerySet[Item], params: dict[str, str]) -> QuerySet[Item]:
    """Apply the list page's filters (the same ones exports and the API take)."""
    if value := params.get("list"):
        qs = qs.filter(supervision_list_id=int(value)) if value.isdigit() else qs.filter(
            supervision_list__name=value)
    if value := params.get("domain"):
        qs = qs.filter(domain=value)
    if (value := params.get("unit")) and value.isdigit():
        qs = qs.filter(lead_unit_id=int(value))
    if value := params.get("light"):
        qs = qs.filter(light=value)
    if value := params.get("status"):
        qs = qs.filter(status=value)
    if value := params.get("bucket"):
        qs = qs.filter(bucket=value)
    if value := params.get("q"):
        qs = qs.filter(Q(title__icontains=value) | Q(code__icontains=value))
    return qs


def counts(qs: QuerySet[Item]) -> dict[str, dict[str, int]]:
    """How many of the filtered items per light, status and bucket (one query each)."""
    out: dict[str, dict[str, int]] = {}
    for field in ("light", "status", "bucket"):
        out[field] = dict(qs.order_by().values_list(field).annotate(n=Count("id")))
    out["total"] = {"all": sum(out["light"].values())}
    return out


def domains(qs: QuerySet[Item]) -> list[str]:
    return sorted({d for d in qs.order_by().values_list("domain", flat=True).distinct() if d})


def item_for(user: User, pk: int) -> Item | None:
    return items_for(user).filter(pk=pk).first()


def last_report(item: Item) -> Report | None:
    return item.reports.prefetch_related("lines").first()


def prefill(item: Item, period: str) -> dict[str, Any]:
    """What the report form starts with: this period's report if there is one, otherwise the
    last report and the nodes as the system knows them (report once, never retype)."""
    current = item.reports.filter(period=period).prefetch_related("lines").first()
    source = current or last_report(item)
    lines = {line.node_id: line for line in source.lines.all()} if source else {}
    nodes = []
    for node in item.nodes.all():
        line = lines.get(node.pk)
        nodes.append({"node": node,
                      "actual_date": node.actual_date or (line.actual_date if line else None),
                      "evidence": node.evidence or (line.evidence if line else ""),
                      "note": line.note if line else ""})
    return {
        "progress": source.progress if source else item.progress,
        "summary": source.summary if source else "",
        "difficulties": source.difficulties if source else "",
        "funds_used": source.funds_used if source else item.funds_used,
        "nodes": nodes, "current": current,
    }


def reports_to_review(user: User) -> QuerySet[Report]:
    return (perm.REPORTS.restrict(user, "review").filter(status=Report.Status.SUBMITTED)
            .select_related("item", "item__lead_unit", "submitted_by")
            .order_by("submitted_at"))


def light_counts(qs: QuerySet[Item]) -> dict[str, int]:
    found = Counter(dict(qs.order_by().values_list("light").annotate(n=Count("id"))))
    return {value: found.get(value, 0) for value in Light.values}


# --- dashboard ----------------------------------------------------------------------------------

BUCKET_ORDER = ["done", "ahead", "on_schedule", "behind"]


def _grid(rows, key_order: list[str] | None = None) -> dict[str, dict[str, int]]:
    grid: dict[str, dict[str, int]] = {}
    for key, bucket, n in rows:
        grid.setdefault(key or "—", {b: 0 for b in BUCKET_ORDER})[bucket] = n
    if key_order:
        return {k: grid[k] for k in key_order if k in grid}
    return dict(sorted(grid.items()))


def previous_month(month: str) -> str:
    year, m = int(month[:4]), int(month[5:7])
    return f"{year - 1}-12" if m == 1 else f"{year}-{m - 1:02d}"


def unit_bucket_counts(qs: QuerySet[Item]) -> dict[tuple[int, str], dict[str, int]]:
    counts: dict[tuple[int, str], dict[str, int]] = {}
    rows = (qs.order_by().values_list("lead_unit_id", "lead_unit__name", "bucket")
            .annotate(n=Count("id")))
    for unit_id, name, bucket, n in rows:
        counts.setdefault((unit_id, name), {})[bucket] = n
    return counts


def unit_leaders(unit_ids: list[int]) -> dict[int, str]:
    """Each unit's leader in charge, named beside it in rankings (晾晒)."""
    from zoneops.core.models import Unit

    return {pk: full_name or username or "" for pk, full_name, username in
            Unit.objects.filter(pk__in=unit_ids).values_list(
                "pk", "leader__full_name", "leader__username")}


def _flat(counter: Counter) -> list[tuple[str, str, int]]:
    return [(key, bucket, n) for (key, bucket), n in counter.items()]


def as_of_day(month: str) -> date:
    """The day a month's figures are computed for: today in the running month, the month's
    last day for a past one (and its first for a future one)."""
    from .services import today

    year, m = int(month[:4]), int(month[5:7])
    end = date(year, m, calendar.monthrange(year, m)[1])
    return max(min(end, today()), date(year, m, 1))


def dashboard(user: User, month: str) -> dict[str, Any]:
    """Buckets by list and by domain, unit ranking with the change since last month, red
    and yellow items — every figure computed as of the day shown (asof.for_items), never
    read from a light stored on another day."""
    from . import asof
    from .models import UnitMonthStat
    from .ranking import rank_units

    on = as_of_day(month)
    items = list(items_for(user).filter(supervision_list__year=int(month[:4]))
                 .exclude(status=Item.Status.CANCELLED).defer("light_inputs", "target")
                 .order_by("supervision_list__sort_order", "supervision_list_id", "sort_code"))
    now = asof.for_items(items, on)
    by_list = _grid(_flat(Counter((i.supervision_list.name, now[i.pk].bucket) for i in items)),
                    list(dict.fromkeys(i.supervision_list.name for i in items)))
    by_domain = _grid(_flat(Counter((i.domain, now[i.pk].bucket) for i in items)))
    counts: dict[tuple[int, str], dict[str, int]] = {}
    for i in items:
        row = counts.setdefault((i.lead_unit_id, i.lead_unit.name), {})
        row[now[i.pk].bucket] = row.get(now[i.pk].bucket, 0) + 1
    previous = dict(UnitMonthStat.objects.filter(month=previous_month(month))
                    .values_list("unit_id", "rank"))
    ranking = rank_units(counts, previous)
    leaders = unit_leaders([s.unit_id for s in ranking])
    totals = {b: sum(g[b] for g in by_list.values()) for b in BUCKET_ORDER}
    found = Counter(now[i.pk].light for i in items)
    red = [(i, now[i.pk]) for i in items if now[i.pk].light == Light.RED][:50]
    yellow = [(i, now[i.pk]) for i in items if now[i.pk].light == Light.YELLOW][:50]
    return {"by_list": by_list, "by_domain": by_domain, "ranking": ranking,
            "totals": totals, "total": sum(totals.values()),
            "lights": {value: found.get(value, 0) for value in Light.values},
            "red": red, "yellow": yellow, "month": month, "leaders": leaders, "on": on}
