"""Reading a resident roll from an Excel workbook.

The first sheet, first row holds the headers (Chinese or English, any order):
姓名 (name) · 身份证号 (ID number) · 住址 or 户号 (household / address) · 社区 (community) ·
街道 (sub-district, needed only for a community the platform does not know yet).
Every row is checked and every problem reported with its sheet, row and column; the caller
writes nothing unless the whole file is good.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.db.models import Q

from zoneops.core.models import Unit

from . import idcard
from .services import RollRow

HEADERS = {
    "name": ("姓名", "name"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "id number"),
    "household": ("住址", "户号", "地址", "household", "address"),
    "community": ("社区", "community"),
    "subdistrict": ("街道", "sub-district", "subdistrict"),
}
REQUIRED = ("name", "id_number", "household", "community")
MAX_ROWS = 200_000


class RollFileError(ValueError):
    """Every problem in the file, one per line."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed into a cell; ID numbers lose digits, caught below
    return str(value).strip()


def _subdistrict(name: str) -> Unit | None:
    return Unit.objects.filter(kind=Unit.Kind.SUBDISTRICT).filter(
        Q(name=name) | Q(short_name=name) | Q(aliases__alias=name)).distinct().first()


def parse(source: str | Path | bytes | io.IOBase) -> list[RollRow]:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    if isinstance(source, bytes):
        source = io.BytesIO(source)
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise RollFileError([f"not an Excel (.xlsx) workbook: {exc}"]) from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        text = _cell_text(title).lower()
        for key, names in HEADERS.items():
            if text in names and key not in columns:
                columns[key] = index
    missing = [HEADERS[k][0] for k in REQUIRED if k not in columns]
    if missing:
        raise RollFileError([f"sheet {sheet.title}, row 1: missing column(s) "
                             + "、".join(missing)])
    letter = {k: get_column_letter(i + 1) for k, i in columns.items()}
    problems: list[str] = []
    result: list[RollRow] = []
    units: dict[str, Unit | None] = {}
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS:
            problems.append(f"sheet {sheet.title}: more than {MAX_ROWS} rows")
            break
        cells = {k: _cell_text(values[i]) if i < len(values) else "" for k, i in columns.items()}
        if not any(cells.values()):
            continue

        def bad(key: str, message: str, row: int = number) -> None:
            problems.append(f"sheet {sheet.title}, row {row}, column {letter[key]} "
                            f"({HEADERS[key][0]}): {message}")

        for key in REQUIRED:
            if not cells[key]:
                bad(key, "is empty")
        if cells["id_number"]:
            why = idcard.problem(cells["id_number"])
            if why:
                bad("id_number", why)
        for key, limit in (("name", 50), ("household", 200), ("community", 100)):
            if len(cells[key]) > limit:
                bad(key, f"longer than {limit} characters")
        unit = None
        if cells.get("subdistrict"):
            name = cells["subdistrict"]
            if name not in units:
                units[name] = _subdistrict(name)
            unit = units[name]
            if unit is None:
                bad("subdistrict", f"no sub-district called “{name}”")
        result.append(RollRow(number, cells["name"], idcard.normalize(cells["id_number"]),
                              cells["household"], cells["community"], unit))
    workbook.close()
    if problems:
        raise RollFileError(problems)
    return result
