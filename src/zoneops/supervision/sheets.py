"""What a list's table looks like: the header wordings offices use. Pure.

Reading the file, finding the header (one or two rows, merged), sections, totals and blank rows
is the import kit's work (zoneops.core.imports); this module only says which wordings name
which field, and which sheet holds which of the three lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO

from zoneops.core.imports import (
    Problem,
    ReadError,
    Row,
    Table,
    TableSpec,
    as_date,
    read_table,
    read_workbook,
)

# Field → header wordings seen in real lists (compared without spaces and brackets), and
# the English headers of the product's own export (exports.py) so that it re-imports too.
HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("序号", "编号", "任务编号", "项目编号", "事项编号", "no."),
    "domain": ("领域", "所属领域", "类别", "分类", "维度", "所属维度", "板块", "工作类别",
               "domain"),
    "title": ("任务名称", "重点工作", "重点任务", "项目名称", "工作任务", "改革事项", "改革任务",
              "事项名称", "攻坚项目", "攻坚事项", "工作内容", "任务", "task"),
    "target": ("目标任务", "工作目标", "主要目标", "年度目标", "目标", "主要内容", "具体目标",
               "target"),
    "leader_name": ("责任领导", "分管领导", "牵头领导", "联系领导", "leader"),
    "lead_unit": ("牵头单位", "责任单位", "主办单位", "牵头部门", "责任部门", "牵头责任单位",
                  "lead unit"),
    "co_units": ("配合单位", "协办单位", "配合部门", "协同单位", "co-operating units"),
    "owner_name": ("责任人", "具体责任人", "联系人", "person responsible"),
    "deadline": ("完成时限", "完成时间", "时限", "截止时间", "办结时限", "完成期限", "deadline"),
    "nodes": ("时间节点", "节点安排", "进度安排", "推进节点", "节点目标", "计划节点",
              "时序进度"),
    "start_date": ("开始时间", "启动时间"),
    "q1": ("一季度", "第一季度", "1季度", "q1"),
    "q2": ("二季度", "第二季度", "2季度", "q2"),
    "q3": ("三季度", "第三季度", "3季度", "q3"),
    "q4": ("四季度", "第四季度", "4季度", "q4"),
}
QUARTERS = ("q1", "q2", "q3", "q4")
SPEC = TableSpec(HEADERS, required=("title", "lead_unit"), anchors=("title",), min_fields=3)
# The node sheet of the product's own export (exports.NODE_HEADER): one row per node.
NODE_SPEC = TableSpec({"code": ("序号", "no."), "title": ("任务名称", "task"),
                       "seq": ("节点", "node"), "planned": ("计划时间", "planned date"),
                       "deliverable": ("节点目标", "node target")},
                      required=("code", "planned", "deliverable"),
                      anchors=("code", "planned", "deliverable"), sections=False)
# A sheet's name or title → the list it holds.
KIND_WORDS = (("重点", "key_tasks"), ("改革", "reforms"), ("攻坚", "tough"))


def kind_of(*texts: str) -> str | None:
    for text in texts:
        for word, kind in KIND_WORDS:
            if word in (text or ""):
                return kind
    return None


@dataclass
class ReadResult:
    rows: list[Row]
    problems: list[Problem]
    sheets_read: list[str]
    tables: list[Table] = field(default_factory=list)
    # (code, title) → [(planned date, deliverable)] from an export's node sheet
    nodes: dict[tuple[str, str], list[tuple[date, str]]] = field(default_factory=dict)


def _node_sheet(table: Table, result: ReadResult) -> None:
    for row in table.rows:
        when = as_date(row.value("planned"))
        if when is None:
            result.problems.append(row.problem("planned", "Not a date: “%(text)s”.",
                                               text=row.text("planned")))
            continue
        result.nodes.setdefault((row.text("code"), row.text("title")), []).append(
            (when, row.text("deliverable")))


def read_list_workbook(source: str | Path | bytes | IO[bytes], *, sheet: str | None = None,
                       name: str = "") -> ReadResult:
    """Every sheet holding a list table (or only `sheet`), its rows and its problems."""
    try:
        workbook = read_workbook(source, name=name)
    except ReadError as exc:
        return ReadResult([], [exc.problem()], [])
    grids = workbook.sheets
    problems: list[Problem] = []
    if sheet is not None:
        grids = [g for g in grids if g.name == sheet]
        if not grids:
            return ReadResult([], [Problem(sheet, None, None, "", "No sheet named %(sheet)s.",
                                           {"sheet": sheet})], [])
    node_tables = []
    tables = []
    for grid in grids:
        node_table = read_table(NODE_SPEC, grid)
        if node_table is not None:
            node_tables.append(node_table)
            continue
        table = read_table(SPEC, grid)
        if table is not None:
            tables.append(table)
    for table in tables:
        problems += table.problems
    if not tables:
        problems.append(Problem("", None, None, "", "No sheet has a header row with a task name "
                                "and a lead unit."))
    tables = [t for t in tables if not t.problems]
    result = ReadResult([r for t in tables for r in t.rows], problems,
                        [t.sheet for t in tables], tables)
    for node_table in node_tables:
        _node_sheet(node_table, result)
    return result
