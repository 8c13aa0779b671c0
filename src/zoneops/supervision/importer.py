"""Spreadsheet → lists: validate every row (dry run), then commit all or nothing.

The import kit (zoneops.core.imports) reads the file and finds each sheet's table
(sheets.py says which wordings name which field). `plan_import` plans one list;
`plan_workbook` plans one list per sheet, telling key tasks, reforms and tough projects apart
by the sheet's name or title. Planning matches units (name, short name, alias; roles from
marks such as “（牵头）” or “配合单位：”), parses deadlines and nodes (deadlines.py), joins
one-row-per-node rows, turns quarter columns into nodes, and collects every problem with its
sheet, cell and header; it writes nothing. Items already in the list (same code, else same
title) are updated, never recreated, so their progress history stays. `run_import` commits a
clean plan through the services in one transaction.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO

from django.db import transaction
from django.utils.translation import gettext_noop as N_

from zoneops.core import permissions as core_perm
from zoneops.core.imports import Problem, Row, one_line, section_name
from zoneops.core.imports.units import unit_lookup
from zoneops.core.models import Unit, User

from . import permissions as perm
from . import services
from .deadlines import (
    DeadlineError,
    ParsedNode,
    has_deadline,
    parse_deadline,
    parse_nodes,
    why,
)
from .models import Item, Node, SupervisionList
from .sheets import QUARTERS, kind_of, read_list_workbook

UNIT_SPLIT = re.compile(r"[、，,；;/／\s]+")
ROLE_LABEL = re.compile(r"(牵头单位|责任单位|主办单位|配合单位|协办单位|配合部门)[:：]")
LEAD_MARK = re.compile(r"[（(]?(?:牵头|主办|负责)[)）]?$")
CO_MARK = re.compile(r"[（(]?(?:配合|协办|参与)[)）]?$")
DEFAULT_DELIVERABLE = "完成目标任务"
KIND_NAMES = {"key_tasks": "重点任务", "reforms": "改革突破", "tough": "攻坚项目"}
LIMITS = {"code": 32, "title": 300, "domain": 50, "leader_name": 100, "owner_name": 100}
QUARTER_ENDS = {"q1": (3, 31), "q2": (6, 30), "q3": (9, 30), "q4": (12, 31)}
DEADLINE_MESSAGES = {
    "number": N_("Not a number: “%(text)s”."),
    "date": N_("No such date: “%(text)s”."),
    "month": N_("No such month: “%(text)s”."),
    "empty": N_("The deadline is empty."),
    "unreadable": N_("Cannot read a deadline in “%(text)s”."),
    "no_deadline": N_("No deadline in “%(text)s”."),
    "no_deliverable": N_("No deliverable in “%(text)s”."),
}


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
    existing_id: int | None = None      # the item this row updates
    changes: list[str] = field(default_factory=list)  # what the update changes (the diff)


@dataclass
class ImportPlan:
    list_name: str
    year: int
    items: list[PlannedItem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    units_to_create: list[str] = field(default_factory=list)
    list_exists: bool = False
    committed: bool = False
    sheet: str = ""
    kind: str = SupervisionList.Kind.CUSTOM

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def new_items(self) -> list[PlannedItem]:
        return [p for p in self.items if p.existing_id is None]

    @property
    def updated_items(self) -> list[PlannedItem]:
        return [p for p in self.items if p.existing_id is not None]


def kind_for(name: str) -> str:
    return kind_of(name) or SupervisionList.Kind.CUSTOM


def nearest_unit(written: str, units: dict[str, Unit]) -> Unit | None:
    """The unit an unknown name most likely means: "区经发局" → 经济发展局 (alias 经发局)."""
    bare = re.sub(r"^(?:[区市县镇]|开发区|管委会)", "", written)
    if bare in units:
        return units[bare]
    close = difflib.get_close_matches(written, list(units), n=1, cutoff=0.6) or \
        difflib.get_close_matches(bare, list(units), n=1, cutoff=0.6)
    return units[close[0]] if close else None


def split_units(lead_text: str, co_text: str) -> tuple[list[str], list[str]]:
    """(lead units, co-operating units) from the two cells, marks set the roles:
    "区经发局（牵头）、区财政局", "区行政审批局牵头，区市场监管分局配合", "牵头单位：区人才办"."""
    marked_lead: list[str] = []
    leads: list[str] = []
    cos: list[str] = []
    for text, default_role in ((lead_text, "lead"), (co_text, "co")):
        role = default_role
        for chunk in ROLE_LABEL.split(text or ""):
            if ROLE_LABEL.fullmatch(chunk + "："):
                role = "co" if chunk in ("配合单位", "协办单位", "配合部门") else "lead"
                continue
            for part in UNIT_SPLIT.split(chunk):
                if not part:
                    continue
                if LEAD_MARK.search(part) and LEAD_MARK.sub("", part):
                    marked_lead.append(LEAD_MARK.sub("", part))
                elif CO_MARK.search(part) and CO_MARK.sub("", part):
                    cos.append(CO_MARK.sub("", part))
                elif role == "lead":
                    leads.append(part)
                else:
                    cos.append(part)
    ordered = marked_lead + leads
    if not ordered:
        return [], list(dict.fromkeys(cos))
    lead, extra = ordered[0], ordered[1:]
    return [lead], list(dict.fromkeys(n for n in extra + cos if n != lead))


def _deadline_problem(row: Row, name: str, exc: DeadlineError) -> Problem:
    return row.problem(name, DEADLINE_MESSAGES.get(exc.kind, DEADLINE_MESSAGES["unreadable"]),
                       text=exc.text)


def _groups(rows: list[Row]) -> list[list[Row]]:
    """Rows of one item: a row repeating the previous row's code and title (the item's cells
    merged downward over one row per node) continues that item."""
    groups: list[list[Row]] = []
    for row in rows:
        last = groups[-1][-1] if groups else None
        if last is not None and row.sheet == last.sheet and row.text("title") and \
                row.text("title") == last.text("title") and \
                row.text("code") == last.text("code"):
            groups[-1].append(row)
        else:
            groups.append([row])
    return groups


def _codes(groups: list[list[Row]]) -> list[str]:
    """The code of each item; numbering that restarts in each section becomes
    section-qualified ("2.1") so codes stay unique."""
    raw = [g[0].text("code") for g in groups]
    sections: dict[tuple[str, str], int] = {}
    for g in groups:
        sections.setdefault((g[0].sheet, g[0].section), len(sections) + 1)
    counts = Counter(c for c in raw if c)
    sections_of: dict[str, set[tuple[str, str]]] = {}
    for g, code in zip(groups, raw, strict=True):
        sections_of.setdefault(code, set()).add((g[0].sheet, g[0].section))
    repeats = [c for c, n in counts.items() if n > 1]
    # restarting numbering: every repeated code appears once per section
    restart = bool(repeats) and all(len(sections_of[c]) == counts[c] for c in repeats)
    codes = []
    for index, (g, code) in enumerate(zip(groups, raw, strict=True), start=1):
        code = code or str(index)
        if restart:
            code = f"{sections[(g[0].sheet, g[0].section)]}.{code}"
        codes.append(code)
    return codes


def _nodes_of(row: Row, year: int, default: str, problems: list[Problem]) -> list[ParsedNode]:
    nodes: list[ParsedNode] = []
    text, deadline_text = row.text("nodes"), row.text("deadline")
    if text and not has_deadline(text) and has_deadline(deadline_text):
        # a node's target beside its own deadline (节点目标 | 完成时限): one node
        try:
            when = parse_deadline(deadline_text, year).date
        except DeadlineError:
            when = None  # reported with the deadline column
        if when is not None:
            return [ParsedNode(when, one_line(text), deadline_text,
                               why(deadline_text, when, year))]
    try:
        nodes += parse_nodes(text, year, default=default)
    except DeadlineError as exc:
        problems.append(_deadline_problem(row, "nodes", exc))
    for quarter in QUARTERS:
        text = row.text(quarter)
        if not text:
            continue
        try:  # a quarter's text is its target, due at the quarter's end unless it names a month
            nodes += parse_nodes(text, year, default=default)
        except DeadlineError:
            month, day = QUARTER_ENDS[quarter]
            when = date(year, month, day)
            nodes.append(ParsedNode(when, one_line(text), row.cells[quarter].header,
                                    why(row.cells[quarter].header, when, year)))
    return nodes


def plan_import(source: str | Path | IO[bytes], *, list_name: str, year: int,
                create_units: bool = False, sheet: str | None = None,
                name: str = "") -> ImportPlan:
    """One list from the workbook (every list sheet, or only `sheet`)."""
    result = read_list_workbook(source, sheet=sheet, name=name)
    plan = _plan(list_name, year, result.rows, create_units, result.nodes)
    plan.problems = result.problems + plan.problems
    if not result.rows and not result.problems:
        plan.problems.append(Problem("", None, None, "", N_("The workbook has no item rows.")))
    plan.problems.sort(key=Problem.sort_key)
    plan.sheet = sheet or ""
    return plan


CANNOT_TELL = N_("Cannot tell which list sheet %(sheet)s holds; import it with --list NAME "
                 "--sheet %(sheet)s.")
CANNOT_TELL_WEB = N_("Cannot tell which list sheet %(sheet)s holds: choose its list.")


def plan_workbook(source: str | Path | IO[bytes], *, year: int, create_units: bool = False,
                  name: str = "", lists: Mapping[str, str] | None = None,
                  ask: str = CANNOT_TELL) -> tuple[list[ImportPlan], list[Problem]]:
    """One list per sheet, each sheet mapped by its name or title to key tasks, reforms or
    tough projects, or to the list `lists` names for it (sheet → list name, the web page's
    choice); a sheet that says neither is a problem (`ask`) asking which list it holds."""
    result = read_list_workbook(source, name=name)
    problems = list(result.problems)
    plans = []
    for table in result.tables:
        chosen = ((lists or {}).get(table.sheet) or "").strip()
        kind = kind_of(chosen) if chosen else kind_of(table.sheet, table.title)
        if kind is None and not chosen:
            problems.append(Problem(table.sheet, None, None, "", ask, {"sheet": table.sheet}))
            continue
        list_name = chosen or (table.sheet if kind_of(table.sheet) == kind
                               else KIND_NAMES[kind])
        plan = _plan(list_name, year, table.rows, create_units, result.nodes)
        plan.sheet, plan.kind = table.sheet, kind_for(list_name)
        plan.problems.sort(key=Problem.sort_key)
        plans.append(plan)
    return plans, problems


def _plan(list_name: str, year: int, rows: list[Row], create_units: bool,
          node_sheet: dict | None = None) -> ImportPlan:
    plan = ImportPlan(list_name.strip(), year, kind=kind_for(list_name))
    if not plan.list_name:
        plan.problems.append(Problem("", None, None, "", N_("The list needs a name.")))
    if not 2000 <= year <= 2100:
        plan.problems.append(Problem("", None, None, "", N_("Year %(year)s is out of range."),
                                     {"year": year}))
    existing = SupervisionList.objects.filter(name=plan.list_name, year=year).first()
    plan.list_exists = existing is not None
    by_code: dict[str, Item] = {}
    by_title: dict[str, Item] = {}
    if existing:
        for item in existing.items.select_related("lead_unit").prefetch_related(
                "co_units", "nodes"):
            by_code[item.code] = item
            by_title.setdefault(item.title, item)
    units = unit_lookup()
    unknown: dict[str, Problem] = {}
    seen_codes: dict[str, int] = {}
    groups = _groups(rows)
    for group, code in zip(groups, _codes(groups), strict=True):
        planned = _plan_item(plan, group, code, units, unknown)
        if planned is None:
            continue
        written = (node_sheet or {}).get((planned.code, planned.title))
        if written:  # the export's node sheet: its nodes as they are
            planned.nodes = [ParsedNode(when, deliverable, "", why(str(when), when, year))
                             for when, deliverable in written]
        row = group[0]
        if planned.code in seen_codes:
            plan.problems.append(row.problem("code", N_(
                "Code %(code)s is used again (first on row %(row)s)."),
                code=planned.code, row=seen_codes[planned.code]))
        seen_codes.setdefault(planned.code, row.row)
        match = by_code.get(planned.code) or by_title.get(planned.title)
        if match is not None:
            planned.existing_id = match.pk
            planned.changes = _diff(match, planned)
        plan.items.append(planned)
    if create_units:
        plan.units_to_create = sorted(unknown)
    else:
        plan.problems += list(unknown.values())
    return plan


def _diff(item: Item, planned: PlannedItem) -> list[str]:
    """What an update changes, field by field (named in the user's language), for the dry
    run."""
    def label(name: str) -> str:
        return str(Item._meta.get_field(name).verbose_name)

    changes = []
    for name in ("title", "domain", "target", "leader_name", "owner_name", "deadline"):
        before, after = getattr(item, name), getattr(planned, name)
        if (before or "") != (after or ""):
            changes.append(f"{label(name)}: {before or '—'} → {after or '—'}")
    if item.lead_unit.name != planned.lead_unit:
        changes.append(f"{label('lead_unit')}: {item.lead_unit.name} → {planned.lead_unit}")
    co_before = sorted(u.name for u in item.co_units.all())
    if co_before != sorted(planned.co_units):
        changes.append(f"{label('co_units')}: {'、'.join(co_before) or '—'} → "
                       f"{'、'.join(sorted(planned.co_units)) or '—'}")
    have = {(n.planned_date, n.deliverable) for n in item.nodes.all()}
    for node in planned.nodes:
        if (node.planned_date, node.deliverable) not in have:
            changes.append(f"+{Node._meta.verbose_name}: {node.planned_date} {node.deliverable}")
    return changes


def _plan_item(plan: ImportPlan, group: list[Row], code: str, units: dict[str, Unit],
               unknown: dict[str, Problem]) -> PlannedItem | None:
    row = group[0]
    problems: list[Problem] = []
    values = {name: one_line(row.text(name)) for name in ("domain", "title", "target",
                                                           "leader_name", "owner_name")}
    values["code"] = code
    values["domain"] = section_name(values["domain"]) if values["domain"] else row.section
    if not values["title"]:
        problems.append(row.problem("title", N_("The task name is empty.")))
    for name, limit in LIMITS.items():
        if len(values[name]) > limit:
            problems.append(row.problem(name, N_("Longer than %(n)s characters."), n=limit))
    lead_names, co_names = split_units(row.text("lead_unit"), row.text("co_units"))
    if not lead_names:
        problems.append(row.problem("lead_unit", N_("The lead unit is empty.")))
    names: dict[str, str] = {}
    for column, written in [("lead_unit", n) for n in lead_names] + [
            ("co_units", n) for n in co_names]:
        unit = units.get(written)
        if unit is not None:
            names[written] = unit.name
            continue
        names[written] = written
        if written in unknown:
            continue  # one problem per unknown unit, at its first mention
        near = nearest_unit(written, units)
        if near is not None:
            unknown[written] = row.problem(column, N_(
                "Unknown unit “%(unit)s”: did you mean “%(near)s”? Add “%(unit)s” as an alias "
                "of %(near)s, or correct the cell."), unit=written, near=near.name)
        else:
            unknown[written] = row.problem(column, N_(
                "Unknown unit “%(unit)s”: not the name, short name or alias of a unit."),
                unit=written)
    default = values["target"] or values["title"] or DEFAULT_DELIVERABLE
    deadline_text = row.text("deadline")
    deadline: date | None = None
    nodes: list[ParsedNode] = []
    for member in group:
        text = member.text("deadline")
        member_nodes = _nodes_of(member, plan.year, one_line(member.text("target")) or default,
                                 problems)
        if text:
            try:
                parsed = parse_deadline(text, plan.year).date
            except DeadlineError as exc:
                problems.append(_deadline_problem(member, "deadline", exc))
                parsed = None
            if len(group) > 1 and not member_nodes and parsed is not None:
                # one row per node: the row's deadline is its node's date
                member_nodes = [ParsedNode(parsed, one_line(member.text("nodes"))
                                           or member.text("target") or default, text,
                                           why(text, parsed, plan.year))]
            elif len(group) == 1 and parsed is not None:
                deadline = parsed
        nodes += member_nodes
    if len(group) == 1 and deadline_text and deadline is not None:
        try:  # several deadlines in the 完成时限 cell: each its own node
            extra = parse_nodes(deadline_text, plan.year, default=default)
        except DeadlineError:
            extra = []
        if len(extra) > 1 and not nodes:
            nodes = extra
            deadline = max(n.planned_date for n in extra)
    start_date = None
    if row.text("start_date"):
        try:
            start_date = parse_deadline(row.text("start_date"), plan.year).date
        except DeadlineError as exc:
            problems.append(_deadline_problem(row, "start_date", exc))
    if deadline is None and nodes:
        deadline = max(n.planned_date for n in nodes)
        deadline_text = deadline_text if len(group) == 1 else ""
    if not nodes and deadline is not None:
        nodes = [ParsedNode(deadline, DEFAULT_DELIVERABLE, deadline_text,
                            why(deadline_text, deadline, plan.year))]
    if deadline and any(n.planned_date > deadline for n in nodes):
        late = max(nodes, key=lambda n: n.planned_date)
        problems.append(row.problem("nodes", N_(
            "Node “%(node)s” (%(when)s) is after the deadline %(deadline)s."),
            node=late.deliverable, when=late.text, deadline=deadline_text))
    plan.problems += problems
    if problems or not lead_names:
        return None
    lead = names[lead_names[0]]
    co = list(dict.fromkeys(names[n] for n in co_names if names[n] != lead))
    return PlannedItem(row.sheet, row.row, values["code"], values["domain"], values["title"],
                       values["target"], values["leader_name"], lead, co,
                       values["owner_name"], start_date, deadline, deadline_text[:100], nodes)


def _check_actor(actor: User, plan: ImportPlan) -> None:
    if plan.units_to_create and not core_perm.can_manage_registry(actor):
        plan.problems.append(Problem("", None, None, "", N_(
            "Only an administrator may create units: %(units)s."),
            {"units": "、".join(plan.units_to_create)}))


@transaction.atomic
def _commit(actor: User, plans: list[ImportPlan]) -> None:
    for plan in plans:
        updates = plan.updated_items
        plan.items = plan.new_items
        services.import_items(actor, plan)
        plan.items += updates
        _apply_updates(actor, plan, updates)
        plan.committed = True


def _apply_updates(actor: User, plan: ImportPlan, updates: list[PlannedItem]) -> None:
    """Matched items change in place (their reports, reviews and history stay); nodes the
    sheet adds are added, nodes it no longer lists are kept."""
    units = {u.name: u for u in Unit.objects.all()}
    for p in updates:
        item = Item.objects.get(pk=p.existing_id)
        data = {"code": p.code, "domain": p.domain, "title": p.title, "target": p.target,
                "leader_name": p.leader_name, "lead_unit": units[p.lead_unit],
                "owner_name": p.owner_name, "deadline": p.deadline,
                "deadline_text": p.deadline_text}
        if p.start_date:
            data["start_date"] = p.start_date
        have = {(n.planned_date, n.deliverable) for n in item.nodes.all()}
        services.update_item(actor, item, data, co_units=[units[n] for n in p.co_units],
                             recompute=False)
        for n in p.nodes:
            if (n.planned_date, n.deliverable) not in have:
                services.add_node(actor, item, planned_date=n.planned_date,
                                  deliverable=n.deliverable, planned_text=n.text[:50])
        services.recompute_light(item)


def run_import(actor: User, source: str | Path | IO[bytes], *, list_name: str, year: int,
               dry_run: bool = False, create_units: bool = False, sheet: str | None = None,
               name: str = "") -> ImportPlan:
    """Plan, and unless this is a dry run or anything is wrong, commit (all or nothing)."""
    core_perm.require(perm.can_manage(actor), "you may not import lists")
    plan = plan_import(source, list_name=list_name, year=year, create_units=create_units,
                       sheet=sheet, name=name or getattr(source, "name", ""))
    _check_actor(actor, plan)
    if plan.ok and not dry_run:
        _commit(actor, [plan])
    return plan


def run_workbook_import(actor: User, source: str | Path | IO[bytes], *, year: int,
                        dry_run: bool = False, create_units: bool = False,
                        name: str = "", lists: Mapping[str, str] | None = None,
                        ask: str = CANNOT_TELL) -> tuple[list[ImportPlan], list[Problem]]:
    """Every list sheet into its list, all or nothing."""
    core_perm.require(perm.can_manage(actor), "you may not import lists")
    plans, problems = plan_workbook(source, year=year, create_units=create_units, name=name,
                                    lists=lists, ask=ask)
    names = [p.list_name for p in plans]
    for plan in plans:
        if names.count(plan.list_name) > 1:
            plan.problems.append(Problem(plan.sheet, None, None, "", N_(
                "Two sheets go to list %(list)s: choose another list for one of them."),
                {"list": plan.list_name}))
    for plan in plans:
        _check_actor(actor, plan)
    if not problems and plans and all(p.ok for p in plans) and not dry_run:
        _commit(actor, plans)
    return plans, problems


__all__ = ["ImportPlan", "PlannedItem", "plan_import", "plan_workbook",
           "run_import", "run_workbook_import", "split_units", "unit_lookup"]
