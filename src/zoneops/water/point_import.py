"""Importing the chain's points from a spreadsheet: every row checked, the whole graph checked
by the engine's rules, then all saved or none.

Columns (first row, Chinese or English headers): 编号/code, 名称/name, 类型/kind (source,
network, plant_inlet, plant_outlet, outfall, river or 排放源/管网/进水口/出水口/排污口/断面),
下游/downstream (a code in the sheet or already registered), 流经时间/travel_minutes,
监测站/station (MN), 企业/enterprise (name or credit code), 责任单位/unit, 目标类别/
target_class, 限值标准/limit_set, 纬度/latitude and 经度/longitude (WGS-84, where the point is
drawn on the park map when it has no station).
"""

from __future__ import annotations

from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_noop as N_

from zoneops.core.imports import Problem, TableSpec, first_table
from zoneops.core.imports.units import unit_lookup
from zoneops.core.models import Enterprise, User
from zoneops.environment.models import Station

from .models import WaterPoint
from .services import check_chain, create_point, update_point

SPEC = TableSpec({
    "code": ("编号", "code"), "name": ("名称", "name"), "kind": ("类型", "kind"),
    "downstream": ("下游", "downstream"), "travel_minutes": ("流经时间", "travel_minutes"),
    "station": ("监测站", "station"), "enterprise": ("企业", "enterprise"),
    "unit": ("责任单位", "unit"), "target_class": ("目标类别", "target_class"),
    "limit_set": ("限值标准", "limit_set"), "latitude": ("纬度", "latitude"),
    "longitude": ("经度", "longitude"),
}, required=("code", "name", "kind"), anchors=("code", "name"), scan_rows=1, sections=False)
KIND_NAMES = {"排放源": "source", "管网": "network", "进水口": "plant_inlet",
              "出水口": "plant_outlet", "排污口": "outfall", "断面": "river"}


def _row(row: Any, units: dict, problems: list[Problem]) -> dict[str, Any]:
    cells = {name: row.text(name) for name in row.cells}
    item: dict[str, Any] = {"code": cells.get("code", ""), "name": cells.get("name", "")}
    for col in SPEC.required:
        if not cells.get(col):
            problems.append(row.problem(col, N_("%(column)s is empty."),
                                        column=SPEC.label(col)))
    kind = KIND_NAMES.get(cells.get("kind", ""), cells.get("kind", ""))
    if kind and kind not in WaterPoint.Kind.values:
        problems.append(row.problem("kind", N_("“%(value)s” is not one of %(choices)s."),
                                    value=kind, choices=", ".join(WaterPoint.Kind.values)))
    item["kind"] = kind
    try:
        item["travel_minutes"] = float(cells.get("travel_minutes") or 0)
    except ValueError:
        problems.append(row.problem("travel_minutes", N_("Must be a number.")))
    for col, bound in (("latitude", 90), ("longitude", 180)):
        text = cells.get(col, "")
        if not text:
            continue  # left as it is
        try:
            item[col] = float(text)
        except ValueError:
            problems.append(row.problem(col, N_("Must be a number.")))
            continue
        if not -bound <= item[col] <= bound:
            problems.append(row.problem(col, N_("Must be from -%(bound)s to %(bound)s."),
                                        bound=bound))
    finders = (
        ("station", N_("No station “%(value)s”."),
         lambda t: Station.objects.filter(mn=t).first()),
        ("enterprise", N_("No enterprise “%(value)s”."),
         lambda t: Enterprise.objects.filter(credit_code=t).first()
         or Enterprise.objects.filter(name=t).first()),
        ("unit", N_("No unit “%(value)s”."), units.get),
    )
    for col, message, find in finders:
        text = cells.get(col, "")
        item[col] = find(text) if text else None
        if text and item[col] is None:
            problems.append(row.problem(col, message, value=text))
    item["target_class"] = cells.get("target_class", "")
    item["limit_set"] = cells.get("limit_set", "")
    item["downstream_code"] = cells.get("downstream", "")
    return item


def parse(source: IO[bytes] | str) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows as service input, and every problem as 工作表!单元格 (header): what."""
    table, stop = first_table(source, SPEC)
    if table is None:
        return [], [str(p) for p in stop]
    units = unit_lookup(codes=True)
    items: list[dict[str, Any]] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    rows = {}
    for row in table.rows:
        item = _row(row, units, problems)
        if item["code"] in seen:
            problems.append(row.problem("code", N_("“%(value)s” is already on row %(row)s."),
                                        value=item["code"], row=seen[item["code"]]))
        seen[item["code"]] = row.row
        rows[row.row] = row
        item["row"] = row.row
        items.append(item)
    known = set(seen) | set(WaterPoint.objects.values_list("code", flat=True))
    for item in items:
        if item["downstream_code"] and item["downstream_code"] not in known:
            problems.append(rows[item["row"]].problem(
                "downstream", N_("No point “%(value)s”."), value=item["downstream_code"]))
    return items, [str(p) for p in sorted(problems, key=Problem.sort_key)]


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
            existing[item["code"]] = (update_point(actor, point, data) if point is not None
                                      else create_point(actor, data))
        for item in items:
            point = existing[item["code"]]
            target = existing.get(item["downstream_code"]) if item["downstream_code"] else None
            if point.downstream_id != (target.pk if target else None):
                update_point(actor, point, {"downstream": target})
            saved.append(point)
    return saved

