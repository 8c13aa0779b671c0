"""One reader for every sheet an office sends: .xlsx, .xls, .csv and tables in .docx. Pure.

`read_workbook` returns each sheet as a grid of raw values (merged cells filled with their
top-left value, hidden columns listed) after checking, before any parsing, the file size, the
zip's uncompressed size and ratio, the number of sheets and each sheet's declared dimension;
rows and cells are counted again while streaming, so a file that lies about its dimension is
stopped too. Format comes from the bytes, not the file name.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .limits import (
    DEFAULT_LIMITS,
    Limits,
    check_dimension,
    check_shape,
    check_size,
    check_zip,
    column_number,
)
from .problems import ReadError

_COL = re.compile(rb"<(?:\w+:)?col\s[^>]*>")
_ATTR = re.compile(rb"(\w+)=\"([^\"]*)\"")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+)(\d+):([A-Z]+)(\d+)\"")


@dataclass
class Grid:
    name: str
    rows: list[list[Any]]
    hidden_columns: set[int] = field(default_factory=set)   # 0-based
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based r1 c1 r2 c2

    def fill_merged(self) -> None:
        for r1, c1, r2, c2 in self.merged:
            if r1 >= len(self.rows):
                continue
            top = self.rows[r1]
            value = top[c1] if c1 < len(top) else None
            for r in range(r1, min(r2, len(self.rows) - 1) + 1):
                line = self.rows[r]
                for c in range(c1, min(c2, len(line) - 1) + 1):
                    line[c] = value

    def merged_across(self, row: int) -> bool:
        return any(r1 <= row <= r2 and c2 > c1 for r1, c1, r2, c2 in self.merged)


@dataclass
class Workbook:
    format: str            # xlsx, xls, csv, docx
    sheets: list[Grid]


def _bytes(source: str | Path | bytes | IO[bytes], limits: Limits) -> bytes:
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, str | Path):
        with open(source, "rb") as handle:
            data = handle.read(limits.max_file_bytes + 1)
    else:
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(limits.max_file_bytes + 1)
    check_size(data, limits)
    return data


def read_workbook(source: str | Path | bytes | IO[bytes], *, name: str = "",
                  limits: Limits = DEFAULT_LIMITS) -> Workbook:
    """Every sheet of the file, or ReadError. `name` (a file name) names a CSV's one sheet."""
    data = _bytes(source, limits)
    if not name and isinstance(source, str | Path):
        name = str(source)
    name = name or getattr(source, "name", "") or ""
    if data[:4] == b"PK\x03\x04":
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile as exc:
            raise ReadError("unreadable", format="zip", detail=str(exc)) from exc
        check_zip(archive, limits)
        names = set(archive.namelist())
        if "word/document.xml" in names:
            return Workbook("docx", _read_docx(data, limits))
        if "xl/workbook.xml" in names:
            return Workbook("xlsx", _read_xlsx(data, archive, limits))
        raise ReadError("unknown_format")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return Workbook("xls", _read_xls(data, limits))
    if b"\x00" in data[:4096]:
        raise ReadError("unknown_format")
    return Workbook("csv", [_read_csv(data, Path(name).stem or "Sheet1", limits)])


def _trim(rows: list[list[Any]]) -> list[list[Any]]:
    while rows and all(v in (None, "") for v in rows[-1]):
        rows.pop()
    width = max((i + 1 for line in rows for i, v in enumerate(line) if v not in (None, "")),
                default=0)
    return [line[:width] + [None] * (width - len(line)) for line in rows]


def _count(sheet: str, rows: list, width: int, limits: Limits) -> None:
    check_shape(sheet, len(rows), width, limits)


# --- xlsx -------------------------------------------------------------------------------------

def _sheet_extras(xml: bytes) -> tuple[set[int], list[tuple[int, int, int, int]]]:
    hidden: set[int] = set()
    for m in _COL.finditer(xml):
        attrs = dict(_ATTR.findall(m.group(0)))
        if attrs.get(b"hidden") in (b"1", b"true"):
            low, high = int(attrs.get(b"min", b"1")), int(attrs.get(b"max", b"1"))
            hidden.update(range(low - 1, min(high, 16384)))
    merged = [(int(r1) - 1, column_number(c1.decode()) - 1, int(r2) - 1,
               column_number(c2.decode()) - 1) for c1, r1, c2, r2 in _MERGE.findall(xml)]
    return hidden, merged


