"""The peer zones' sheet (兄弟园区主要指标对比): one row per zone and indicator with the
period, the published level and the official year-on-year rate. The period comes from the
row's 年份/月份 columns, or from the title ("2026年1-10月…") when the sheet has none.

Read through the core import kit like the bureau's sheet (bureau_import.py): `parse` checks
every row and reports problems by cell, all at once; `commit` writes nothing unless the whole
sheet is clean, in one transaction through the services. Rows naming an indicator the
catalogue does not have are listed and skipped (the sheet holds more than the zone follows)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from zoneops.core.imports import (
    Problem,
    ProblemsError,
    ReadError,
    TableSpec,
    read_table,
    read_workbook,
)
from zoneops.core.models import User

from . import services
from .bureau_import import _normal, _number, _period
from .models import Indicator

SPEC = TableSpec(
    columns={
        "peer": ("园区名称", "园区", "开发区", "对标园区", "peer"),
        "name": ("指标名称", "指标", "indicator"),
        "year": ("年份", "年度", "year"),
        "month": ("月份", "截至月份", "month"),
        "level": ("累计值", "累计", "绝对值", "本年累计", "level"),
        "rate": ("同比±%", "同比增长%", "同比", "增长%", "增速%", "比上年同期±%", "rate"),
    },
    required=("peer", "name", "rate"),
    anchors=("peer", "name"),
)


@dataclass
class PlannedPeer:
    row: int
    peer: str
    indicator: Indicator
    year: int
    month: int
    level: Decimal | None
    rate: Decimal | None


@dataclass
class PeerPlan:
    sheet: str
    values: list[PlannedPeer]
    skipped: list[tuple[int, str]]  # (row, indicator name) not in the catalogue
    problems: list[Problem]


def _whole(row, name: str, low: int, high: int, default: int | None,
           problems: list[Problem]) -> int | None:
    text = row.text(name).strip() if name else ""
    if not text:
        if default is None:
            problems.append(row.problem(name or None, N_("%(column)s is empty."),
                                        column=SPEC.label(name or "year")))
        return default
    try:
        number = Decimal(text.removesuffix("年").removesuffix("月"))
    except ArithmeticError:
        number = None
    if number is None or number != number.to_integral_value() or not low <= number <= high:
        problems.append(row.problem(name, N_("“%(text)s” is not a whole number from %(low)s "
                                             "to %(high)s."), text=text, low=low, high=high))
        return None
    return int(number)


def parse(source: Any) -> PeerPlan:
    """Read and check the sheet; nothing is written."""
    try:
        grids = read_workbook(source).sheets
    except ReadError as exc:
        return PeerPlan("", [], [], [exc.problem()])
    table = next((t for t in (read_table(SPEC, g) for g in grids) if t is not None), None)
    if table is None:
        return PeerPlan(grids[0].name if grids else "", [], [], [Problem(
            grids[0].name if grids else "", None, None, "", N_("No column for %(column)s."),
            {"column": SPEC.label("peer")})])
    problems = list(table.problems)
    grid = next(g for g in grids if g.name == table.sheet)
    title_year, title_month = _period([str(v) for line in grid.rows[:table.header_row]
                                       for v in line if v])
    for needed, default in (("year", title_year), ("month", title_month)):
        if needed not in table.columns and default is None:
            problems.append(Problem(table.sheet, table.header_row, None, "", N_(
                "No column for %(column)s."), {"column": SPEC.label(needed)}))
    if problems:
        return PeerPlan(table.sheet, [], [], problems)
    catalogue: dict[str, Indicator] = {}
    for indicator in Indicator.objects.filter(is_active=True):
        catalogue[_normal(indicator.name)] = indicator
        catalogue[indicator.code.lower()] = indicator
    values, skipped, seen = [], [], {}
    for row in table.rows:
        name = row.text("name")
        indicator = catalogue.get(_normal(name)) or catalogue.get(name.strip().lower())
        if indicator is None:
            skipped.append((row.row, name))
            continue
        peer = row.text("peer").strip()
        if not peer:
            problems.append(row.problem("peer", N_("%(column)s is empty."),
                                        column=SPEC.label("peer")))
        year = _whole(row, "year" if "year" in table.columns else "", 2000, 2100, title_year,
                      problems)
        month = _whole(row, "month" if "month" in table.columns else "", 1, 12, title_month,
                       problems)
        level = _number(row, "level", problems) if "level" in table.columns else None
        rate = _number(row, "rate", problems)
        if not peer or year is None or month is None:
            continue
        if rate is None and level is None:
            problems.append(row.problem("rate", N_("%(name)s has neither a value nor a rate."),
                                        name=indicator.name))
            continue
        if rate is not None and abs(rate) >= 100000:
            problems.append(row.problem("rate", N_("Not a number: “%(text)s”."),
                                        text=row.text("rate")))
            continue
        key = (peer, indicator.pk, year, month)
        if key in seen:
            problems.append(row.problem("peer", N_(
                "%(name)s appears twice (rows %(first)s and %(second)s)."),
                name=f"{peer} {indicator.name}", first=seen[key], second=row.row))
            continue
        seen[key] = row.row
        values.append(PlannedPeer(row.row, peer, indicator, year, month, level, rate))
    return PeerPlan(table.sheet, values, skipped, sorted(problems, key=Problem.sort_key))


def describe(plan: PeerPlan) -> list[str]:
    """What the import would write, one line per row, then what it skips."""
    lines = [_("row %(row)s %(peer)s %(name)s %(year)s-%(month)02d: value %(level)s, "
               "official rate %(rate)s%%") % {
        "row": p.row, "peer": p.peer, "name": p.indicator.name, "year": p.year,
        "month": p.month, "level": "—" if p.level is None else p.level,
        "rate": "—" if p.rate is None else p.rate} for p in plan.values]
    if plan.skipped:
        lines.append(_("not in the catalogue, skipped: %(names)s") % {
            "names": "、".join(f"{name}（{row}）" for row, name in plan.skipped)})
    return lines


@transaction.atomic
def commit(actor: User, plan: PeerPlan) -> int:
    """Write every row (create or correct), all or nothing."""
    if plan.problems:
        raise ProblemsError(plan.problems)
    if not plan.values:
        raise ValidationError(_("No row of the sheet matches an indicator of the catalogue."))
    for p in plan.values:
        services.record_peer_value(actor, p.indicator, peer=p.peer, year=p.year, month=p.month,
                                   data={"level": p.level, "official_rate_pct": p.rate})
    return len(plan.values)
