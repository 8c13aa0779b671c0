"""The statistics bureau's monthly sheet (主要经济指标): one row per indicator with its unit,
the month's value, the cumulative 1–N月 value and the official year-on-year rate, under a
one- or two-row merged header ("1-10月" over "累计 | 同比±%"), the period in the title.

`parse` reads it through the core import kit and matches each row to the catalogue by name
(or code); `check` adds the consistency flags (a cumulative value below last month's, an
official rate far from what the levels say, a target already missed) — flags never change a
published figure. `commit` writes every matched row in one transaction through the services.
Rows naming an indicator the catalogue does not have are listed and skipped, not refused:
the bureau's sheet always holds more than the zone follows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
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

from . import derived, services
from .models import Indicator, Target, Value

SPEC = TableSpec(
    columns={
        "name": ("指标名称", "指标", "项目", "indicator"),
        "unit": ("计量单位", "单位", "unit"),
        "month_value": ("本月", "当月", "本月数", "month"),
        "cumulative": ("累计", "1-N月累计", "本年累计", "累计数", "绝对值", "累计值", "cumulative"),
        "rate": ("同比±%", "同比增长%", "同比", "增长%", "增速%", "比上年同期±%", "rate"),
    },
    required=("name",),
    anchors=("name",),
)
# "2026年1-10月", "2026年1—2月", "2026年1至10月"; a header "1-10月"; "10月" alone.
_PERIOD = re.compile(r"(?:(\d{4})\s*年)?\s*1\s*[-—–至~～]\s*(\d{1,2})\s*月")
_YEAR = re.compile(r"(\d{4})\s*年")


@dataclass
class PlannedValue:
    indicator: Indicator
    row: int
    level: Decimal | None
    rate: Decimal | None
    flags: list[str] = field(default_factory=list)


@dataclass
class BureauPlan:
    sheet: str
    year: int | None
    month: int | None
    values: list[PlannedValue]
    skipped: list[tuple[int, str]]  # (row, name) not in the catalogue
    problems: list[Problem]


def _number(row, name: str, problems: list[Problem]) -> Decimal | None:
    text = row.text(name).replace(",", "").replace("，", "").strip()
    if text in ("", "-", "—", "…", "/"):
        return None
    try:
        value = Decimal(text.rstrip("%"))
    except InvalidOperation:
        problems.append(row.problem(name, N_("Not a number: “%(text)s”."), text=text))
        return None
    if not value.is_finite():
        problems.append(row.problem(name, N_("Not a number: “%(text)s”."), text=text))
        return None
    return value


def _normal(name: str) -> str:
    """A catalogue name as the bureau may write it: no spaces, no unit in brackets, no
    leading numbering ("1.", "一、", "其中：")."""
    text = re.sub(r"\s+", "", name)
    text = re.sub(r"[（(][^）)]*[）)]$", "", text)
    text = re.sub(r"^(?:[0-9一二三四五六七八九十]+[、.．]|其中[:：])", "", text)
    return text


def _period(texts: list[str]) -> tuple[int | None, int | None]:
    year = month = None
    for text in texts:
        found = _PERIOD.search(text)
        if found:
            year = year or (int(found.group(1)) if found.group(1) else None)
            month = month or int(found.group(2))
        if year is None and (y := _YEAR.search(text)):
            year = int(y.group(1))
    return year, month


def parse(source: Any, *, year: int | None = None, month: int | None = None) -> BureauPlan:
    """Read the sheet; the period from the title or header unless given."""
    try:
        grids = read_workbook(source).sheets
    except ReadError as exc:
        return BureauPlan("", year, month, [], [], [exc.problem()])
    table = next((t for t in (read_table(SPEC, g) for g in grids) if t is not None), None)
    if table is None:
        return BureauPlan(grids[0].name if grids else "", year, month, [], [], [Problem(
            grids[0].name if grids else "", None, None, "", N_("No column for %(column)s."),
            {"column": "指标名称"})])
    problems = list(table.problems)
    grid = next(g for g in grids if g.name == table.sheet)
    head = [str(v) for line in grid.rows[:table.header_row] for v in line if v]
    found_year, found_month = _period(head)
    year, month = year or found_year, month or found_month
    if year is None or month is None:
        problems.append(Problem(table.sheet, None, None, "", N_(
            "The sheet does not say its period (e.g. “2026年1-10月” in the title): give "
            "--year and --month.")))
    elif not 1 <= month <= 12:
        problems.append(Problem(table.sheet, None, None, "", N_("Month %(month)s is not 1–12."),
                                {"month": month}))
    for needed in ("cumulative", "rate"):
        if needed not in table.columns and "month_value" not in table.columns:
            problems.append(Problem(table.sheet, table.header_row, None, "", N_(
                "No column for %(column)s."), {"column": SPEC.label(needed)}))
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
        if indicator.pk in seen:
            problems.append(row.problem("name", N_(
                "%(name)s appears twice (rows %(first)s and %(second)s)."),
                name=indicator.name, first=seen[indicator.pk], second=row.row))
            continue
        seen[indicator.pk] = row.row
        unit = row.text("unit")
        if unit and indicator.unit and unit.replace(" ", "") != indicator.unit.replace(" ", ""):
            problems.append(row.problem("unit", N_(
                "The unit is %(unit)s here but %(expected)s in the catalogue: convert the "
                "figure or correct the catalogue."), unit=unit, expected=indicator.unit))
            continue
        level_field = ("cumulative" if indicator.accumulation == Indicator.Accumulation.CUMULATIVE
                       else "month_value")
        if level_field not in table.columns:
            level_field = "cumulative" if "cumulative" in table.columns else "month_value"
        level = _number(row, level_field, problems)
        rate = _number(row, "rate", problems) if "rate" in table.columns else None
        if level is None and rate is None:
            problems.append(row.problem(level_field, N_(
                "%(name)s has neither a value nor a rate."), name=indicator.name))
            continue
        values.append(PlannedValue(indicator, row.row, level, rate))
    plan = BureauPlan(table.sheet, year, month, values, skipped, problems)
    if not problems:
        check(plan)
    return plan


def check(plan: BureauPlan) -> None:
    """Consistency flags beside each planned value, against what is stored: a cumulative
    value below the previous month's; an official rate more than RATE_GAP_PP from the level
    ratio to the same month last year (the threshold of data/checks.json, as the overview
    uses); a December value below the annual target."""
    from .selectors import _checks

    threshold = _checks()["rate_gap_pp"]["value"]
    for planned in plan.values:
        indicator, level = planned.indicator, planned.level
        if level is None:
            continue
        before = (Value.objects.filter(indicator=indicator, year=plan.year,
                                       month__lt=plan.month, level__isnull=False)
                  .order_by("-month").values_list("level", flat=True).first())
        if (indicator.accumulation == Indicator.Accumulation.CUMULATIVE and before is not None
                and level < before):
            planned.flags.append(_("below the cumulative value of an earlier month (%(v)s)")
                                 % {"v": before})
        last_year = Value.objects.filter(indicator=indicator, year=plan.year - 1,
                                         month=plan.month).first()
        if planned.rate is not None and last_year and last_year.level and last_year.level > 0:
            gap = derived.rate_gap(planned.rate, level, last_year.level, threshold)
            if gap.flagged:
                planned.flags.append(_(
                    "official rate %(rate)s%% is %(gap)s points from the level ratio "
                    "(%(derived)s%%)") % {"rate": planned.rate, "gap": gap.gap_pp,
                                           "derived": gap.from_levels_pct})
        target = Target.objects.filter(indicator=indicator, year=plan.year).first()
        if (target and target.value and indicator.accumulation
                == Indicator.Accumulation.CUMULATIVE
                and derived.target_missed(level, target.value, plan.month)):
            planned.flags.append(_("the annual target %(t)s is missed") % {"t": target.value})


def describe(plan: BureauPlan) -> list[str]:
    """What the import would write, one line per indicator, then what it skips."""
    lines = [_("%(sheet)s: period %(year)s, 1–%(month)s月") % {
        "sheet": plan.sheet, "year": plan.year, "month": plan.month}]
    for p in plan.values:
        line = _("row %(row)s %(name)s: value %(level)s %(unit)s, official rate %(rate)s%%") % {
            "row": p.row, "name": p.indicator.name, "unit": p.indicator.unit,
            "level": "—" if p.level is None else p.level,
            "rate": "—" if p.rate is None else p.rate}
        if p.flags:
            line += " ⚠ " + "；".join(p.flags)
        lines.append(line)
    if plan.skipped:
        lines.append(_("not in the catalogue, skipped: %(names)s") % {
            "names": "、".join(f"{name}（{row}）" for row, name in plan.skipped)})
    return lines


@transaction.atomic
def commit(actor: User, plan: BureauPlan, *, source: str) -> int:
    """Write every matched value (create or correct), all or nothing."""
    if plan.problems:
        raise ProblemsError(plan.problems)
    if not plan.values:
        raise ValidationError(_("No row of the sheet matches an indicator of the catalogue."))
    for planned in plan.values:
        services.record_value(actor, planned.indicator, year=plan.year, month=plan.month, data={
            "level": planned.level, "official_rate_pct": planned.rate,
            "note": (_("imported from %(file)s") % {"file": source})[:200]})
    return len(plan.values)
