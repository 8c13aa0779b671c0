"""Reading list spreadsheets as they really look. Pure (openpyxl only, no Django).

Real lists have title rows above the header, Chinese headers in varying order and wording,
merged cells (a domain written once beside several rows), section rows ("一、经济发展（8项）")
and notes at the bottom. `read_workbook` finds the header on each sheet, maps columns to
fields by their wording, fills merged cells and yields one RawRow per item row with the
sheet, row number and column letter of every value so errors can name them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

# Field → header wordings seen in real lists (compared without spaces and brackets).
HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("序号", "编号", "任务编号", "项目编号", "事项编号"),
    "domain": ("领域", "所属领域", "类别", "分类", "维度", "所属维度", "板块", "工作类别"),
    "title": ("任务名称", "重点工作", "重点任务", "项目名称", "工作任务", "改革事项", "改革任务",
              "事项名称", "攻坚项目", "攻坚事项", "工作内容", "任务"),
    "target": ("目标任务", "工作目标", "主要目标", "年度目标", "目标", "主要内容", "具体目标"),
    "leader_name": ("责任领导", "分管领导", "牵头领导", "联系领导"),
    "lead_unit": ("牵头单位", "责任单位", "主办单位", "牵头部门", "责任部门", "牵头责任单位"),
    "co_units": ("配合单位", "协办单位", "配合部门", "协同单位"),
    "owner_name": ("责任人", "具体责任人", "联系人"),
    "deadline": ("完成时限", "完成时间", "时限", "截止时间", "办结时限", "完成期限"),
    "nodes": ("时间节点", "节点安排", "进度安排", "推进节点", "节点目标", "计划节点",
              "时序进度"),
    "start_date": ("开始时间", "启动时间"),
}
REQUIRED = ("title", "lead_unit")
HEADER_SCAN_ROWS = 20
NOTE_STARTS = ("注", "备注", "说明", "填报", "制表", "审核")
_NORMALISE = re.compile(r"[\s　（）()*＊:：]|（.*?）|\(.*?\)")
_SECTION = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|"
                      r"第[一二三四五六七八九十]+[部分类]+)\s*(?P<name>.+?)\s*(?:[（(]\s*\d+\s*项?\s*[)）])?\s*$")


def normalise_header(text: Any) -> str:
    return _NORMALISE.sub("", str(text or ""))


def field_for(header: Any) -> str | None:
    text = normalise_header(header)
    if not text:
        return None
    for name, words in HEADERS.items():
        if text in words:
            return name
    # Longer wordings containing a known one ("牵头责任单位（部门）", "主要目标任务").
    for name, words in HEADERS.items():
        if any(len(word) >= 2 and word in text for word in words):
            return name
    return None


@dataclass
class Cell:
    value: Any
    column: str   # letter
    header: str   # as written


@dataclass
class RawRow:
    sheet: str
    row: int
    cells: dict[str, Cell] = field(default_factory=dict)
    section: str = ""  # the domain from the nearest section row above, if any

    def text(self, name: str) -> str:
        cell = self.cells.get(name)
        if cell is None or cell.value is None:
            return ""
        value = cell.value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            return value.isoformat()
        return str(value).strip()


@dataclass
class SheetProblem:
    sheet: str
    row: int | None
    column: str | None
    message: str   # English; `kind` and `detail` let a caller say it in another language
    kind: str = ""
    detail: str = ""


@dataclass
class ReadResult:
    rows: list[RawRow]
    problems: list[SheetProblem]
    sheets_read: list[str]


def _merged_values(ws) -> dict[tuple[int, int], Any]:
    """Every cell inside a merged range → the value of its top-left cell."""
    filled: dict[tuple[int, int], Any] = {}
    for rng in ws.merged_cells.ranges:
        value = ws.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                filled[(r, c)] = value
    return filled


def _find_header(grid: list[list[Any]]) -> tuple[int, dict[int, str]] | None:
    for index, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        mapping: dict[int, str] = {}
        for col, value in enumerate(row):
            name = field_for(value)
            if name and name not in mapping.values():
                mapping[col] = name
        if "title" in mapping.values() and len(mapping) >= 3:
            return index, mapping
    return None


def read_workbook(source: str | IO[bytes]) -> ReadResult:
    try:
        wb = load_workbook(source, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
        return ReadResult([], [SheetProblem("", None, None, f"not an Excel .xlsx workbook: {exc}",
                                            "not_xlsx", str(exc))], [])
    rows: list[RawRow] = []
    problems: list[SheetProblem] = []
    read: list[str] = []
    for ws in wb.worksheets:
        merged = _merged_values(ws)
        grid = [[merged.get((r, c), cell.value) for c, cell in enumerate(line, start=1)]
                for r, line in enumerate(ws.iter_rows(), start=1)]
        found = _find_header(grid)
        if found is None:
            continue  # an instructions sheet, a chart…
        read.append(ws.title)
        header_index, mapping = found
        headers = grid[header_index]
        missing = [name for name in REQUIRED if name not in mapping.values()]
        for name in missing:
            wordings = "/".join(HEADERS[name][:3])
            problems.append(SheetProblem(ws.title, header_index + 1, None,
                                         f"no column for {wordings}", "no_column", wordings))
        if missing:
            continue
        section = ""
        start = header_index + 1
        # A second header line (merged two-row headers) repeats the header words: skip it.
        if start < len(grid) and sum(1 for v in grid[start] if field_for(v)) >= 3:
            start += 1
        for r in range(start, len(grid)):
            values = grid[r]
            filled = [v for v in values if v not in (None, "")]
            if not filled:
                continue
            texts = {str(v).strip() for v in filled}
            if len(texts) == 1:
                only = next(iter(texts))
                m = _SECTION.match(only)
                if m:
                    section = m.group("name")
                    continue
                # A note or signature line merged across the table is not an item; a row with
                # one lonely value is (and will be reported as incomplete).
                if len(filled) > 1 or only.startswith(NOTE_STARTS):
                    continue
            row = RawRow(ws.title, r + 1, section=section)
            for col, name in mapping.items():
                value = values[col] if col < len(values) else None
                row.cells[name] = Cell(value, get_column_letter(col + 1),
                                       str(headers[col]).strip())
            rows.append(row)
    if not read:
        problems.append(SheetProblem("", None, None,
                                     "no sheet has a header row with 任务名称 and 牵头单位",
                                     "no_header"))
    return ReadResult(rows, problems, read)
