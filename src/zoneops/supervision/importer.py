"""Spreadsheet → list: validate every row (dry run), then commit all or nothing.

`plan_import` reads the workbook (sheets.py), matches units by name, short name or alias,
parses deadlines and prose nodes (deadlines.py) and collects every problem with its sheet, row
and column; it writes nothing. `run_import` commits a clean plan through
services.import_items in one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import IO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zoneops.core import permissions as core_perm
from zoneops.core.models import Unit, User

from . import permissions as perm
from . import services
from .deadlines import DeadlineError, ParsedNode, parse_deadline, parse_nodes
from .models import SupervisionList
from .sheets import RawRow, read_workbook

UNIT_SPLIT = re.compile(r"[、，,；;/／\s]+")
DEFAULT_DELIVERABLE = "完成目标任务"
KIND_WORDS = [("重点", SupervisionList.Kind.KEY_TASKS), ("改革", SupervisionList.Kind.REFORMS),
              ("攻坚", SupervisionList.Kind.TOUGH)]
LIMITS = {"code": 32, "title": 300, "domain": 50, "leader_name": 100, "owner_name": 100}


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str | None
    header: str
    message: str

    def __str__(self) -> str:
        """Where, in spreadsheet notation (增补事项!C4, or 增补事项!4:4 for a row), then what."""
        where = self.sheet or "*"
        if self.row is not None:
            where += f"!{self.column}{self.row}" if self.column else f"!{self.row}:{self.row}"
        if self.header:
            where += f" ({self.header})"
        return f"{where}: {self.message}"


@dataclass
class PlannedItem:
    sheet: str
    row: int
    code: str
    domain: str
    title: str
    target: str
    leader_name: str
    lead_unit: str        # the unit's name (existing or to be created)
    co_units: list[str]
    owner_name: str
    start_date: date | None
    deadline: date | None
    deadline_text: str
    nodes: list[ParsedNode]


@dataclass
class ImportPlan:
    list_name: str
    year: int
    items: list[PlannedItem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    units_to_create: list[str] = field(default_factory=list)
    list_exists: bool = False
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


DEADLINE_MESSAGES = {
    "number": gettext_noop("Not a number: “%(text)s”."),
    "date": gettext_noop("No such date: “%(text)s”."),
    "month": gettext_noop("No such month: “%(text)s”."),
    "empty": gettext_noop("The deadline is empty."),
    "unreadable": gettext_noop("Cannot read a deadline in “%(text)s”."),
    "no_deadline": gettext_noop("No deadline in “%(text)s”."),
    "no_deliverable": gettext_noop("No deliverable in “%(text)s”."),
}
SHEET_MESSAGES = {
    "not_xlsx": gettext_noop("Not an Excel .xlsx workbook (%(text)s)."),
    "no_column": gettext_noop("No column for %(text)s."),
    "no_header": gettext_noop("No sheet has a header row with a task name and a lead unit."),
}


def deadline_message(exc: DeadlineError) -> str:
    return _(DEADLINE_MESSAGES.get(exc.kind, "Cannot read a deadline in “%(text)s”.")) % {
        "text": exc.text}


def _sheet_message(problem) -> str:
    template = SHEET_MESSAGES.get(problem.kind)
    return _(template) % {"text": problem.detail} if template else problem.message


def kind_for(name: str) -> str:
    for word, kind in KIND_WORDS:
        if word in name:
            return kind
    return SupervisionList.Kind.CUSTOM


def unit_lookup() -> dict[str, Unit]:
    """Every way a unit is written → the unit (names win over aliases)."""
    found: dict[str, Unit] = {}
    for unit in Unit.objects.prefetch_related("aliases"):
        for alias in unit.aliases.all():
            found.setdefault(alias.alias, unit)
        if unit.short_name:
            found[unit.short_name] = unit
    for unit in Unit.objects.all():
        found[unit.name] = unit
    return found


def _problem(row: RawRow, name: str | None, message: str) -> Problem:
    cell = row.cells.get(name) if name else None
    return Problem(row.sheet, row.row, cell.column if cell else None,
                   cell.header if cell else "", message)


def plan_import(source: str | IO[bytes], *, list_name: str, year: int,
                create_units: bool = False) -> ImportPlan:
    plan = ImportPlan(list_name.strip(), year)
    if not plan.list_name:
        plan.problems.append(Problem("", None, None, "", _("The list needs a name.")))
    if not 2000 <= year <= 2100:
        plan.problems.append(Problem("", None, None, "", _("Year %(year)s is out of range.")
                                     % {"year": year}))
    existing = SupervisionList.objects.filter(name=plan.list_name, year=year).first()
    plan.list_exists = existing is not None
    taken = set(existing.items.values_list("code", flat=True)) if existing else set()
    result = read_workbook(source)
    plan.problems += [Problem(p.sheet, p.row, p.column, "", _sheet_message(p))
                      for p in result.problems]
    units = unit_lookup()
    unknown: dict[str, Problem] = {}
    seen_codes: dict[str, int] = {}
    for index, row in enumerate(result.rows, start=1):
        planned = _plan_row(plan, row, index, units, unknown, create_units)
        if planned is None:
            continue
        if planned.code in seen_codes:
            plan.problems.append(_problem(row, "code", _(
                "Code %(code)s is used again (first on row %(row)s).") % {
                "code": planned.code, "row": seen_codes[planned.code]}))
        elif planned.code in taken:
            plan.problems.append(_problem(row, "code", _(
                "Code %(code)s is already in the list %(list)s.") % {
                "code": planned.code, "list": f"{year} {plan.list_name}"}))
        seen_codes.setdefault(planned.code, row.row)
        plan.items.append(planned)
    if not result.rows and not result.problems:
        plan.problems.append(Problem("", None, None, "", _("The workbook has no item rows.")))
    if create_units:
        plan.units_to_create = sorted(unknown)
    else:
        plan.problems += list(unknown.values())
    plan.problems.sort(key=lambda p: (p.sheet, p.row or 0, p.column or ""))
    return plan


def _units(text: str) -> list[str]:
    return [part for part in UNIT_SPLIT.split(text) if part]


def _plan_row(plan: ImportPlan, row: RawRow, index: int, units: dict[str, Unit],
              unknown: dict[str, Problem], create_units: bool) -> PlannedItem | None:
    problems: list[Problem] = []
    values = {name: row.text(name) for name in ("code", "domain", "title", "target",
                                                 "leader_name", "owner_name")}
    values["code"] = values["code"] or str(index)
    values["domain"] = values["domain"] or row.section
    if not values["title"]:
        problems.append(_problem(row, "title", _("The task name is empty.")))
    for name, limit in LIMITS.items():
        if len(values[name]) > limit:
            problems.append(_problem(row, name, _("Longer than %(n)s characters.")
                                     % {"n": limit}))
    lead_names = _units(row.text("lead_unit"))
    co_names = _units(row.text("co_units"))
    if not lead_names:
        problems.append(_problem(row, "lead_unit", _("The lead unit is empty.")))
    names: list[str] = []
    for column, written in [("lead_unit", n) for n in lead_names] + [
            ("co_units", n) for n in co_names]:
        unit = units.get(written)
        if unit is not None:
            names.append(unit.name)
        else:
            names.append(written)
            # One problem per unknown unit, at its first mention.
            unknown.setdefault(written, _problem(row, column, _(
                "Unknown unit “%(unit)s”: not the name, short name or alias of a unit.")
                % {"unit": written}))
    deadline_text = row.text("deadline")
    deadline: date | None = None
    if deadline_text:
        try:
            deadline = parse_deadline(deadline_text, plan.year).date
        except DeadlineError as exc:
            problems.append(_problem(row, "deadline", deadline_message(exc)))
    nodes: list[ParsedNode] = []
    try:
        nodes = parse_nodes(row.text("nodes"), plan.year)
    except DeadlineError as exc:
        problems.append(_problem(row, "nodes", deadline_message(exc)))
    start_date = None
    if row.text("start_date"):
        try:
            start_date = parse_deadline(row.text("start_date"), plan.year).date
        except DeadlineError as exc:
            problems.append(_problem(row, "start_date", deadline_message(exc)))
    if deadline is None and nodes:
        deadline = max(n.planned_date for n in nodes)
    if not nodes and deadline is not None:
        nodes = [ParsedNode(deadline, DEFAULT_DELIVERABLE, deadline_text)]
    if deadline and any(n.planned_date > deadline for n in nodes):
        late = max(nodes, key=lambda n: n.planned_date)
        problems.append(_problem(row, "nodes", _(
            "Node “%(node)s” (%(when)s) is after the deadline %(deadline)s.") % {
            "node": late.deliverable, "when": late.text, "deadline": deadline_text}))
    plan.problems += problems
    if problems or not lead_names:
        return None
    lead, *extra = names[:len(lead_names)]
    co = list(dict.fromkeys(n for n in extra + names[len(lead_names):] if n != lead))
    return PlannedItem(row.sheet, row.row, values["code"], values["domain"], values["title"],
                       values["target"], values["leader_name"], lead, co,
                       values["owner_name"], start_date, deadline, deadline_text, nodes)


def run_import(actor: User, source: str | IO[bytes], *, list_name: str, year: int,
               dry_run: bool = False, create_units: bool = False) -> ImportPlan:
    """Plan, and unless this is a dry run or anything is wrong, commit (all or nothing)."""
    core_perm.require(perm.can_manage(actor), "you may not import lists")
    plan = plan_import(source, list_name=list_name, year=year, create_units=create_units)
    if plan.units_to_create and not core_perm.can_manage_registry(actor):
        plan.problems.append(Problem("", None, None, "", _(
            "Only an administrator may create units: %(units)s.")
            % {"units": "、".join(plan.units_to_create)}))
    if plan.ok and not dry_run:
        services.import_items(actor, plan)
        plan.committed = True
    return plan
