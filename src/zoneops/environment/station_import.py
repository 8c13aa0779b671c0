"""Importing stations from a spreadsheet: every row validated, then all saved or none.

Columns (first row, Chinese or English headers): MN, 密码/PW, 名称/name, 类型/kind
(ambient, boundary, enterprise, in_plant, weather, wastewater, surface_water, or the
standards' Chinese names: 环境空气, 园区边界, 企业边界 (厂界), 厂区内, 气象, 废水, 地表水,
with or without 站/监测点),
纬度/lat, 经度/lon, 企业/enterprise (name or credit code, optional), 责任单位/unit (code,
name or alias, optional), 监测因子/factors (HJ 212 codes separated by , or 、, optional),
无数据时间/no_data_seconds (optional).
"""

from __future__ import annotations

from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_noop as N_

from zoneops.core.imports import Problem, TableSpec, first_table
from zoneops.core.imports.units import unit_lookup
from zoneops.core.models import Enterprise, User

from .models import KIND_NAMES, Station, kind_of  # noqa: F401 - KIND_NAMES for callers
from .services import create_station, update_station

SPEC = TableSpec({
    "mn": ("MN",), "password": ("密码", "PW", "password"), "name": ("名称", "name"),
    "kind": ("类型", "kind"), "latitude": ("纬度", "lat", "latitude"),
    "longitude": ("经度", "lon", "longitude"), "enterprise": ("企业", "enterprise"),
    "unit": ("责任单位", "unit"), "factors": ("监测因子", "factors"),
    "no_data_seconds": ("无数据时间", "no_data_seconds"),
}, required=("mn", "password", "name", "kind", "latitude", "longitude"),
    anchors=("mn", "name"), scan_rows=1, sections=False)
REQUIRED = SPEC.required
def parse(source: IO[bytes] | str) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows as service input, and every problem as 工作表!单元格 (header): what."""
    table, stop = first_table(source, SPEC)
    if table is None:
        return [], [str(p) for p in stop]
    units = unit_lookup(codes=True)
    out: list[dict[str, Any]] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        cells = {name: row.text(name) for name in row.cells}
        item: dict[str, Any] = {}
        for col in REQUIRED:
            if not cells.get(col):
                problems.append(row.problem(col, N_("%(column)s is empty."),
                                            column=row.cells[col].header))
        kind = kind_of(cells.get("kind", ""))
        if kind and kind not in Station.Kind.values:
            problems.append(row.problem("kind", N_("“%(value)s” is not one of %(choices)s."),
                                        value=kind, choices=", ".join(Station.Kind.values)))
        for col, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
            try:
                value = float(cells.get(col, ""))
                if not low <= value <= high:
                    raise ValueError
                item[col] = value
            except ValueError:
                if cells.get(col):
                    problems.append(row.problem(col, N_(
                        "Must be a number from %(low)s to %(high)s, not “%(value)s”."),
                        low=low, high=high, value=cells[col]))
        if cells.get("enterprise"):
            enterprise = (Enterprise.objects.filter(name=cells["enterprise"]).first()
                          or Enterprise.objects.filter(credit_code=cells["enterprise"]).first())
            if enterprise is None:
                problems.append(row.problem("enterprise", N_("No enterprise “%(value)s”."),
                                            value=cells["enterprise"]))
            item["enterprise"] = enterprise
        unit = units.get(cells["unit"]) if cells.get("unit") else None
        if cells.get("unit") and unit is None:
            problems.append(row.problem("unit", N_("No unit “%(value)s”."), value=cells["unit"]))
        item["unit"] = unit or getattr(item.get("enterprise"), "unit", None)
        if cells.get("no_data_seconds"):
            try:
                item["no_data_seconds"] = int(cells["no_data_seconds"])
            except ValueError:
                problems.append(row.problem("no_data_seconds", N_("Must be a whole number.")))
        mn = cells.get("mn", "")
        if mn in seen:
            problems.append(row.problem("mn", N_("“%(value)s” is already on row %(row)s."),
                                        value=mn, row=seen[mn]))
        seen[mn] = row.row
        item.update(mn=mn, password=cells.get("password", ""), name=cells.get("name", ""),
                    kind=kind, row=row.row, sheet=row.sheet,
                    factors=[c.strip() for c in cells.get("factors", "").replace("、", ",")
                             .split(",") if c.strip()])
        out.append(item)
    return out, [str(p) for p in sorted(problems, key=Problem.sort_key)]


def import_stations(actor: User, source: IO[bytes] | str) -> list[Station]:
    """Validate every row, then create or update every station (by MN) - or change nothing
    and raise a ValidationError listing every problem with its row and column."""
    items, errors = parse(source)
    if errors:
        raise ValidationError(errors)
    saved = []
    with transaction.atomic():
        errors = []
        for item in items:
            row, sheet = item.pop("row"), item.pop("sheet")
            factors = item.pop("factors")
            try:
                with transaction.atomic():
                    existing = Station.objects.filter(mn=item["mn"]).first()
                    saved.append(update_station(actor, existing, item, factors=factors or None)
                                 if existing else
                                 create_station(actor, item, factors=factors or None))
            except ValidationError as exc:
                details = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
                for field, messages in details.items():
                    errors.extend(str(Problem(sheet, row, None, field, m)) for m in messages)
        if errors:
            transaction.set_rollback(True)
            raise ValidationError(errors)
    return saved
