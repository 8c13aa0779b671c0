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

from django.utils.translation import gettext_noop as N_

from zoneops.core.imports import (
    Limits,
    Problem,
    ProblemsError,
    ReadError,
    TableSpec,
    read_table,
    read_workbook,
)
from zoneops.core.imports.units import unit_lookup
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
SPEC = TableSpec(HEADERS, required=REQUIRED, anchors=("name",), scan_rows=1, sections=False)
MAX_ROWS = 200_000


class RollFileError(ProblemsError):
    """Every problem in the file, one per line."""


def parse(source: str | Path | bytes | io.IOBase) -> list[RollRow]:
    try:
        grids = read_workbook(source, limits=Limits(max_rows=MAX_ROWS + 1)).sheets
    except ReadError as exc:
        raise RollFileError([exc.problem()]) from exc
    table = read_table(SPEC, grids[0]) if grids else None
    if table is None:
        raise RollFileError([Problem(grids[0].name if grids else "", 1, None, "",
                                     N_("No column for %(column)s."),
                                     {"column": "、".join(HEADERS[k][0] for k in REQUIRED)})])
    if table.problems:
        raise RollFileError(table.problems)
    subdistricts = unit_lookup(Unit.objects.filter(kind=Unit.Kind.SUBDISTRICT))
    problems: list[Problem] = []
    result: list[RollRow] = []
    for row in table.rows:
        cells = {k: row.text(k) for k in row.cells}
        for key in REQUIRED:
            if not cells[key]:
                problems.append(row.problem(key, N_("%(column)s is empty."),
                                            column=row.cells[key].header))
        if cells["id_number"]:
            why = idcard.problem(cells["id_number"])
            if why:
                problems.append(row.problem("id_number", why))
        for key, limit in (("name", 50), ("household", 200), ("community", 100)):
            if len(cells[key]) > limit:
                problems.append(row.problem(key, N_("Longer than %(n)s characters."), n=limit))
        unit = None
        if cells.get("subdistrict"):
            unit = subdistricts.get(cells["subdistrict"])
            if unit is None:
                problems.append(row.problem("subdistrict", N_(
                    "No sub-district called “%(name)s”."), name=cells["subdistrict"]))
        result.append(RollRow(row.row, cells["name"], idcard.normalize(cells["id_number"]),
                              cells["household"], cells["community"], unit))
    if problems:
        raise RollFileError(problems)
    return result
