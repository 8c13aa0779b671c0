"""Importing the chain's points from a spreadsheet: every row checked, the whole graph checked
by the engine's rules, then all saved or none.

Columns (first row, Chinese or English headers): 编号/code, 名称/name, 类型/kind (source,
network, plant_inlet, plant_outlet, outfall, river or 排放源/管网/进水口/出水口/排污口/断面),
下游/downstream (a code in the sheet or already registered), 流经时间/travel_minutes,
监测站/station (MN), 企业/enterprise (name or credit code), 责任单位/unit, 目标类别/
target_class, 限值标准/limit_set.
"""

from __future__ import annotations

from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import load_workbook

from zoneops.core.models import Enterprise, User
from zoneops.environment.models import Station
from zoneops.environment.station_import import _text, _unit

from .models import WaterPoint
from .services import check_chain, save_point

HEADERS = {
    "编号": "code", "code": "code", "名称": "name", "name": "name", "类型": "kind",
    "kind": "kind", "下游": "downstream", "downstream": "downstream",
    "流经时间": "travel_minutes", "travel_minutes": "travel_minutes", "监测站": "station",
    "station": "station", "企业": "enterprise", "enterprise": "enterprise",
    "责任单位": "unit", "unit": "unit", "目标类别": "target_class",
    "target_class": "target_class", "限值标准": "limit_set", "limit_set": "limit_set",
}
REQUIRED = ("code", "name", "kind")
KIND_NAMES = {"排放源": "source", "管网": "network", "进水口": "plant_inlet",
              "出水口": "plant_outlet", "排污口": "outfall", "断面": "river"}


def _row(n: int, cells: dict[str, str], errors: list[str]) -> dict[str, Any]:
    item: dict[str, Any] = {"code": cells.get("code", ""), "name": cells.get("name", "")}
    for col in REQUIRED:
        if not cells.get(col):
            errors.append(f"row {n}, column {col}: required")
    kind = KIND_NAMES.get(cells.get("kind", ""), cells.get("kind", ""))
    if kind and kind not in WaterPoint.Kind.values:
        errors.append(f"row {n}, column kind: {kind!r} is not one of "
                      f"{', '.join(WaterPoint.Kind.values)}")
    item["kind"] = kind
    try:
        item["travel_minutes"] = float(cells.get("travel_minutes") or 0)
    except ValueError:
        errors.append(f"row {n}, column travel_minutes: not a number")
    for col, find in (("station", lambda t: Station.objects.filter(mn=t).first()),
                      ("enterprise", lambda t: Enterprise.objects.filter(credit_code=t).first()
                       or Enterprise.objects.filter(name=t).first()),
                      ("unit", _unit)):
        text = cells.get(col, "")
        item[col] = find(text) if text else None
        if text and item[col] is None:
            errors.append(f"row {n}, column {col}: no {col} {text!r}")
    item["target_class"] = cells.get("target_class", "")
    item["limit_set"] = cells.get("limit_set", "")
    item["downstream_code"] = cells.get("downstream", "")
    return item


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
    items, errors, seen = [], [], {}
    for n, raw in enumerate(rows[1:], start=2):
        cells = {col: _text(v) for col, v in zip(columns, raw, strict=False) if col}
        if not any(cells.values()):
            continue
        item = _row(n, cells, errors)
        if item["code"] in seen:
            errors.append(f"row {n}, column code: {item['code']!r} is already row "
                          f"{seen[item['code']]}")
        seen[item["code"]] = n
        item["row"] = n
        items.append(item)
    known = set(seen) | set(WaterPoint.objects.values_list("code", flat=True))
    for item in items:
        if item["downstream_code"] and item["downstream_code"] not in known:
            errors.append(f"row {item['row']}, column downstream: no point "
                          f"{item['downstream_code']!r}")
    return items, errors


def import_points(actor: User, source: IO[bytes] | str) -> list[WaterPoint]:
    """All rows saved, or none: a ValidationError lists every problem."""
    items, errors = parse(source)
    if not errors:
        graph = {p.code: p.as_chain_point() for p in
                 WaterPoint.objects.select_related("downstream")}
        for item in items:
            graph[item["code"]] = {
                "id": item["code"], "kind": item["kind"],
                "travel_minutes": item["travel_minutes"],
                **({"downstream": item["downstream_code"]} if item["downstream_code"] else {}),
                **{k: item[k] for k in ("target_class", "limit_set") if item[k]}}
        try:
            check_chain(list(graph.values()))
        except ValidationError as exc:
            errors = [f"{field}: {m}" for field, ms in exc.message_dict.items() for m in ms]
    if errors:
        raise ValidationError(errors)
    saved = []
    with transaction.atomic():
        existing = {p.code: p for p in WaterPoint.objects.all()}
        for item in items:  # first the points, then where each flows
            data = {k: v for k, v in item.items() if k not in ("downstream_code", "row")}
            data["downstream"] = None
            point = existing.get(item["code"])
            if point is not None:
                data["downstream"] = point.downstream
            existing[item["code"]] = save_point(actor, data, point)
        for item in items:
            point = existing[item["code"]]
            target = existing.get(item["downstream_code"]) if item["downstream_code"] else None
            if point.downstream_id != (target.pk if target else None):
                save_point(actor, {"downstream": target}, point)
            saved.append(point)
    return saved

