"""Importing release points from a sheet: every row checked, then all written or none.

Columns (first row, Chinese or English): 企业/enterprise (name or credit code), 编号/code,
名称/name, 类型/kind (排气筒, 储罐呼吸口, 工艺装置区, 污水池 or stack, tank_vent,
process_area, wastewater_pool), 纬度/lat, 经度/lon, 高度/height (m), 排放物质/substances (HJ 212
codes separated by , or 、, optional). A row whose enterprise already has the code updates
that point; others are added. Problems are reported as 工作表!单元格 (header): what."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_noop as N_

from zoneops.core.imports import Problem, TableSpec, first_table
from zoneops.core.models import Enterprise, User
from zoneops.environment.models import Factor

from . import services
from .models import ReleasePoint

SPEC = TableSpec({
    "enterprise": ("企业", "企业名称", "enterprise"), "code": ("编号", "排放点编号", "code"),
    "name": ("名称", "排放点名称", "name"), "kind": ("类型", "kind"),
    "latitude": ("纬度", "lat", "latitude"), "longitude": ("经度", "lon", "longitude"),
    "height_m": ("高度", "高度(m)", "高度（m）", "排放高度", "height", "height_m"),
    "substances": ("排放物质", "物质", "substances"),
}, required=("enterprise", "code", "name", "kind", "latitude", "longitude", "height_m"),
    anchors=("enterprise", "code"), scan_rows=1, sections=False)
KIND_NAMES = {"排气筒": "stack", "储罐呼吸口": "tank_vent", "工艺装置区": "process_area",
              "污水池": "wastewater_pool"}


@dataclass
class Plan:
    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    new: int = 0
    changed: int = 0


def read(source: IO[bytes] | str) -> Plan:
    """Check every row; nothing is written."""
    plan = Plan()
    table, stop = first_table(source, SPEC)
    if table is None:
        plan.problems = [str(p) for p in stop]
        return plan
    enterprises = {e.name: e for e in Enterprise.objects.all()}
    enterprises.update({e.credit_code: e for e in list(enterprises.values())})
    factors = set(Factor.objects.values_list("code", flat=True))
    problems: list[Problem] = []
    seen: dict[tuple[int, str], int] = {}
    for row in table.rows:
        cells = {name: row.text(name) for name in row.cells}
        item: dict[str, Any] = {"row": row.row, "sheet": row.sheet}
        for col in SPEC.required:
            if not cells.get(col):
                problems.append(row.problem(col, N_("%(column)s is empty."),
                                            column=row.cells[col].header))
        enterprise = enterprises.get(cells.get("enterprise", ""))
        if cells.get("enterprise") and enterprise is None:
            problems.append(row.problem("enterprise", N_("No enterprise “%(value)s”."),
                                        value=cells["enterprise"]))
        kind = KIND_NAMES.get(cells.get("kind", ""), cells.get("kind", ""))
        if kind and kind not in ReleasePoint.Kind.values:
            problems.append(row.problem("kind", N_("“%(value)s” is not one of %(choices)s."),
                                        value=cells["kind"],
                                        choices="、".join(KIND_NAMES)))
        for col, low, high in (("latitude", -90, 90), ("longitude", -180, 180),
                               ("height_m", 0, 400)):
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
        substances = [c.strip() for c in cells.get("substances", "").replace("、", ",")
                      .replace("，", ",").split(",") if c.strip()]
        unknown = [c for c in substances if c not in factors]
        if unknown:
            problems.append(row.problem("substances", N_("Unknown HJ 212 code(s): %(value)s."),
                                        value=", ".join(unknown)))
        code = cells.get("code", "")
        if enterprise is not None and code:
            key = (enterprise.pk, code)
            if key in seen:
                problems.append(row.problem("code", N_("“%(value)s” is already on row %(row)s."),
                                            value=code, row=seen[key]))
            seen[key] = row.row
        item.update(enterprise=enterprise, code=code, name=cells.get("name", ""), kind=kind,
                    substances=substances)
        plan.rows.append(item)
    plan.problems = [str(p) for p in sorted(problems, key=Problem.sort_key)]
    if not plan.problems:
        for item in plan.rows:
            exists = ReleasePoint.objects.filter(enterprise=item["enterprise"],
                                                 code=item["code"]).exists()
            plan.changed += exists
            plan.new += not exists
    return plan


def commit(actor: User, plan: Plan) -> list[ReleasePoint]:
    """Write a checked plan through the services, all or nothing."""
    if plan.problems:
        raise ValidationError(plan.problems)
    saved = []
    with transaction.atomic():
        errors = []
        for item in plan.rows:
            item = dict(item)
            row, sheet, enterprise = item.pop("row"), item.pop("sheet"), item.pop("enterprise")
            existing = ReleasePoint.objects.filter(enterprise=enterprise,
                                                   code=item["code"]).first()
            try:
                with transaction.atomic():
                    saved.append(services.update_point(actor, existing, data=item) if existing
                                 else services.create_point(actor, enterprise=enterprise,
                                                            data=item))
            except ValidationError as exc:
                details = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
                for name, messages in details.items():
                    errors.extend(str(Problem(sheet, row, None, name, m)) for m in messages)
        if errors:
            transaction.set_rollback(True)
            raise ValidationError(errors)
    return saved