def _read_xlsx(data: bytes, archive: zipfile.ZipFile, limits: Limits) -> list[Grid]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise ReadError("unreadable", format=".xlsx", detail=str(exc)) from exc
    if len(book.worksheets) > limits.max_sheets:
        raise ReadError("too_many_sheets", sheets=len(book.worksheets), limit=limits.max_sheets)
    grids = []
    try:
        for ws in book.worksheets:
            path = getattr(ws, "_worksheet_path", None)
            if not path or path not in archive.namelist():
                continue  # a chart sheet
            with archive.open(path) as handle:
                head = handle.read(4096)
            declared = check_dimension(ws.title, head, limits)
            xml = archive.read(path)
            hidden, merged = _sheet_extras(xml)
            width = min(declared[1], limits.max_columns) if declared else limits.max_columns
            rows: list[list[Any]] = []
            for values in ws.iter_rows(max_col=width, values_only=True):
                rows.append(list(values))
                if len(rows) > limits.max_rows:
                    raise ReadError("too_many_rows", sheet=ws.title, rows=f"{len(rows)}+",
                                    limit=limits.max_rows)
                if len(rows) * width > limits.max_cells:
                    raise ReadError("too_many_cells", sheet=ws.title,
                                    cells=f"{len(rows) * width}+", limit=limits.max_cells)
            grid = Grid(ws.title, _trim(rows), hidden, merged)
            grid.fill_merged()
            grids.append(grid)
    finally:
        book.close()
    return grids


# --- xls --------------------------------------------------------------------------------------

def _read_xls(data: bytes, limits: Limits) -> list[Grid]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except Exception as exc:  # noqa: BLE001 - xlrd raises many kinds for a bad file
        raise ReadError("unreadable", format=".xls", detail=str(exc)) from exc
    if book.nsheets > limits.max_sheets:
        raise ReadError("too_many_sheets", sheets=book.nsheets, limit=limits.max_sheets)
    grids = []
    for index in range(book.nsheets):
        sheet = book.sheet_by_index(index)
        check_shape(sheet.name, sheet.nrows, sheet.ncols, limits)
        rows = []
        for r in range(sheet.nrows):
            line = []
            for c in range(sheet.ncols):
                cell = sheet.cell(r, c)
                if cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        line.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
                    except (ValueError, OverflowError):
                        line.append(cell.value)
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    line.append(None)
                else:
                    line.append(cell.value)
            rows.append(line)
        hidden = {c for c, info in sheet.colinfo_map.items() if info.hidden}
        merged = [(r1, c1, r2 - 1, c2 - 1) for r1, r2, c1, c2 in sheet.merged_cells]
        grid = Grid(sheet.name, _trim(rows), hidden, merged)
        grid.fill_merged()
        grids.append(grid)
        book.unload_sheet(index)
    return grids


# --- csv --------------------------------------------------------------------------------------

def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK and GB2312)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ReadError("unreadable", format=".csv", detail=str(exc)) from exc


def _read_csv(data: bytes, name: str, limits: Limits) -> Grid:
    text = decode_text(data)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",\t;，")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows: list[list[Any]] = []
    width = 0
    try:
        for line in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(list(line))
            width = max(width, len(line))
            if len(rows) > limits.max_rows or width > limits.max_columns:
                _count(name, rows, width, limits)
    except csv.Error as exc:
        raise ReadError("unreadable", format=".csv", detail=str(exc)) from exc
    _count(name, rows, width, limits)
    return Grid(name, _trim(rows))


# --- docx -------------------------------------------------------------------------------------

def _read_docx(data: bytes, limits: Limits) -> list[Grid]:
    from docx import Document

    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds for a bad file
        raise ReadError("unreadable", format=".docx", detail=str(exc)) from exc
    if not document.tables:
        raise ReadError("no_table")
    if len(document.tables) > limits.max_sheets:
        raise ReadError("too_many_sheets", sheets=len(document.tables), limit=limits.max_sheets)
    grids = []
    for number, table in enumerate(document.tables, start=1):
        name = f"表{number}"
        rows = []
        for row in table.rows:
            # python-docx repeats a merged cell in every grid position it spans.
            rows.append([cell.text for cell in row.cells])
            _count(name, rows, max(len(r) for r in rows), limits)
        grids.append(Grid(name, _trim(rows)))
    return grids

