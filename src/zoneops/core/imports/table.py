"""From a grid to item rows: header detection, sections, totals, notes. Pure.

The header is found in the first rows by its wording (one row, or two with merged cells:
"责任单位" over "牵头单位 | 配合单位" — the lower row names the column). Blank rows, total rows
(合计) and notes (注：…) are skipped; a row holding one text across the table is a section
("一、经济发展（8项）" → 经济发展) that applies to the rows below it. Hidden columns are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .cells import cell_text
from .problems import Problem, ReadError, column_letter
from .reader import Grid, read_workbook

_NORMALISE = re.compile(r"[\s（）()*＊:：]|（.*?）|\(.*?\)")
_COUNT = re.compile(r"\s*[（(]\s*(?:共\s*)?\d+\s*[项个条件]?\s*[)）]\s*$")
_SECTION = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|"
                      r"第[一二三四五六七八九十]+[部分类]+)\s*(?P<name>.+?)\s*$")
NOTE_STARTS = ("注", "备注", "说明", "填报", "制表", "审核", "附")
TOTAL_WORDS = ("合计", "总计", "小计", "共计")


def normalise_header(text: Any) -> str:
    return _NORMALISE.sub("", cell_text(text)).lower()


def section_name(text: str) -> str:
    """'一、经济发展（8项）' → '经济发展', '产业项目（4个）' → '产业项目'."""
    m = _SECTION.match(text)
    name = m.group("name") if m else text
    return _COUNT.sub("", name).strip()


@dataclass(frozen=True)
class TableSpec:
    """What a table's header may say. `columns`: field → wordings (compared without spaces,
    brackets and case); `anchors`: fields a header must have to be recognised; `required`:
    fields whose absence is a problem once the header is found."""

    columns: dict[str, tuple[str, ...]]
    required: tuple[str, ...] = ()
    anchors: tuple[str, ...] = ()
    min_fields: int = 2
    scan_rows: int = 20
    sections: bool = True

    def field_for(self, header: Any, contains: bool = True) -> str | None:
        text = normalise_header(header)
        if not text:
            return None
        for name, words in self.columns.items():
            if text in (normalise_header(w) for w in words):
                return name
        if contains:  # "牵头责任单位（部门）", "主要目标任务": a longer Chinese wording
            for name, words in self.columns.items():
                if any(len(w) >= 2 and not w.isascii() and w in text for w in words):
                    return name
        return None

    def label(self, name: str) -> str:
        return self.columns[name][0]


@dataclass
class Cell:
    value: Any      # as the file holds it (a date cell stays a date)
    text: str       # normalised once (cells.cell_text)
    column: str     # letter
    header: str     # the header's name as written


@dataclass
class Row:
    sheet: str
    row: int                      # 1-based
    cells: dict[str, Cell] = field(default_factory=dict)
    section: str = ""

    def text(self, name: str) -> str:
        cell = self.cells.get(name)
        return cell.text if cell else ""

    def value(self, name: str) -> Any:
        cell = self.cells.get(name)
        return cell.value if cell else None

    def problem(self, field_name: str | None, template: str, **params: Any) -> Problem:
        cell = self.cells.get(field_name) if field_name else None
        return Problem(self.sheet, self.row, cell.column if cell else None,
                       cell.header if cell else "", template, params)


@dataclass
class Table:
    sheet: str
    header_row: int                     # 1-based, the (lower) header row
    columns: dict[str, tuple[int, str]]  # field → (0-based column, header as written)
    rows: list[Row]
    title: str = ""                     # the text above the header, if any ("2026年度…清单")
    problems: list[Problem] = field(default_factory=list)


def _texts(line: list[Any]) -> list[str]:
    return [cell_text(v) for v in line]


def _map(spec: TableSpec, upper: list[str], lower: list[str] | None,
         hidden: set[int]) -> dict[str, tuple[int, str]]:
    mapping: dict[str, tuple[int, str]] = {}
    for col, top in enumerate(upper):
        if col in hidden:
            continue
        below = lower[col] if lower is not None and col < len(lower) else ""
        name, header = None, top
        if below and below != top:
            name, header = spec.field_for(below), below
        if name is None:
            name, header = spec.field_for(top), top
        if name and name not in mapping:
            mapping[name] = (col, header.replace("\n", ""))
    return mapping


def _is_sub_header(spec: TableSpec, upper: list[str], lower: list[str]) -> bool:
    differing = [b for t, b in zip(upper, lower, strict=False) if b and b != t]
    known = [b for b in differing if spec.field_for(b, contains=False)]
    return bool(known) and len(known) * 2 >= len(differing)


def find_header(spec: TableSpec, grid: Grid) -> tuple[int, int, dict] | None:
    """(first header row, rows it spans, mapping), 0-based, or None."""
    anchors = spec.anchors or spec.required
    for index, line in enumerate(grid.rows[:spec.scan_rows]):
        upper = _texts(line)
        lower = _texts(grid.rows[index + 1]) if index + 1 < len(grid.rows) else None
        span = 1
        if lower is not None and len(_map(spec, upper, None, grid.hidden_columns)) >= \
                spec.min_fields and _is_sub_header(spec, upper, lower):
            mapping, span = _map(spec, upper, lower, grid.hidden_columns), 2
        else:
            mapping = _map(spec, upper, None, grid.hidden_columns)
        if len(mapping) >= spec.min_fields and all(a in mapping for a in anchors):
            return index, span, mapping
    return None


def read_table(spec: TableSpec, grid: Grid) -> Table | None:
    """The table on a sheet, or None when no row looks like its header (an instructions
    sheet). Missing required columns are problems of the table."""
    found = find_header(spec, grid)
    if found is None:
        return None
    index, span, mapping = found
    title = next((t for line in grid.rows[:index] for t in _texts(line) if t), "")
    table = Table(grid.name, index + span,
                  mapping, [], title)
    for name in spec.required:
        if name not in mapping:
            table.problems.append(Problem(grid.name, index + span, None, "",
                                          "No column for %(column)s.",
                                          {"column": "/".join(spec.columns[name][:3])}))
    visible = [c for c in range(max((len(r) for r in grid.rows), default=0))
               if c not in grid.hidden_columns]
    section = ""
    headers = [(name, col, header) for name, (col, header) in mapping.items()]
    repeat_needed = min(3, len(mapping))
    for r in range(index + span, len(grid.rows)):
        line = grid.rows[r]
        all_texts = [cell_text(v) for v in line]  # normalised once per cell
        filled = [all_texts[c] for c in visible if c < len(all_texts) and all_texts[c]]
        if not filled:
            continue
        if normalise_header(filled[0]) in TOTAL_WORDS or any(
                normalise_header(t) in TOTAL_WORDS for t in filled[1:3]):
            continue
        if sum(1 for _, col, h in headers if col < len(all_texts) and all_texts[col]
               and all_texts[col].replace("\n", "") == h) >= repeat_needed:
            continue  # the header again (a vertically merged two-row header, a repeat)
        if spec.sections and len(set(filled)) == 1:
            only = filled[0]
            if only.startswith(NOTE_STARTS):
                continue
            if _SECTION.match(only) or len(filled) > 1 or grid.merged_across(r) or \
                    _COUNT.search(only):
                section = section_name(only)
                continue
        row = Row(table.sheet, r + 1, section=section)
        for name, col, header in headers:
            inside = col < len(line)
            row.cells[name] = Cell(line[col] if inside else None,
                                   all_texts[col] if inside else "", column_letter(col), header)
        table.rows.append(row)
    return table


def read_tables(spec: TableSpec, grids: list[Grid]) -> tuple[list[Table], list[Problem]]:
    """Every sheet that has the table; a problem when none has."""
    tables = [t for t in (read_table(spec, g) for g in grids) if t is not None]
    problems = [p for t in tables for p in t.problems]
    if not tables:
        anchors = spec.anchors or spec.required
        problems.append(Problem("", None, None, "", "No sheet has a header row with "
                                "%(columns)s.",
                                {"columns": "、".join(spec.label(a) for a in anchors)}))
    return tables, problems


def first_table(source: Any, spec: TableSpec) -> tuple[Table | None, list[Problem]]:
    """The table on a workbook's first sheet, or the problems that stop it being read (a file
    that cannot be read, an empty sheet, no header row): for importers of one simple sheet."""
    try:
        grids = read_workbook(source).sheets
    except ReadError as exc:
        return None, [exc.problem()]
    if not grids or not grids[0].rows:
        return None, [Problem(grids[0].name if grids else "", None, None, "",
                              "The sheet has no data rows.")]
    table = read_table(spec, grids[0])
    if table is None:
        columns = "/".join(spec.label(a) for a in spec.anchors or spec.required)
        return None, [Problem(grids[0].name, 1, None, "", "No column for %(column)s.",
                              {"column": columns})]
    if table.problems:
        return None, table.problems
    return table, []
