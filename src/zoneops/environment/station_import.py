"""Importing stations from a spreadsheet: every row validated, then all saved or none.

Columns (first row, Chinese or English headers): MN, 密码/PW, 名称/name, 类型/kind
(ambient, boundary, enterprise, weather or 环境空气站/园区边界站/企业厂界站/气象站),
纬度/lat, 经度/lon, 企业/enterprise (name or credit code, optional), 责任单位/unit (code,
name or alias, optional), 监测因子/factors (HJ 212 codes separated by , or 、, optional),
无数据时间/no_data_seconds (optional).
"""

from __future__ import annotations

from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import load_workbook

from zoneops.core.models import Enterprise, Unit, UnitAlias, User

from .models import Station
from .services import save_station

HEADERS = {
    "mn": "mn", "pw": "password", "密码": "password", "password": "password",
    "名称": "name", "name": "name", "类型": "kind", "kind": "kind", "纬度": "latitude",
    "lat": "latitude", "latitude": "latitude", "经度": "longitude", "lon": "longitude",
    "longitude": "longitude", "企业": "enterprise", "enterprise": "enterprise",
    "责任单位": "unit", "unit": "unit", "监测因子": "factors", "factors": "factors",
    "无数据时间": "no_data_seconds", "no_data_seconds": "no_data_seconds",
}
REQUIRED = ("mn", "password", "name", "kind", "latitude", "longitude")
KIND_NAMES = {"环境空气站": "ambient", "园区边界站": "boundary", "企业厂界站": "enterprise",
              "气象站": "weather"}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _unit(text: str) -> Unit | None:
    return (Unit.objects.filter(code=text).first() or Unit.objects.filter(name=text).first()
            or getattr(UnitAlias.objects.filter(alias=text).select_related("unit").first(),
                       "unit", None))


def parse(source: IO[bytes] | str) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows as service input, and every error as 'row N, column C: ...'."""
    try:
        sheet = load_workbook(source, read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        return [], [f"not a readable .xlsx file: {exc}"]
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        return [], ["the sheet is empty"]
    columns = [HEADERS.get(_text(h).lower()) for h in rows[0]]
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        return [], [f"row 1: missing column(s) {', '.join(missing)}"]
    out, errors, seen = [], [], {}
    for n, raw in enumerate(rows[1:], start=2):
        cells = {col: _text(v) for col, v in zip(columns, raw, strict=False) if col}
        if not any(cells.values()):
            continue
        item: dict[str, Any] = {}
        for col in REQUIRED:
            if not cells.get(col):
                errors.append(f"row {n}, column {col}: required")
        kind = KIND_NAMES.get(cells.get("kind", ""), cells.get("kind", ""))
        if kind and kind not in Station.Kind.values:
            errors.append(f"row {n}, column kind: {kind!r} is not one of "
                          f"{', '.join(Station.Kind.values)}")
        for col, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
            try:
                value = float(cells.get(col, ""))
                if not low <= value <= high:
                    raise ValueError
                item[col] = value
            except ValueError:
                if cells.get(col):
                    errors.append(f"row {n}, column {col}: must be a number from {low} to "
                                  f"{high}, got {cells[col]!r}")
        if cells.get("enterprise"):
            enterprise = (Enterprise.objects.filter(name=cells["enterprise"]).first()
                          or Enterprise.objects.filter(credit_code=cells["enterprise"]).first())
            if enterprise is None:
                errors.append(f"row {n}, column enterprise: no enterprise "
                              f"{cells['enterprise']!r}")
            item["enterprise"] = enterprise
        unit = _unit(cells["unit"]) if cells.get("unit") else None
        if cells.get("unit") and unit is None:
            errors.append(f"row {n}, column unit: no unit {cells['unit']!r}")
        item["unit"] = unit or getattr(item.get("enterprise"), "unit", None)
        if cells.get("no_data_seconds"):
            try:
                item["no_data_seconds"] = int(cells["no_data_seconds"])
            except ValueError:
                errors.append(f"row {n}, column no_data_seconds: must be a whole number")
        mn = cells.get("mn", "")
        if mn in seen:
            errors.append(f"row {n}, column mn: {mn!r} already on row {seen[mn]}")
        seen[mn] = n
        item.update(mn=mn, password=cells.get("password", ""), name=cells.get("name", ""),
                    kind=kind, row=n,
                    factors=[c.strip() for c in cells.get("factors", "").replace("、", ",")
                             .split(",") if c.strip()])
        out.append(item)
    return out, errors


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
            row = item.pop("row")
            factors = item.pop("factors")
            try:
                with transaction.atomic():
                    saved.append(save_station(actor, item,
                                              Station.objects.filter(mn=item["mn"]).first(),
                                              factors=factors or None))
            except ValidationError as exc:
                details = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
                for field, messages in details.items():
                    errors.extend(f"row {row}, column {field}: {m}" for m in messages)
        if errors:
            transaction.set_rollback(True)
            raise ValidationError(errors)
    return saved
