"""Importing the registry from a spreadsheet: one row per chemical in a piece of equipment.

Columns (header row first; Chinese or English): 企业/enterprise (name or credit code),
单元编号/unit_code, 单元名称/unit_name, 单元类型/kind (生产单元, 储存单元, production, storage),
500米内人数/population_500m (optional), 设备位号/tag, 设备类型/equipment_kind (储罐, 容器, 仓库,
管道, 其他 or tank, vessel, warehouse, pipeline, other), 化学品/chemical, CAS (optional),
危险性类别/categories (optional, e.g. "W2,J1"), 设计最大量/design_max_t (tonnes).

Every row is checked first and every problem reported as 工作表!单元格 with the header's name;
a dry run then shows what would be written and each unit's S, R and grade; a real run writes
everything through the services in one transaction, or nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zoneops.core.imports import ReadError, column_letter, read_workbook
from zoneops.core.models import Enterprise, User

from . import permissions as perm
from . import services
from .gb18218 import AssessmentError, assess, is_valid_cas, load_tables, parse_unit
from .models import Chemical, Equipment, HazardUnit

HEADERS = {
    "enterprise": ("企业", "企业名称", "enterprise"),
    "unit_code": ("单元编号", "unit_code"),
    "unit_name": ("单元名称", "unit_name"),
    "kind": ("单元类型", "kind"),
    "population_500m": ("500米内人数", "500m内人数", "周边500米人数", "population_500m"),
    "tag": ("设备位号", "位号", "tag"),
    "equipment_kind": ("设备类型", "equipment_kind"),
    "chemical": ("化学品", "化学品名称", "危险化学品", "chemical"),
    "cas": ("cas", "cas号"),
    "categories": ("危险性类别", "categories"),
    "design_max_t": ("设计最大量", "设计最大量(吨)", "设计最大量（吨）", "design_max_t"),
}
REQUIRED = (
    "enterprise",
    "unit_code",
    "unit_name",
    "kind",
    "tag",
    "equipment_kind",
    "chemical",
    "design_max_t",
)
UNIT_KINDS = {
    "生产单元": "production",
    "储存单元": "storage",
    "production": "production",
    "storage": "storage",
}
EQUIPMENT_KINDS = {
    "储罐": "tank",
    "容器": "vessel",
    "仓库": "warehouse",
    "管道": "pipeline",
    "其他": "other",
    **{k: k for k in Equipment.Kind.values},
}
_SPACES = re.compile(r"\s+")


def _header(text: Any) -> str | None:
    key = _SPACES.sub("", str(text or "")).lower()
    for name, words in HEADERS.items():
        if key in words:
            return name
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@dataclass
class Row:
    where: dict[str, str]  # field → "Sheet!C7"
    enterprise: Enterprise | None
    unit_code: str
    unit_name: str
    kind: str
    population: int | None
    tag: str
    equipment_kind: str
    chemical: str
    cas: str
    categories: list[str]
    tonnes: Decimal | None


@dataclass
class Plan:
    rows: list[Row] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    previews: list[str] = field(default_factory=list)


def read(source: str | IO[bytes]) -> Plan:
    """Read and check every row; nothing is written."""
    plan = Plan()
    try:  # the one reader: xlsx/xls/csv/docx, with the kit's limits against spreadsheet bombs
        sheet = read_workbook(source).sheets[0]
    except ReadError as exc:
        plan.problems.append(str(exc.problem()))
        return plan
    grid = sheet.rows
    if not grid:
        plan.problems.append(f"{sheet.name}: the sheet is empty")
        return plan
    columns = {i: _header(h) for i, h in enumerate(grid[0])}
    position = {name: i for i, name in columns.items() if name}
    missing = [name for name in REQUIRED if name not in position]
    if missing:
        plan.problems.append(f"{sheet.name}!1: missing column(s) {', '.join(missing)}")
        return plan
    headers = {name: _text(grid[0][i]) for name, i in position.items()}
    categories_known = load_tables().categories
    enterprises = {e.name: e for e in Enterprise.objects.all()}
    enterprises.update({e.credit_code: e for e in enterprises.values()})
    for number, raw in enumerate(grid[1:], start=2):
        cells = {name: _text(raw[i]) if i < len(raw) else "" for name, i in position.items()}
        if not any(cells.values()):
            continue
        where = {
            name: f"{sheet.name}!{column_letter(i)}{number}"
            for name, i in position.items()
        }

        def problem(name: str, message: str, where=where, headers=headers) -> None:
            plan.problems.append(f"{where[name]} ({headers[name]}): {message}")

        for name in REQUIRED:
            if not cells[name]:
                problem(name, "required")
        enterprise = enterprises.get(cells["enterprise"])
        if cells["enterprise"] and enterprise is None:
            problem("enterprise", f"no enterprise {cells['enterprise']!r}")
        kind = UNIT_KINDS.get(cells["kind"].lower(), "")
        if cells["kind"] and not kind:
            problem("kind", f"{cells['kind']!r} is not 生产单元 or 储存单元")
        equipment_kind = EQUIPMENT_KINDS.get(cells["equipment_kind"].lower(), "")
        if cells["equipment_kind"] and not equipment_kind:
            problem(
                "equipment_kind",
                f"{cells['equipment_kind']!r} is not one of 储罐, 容器, 仓库, 管道, 其他",
            )
        population = None
        if cells.get("population_500m"):
            try:
                population = int(cells["population_500m"])
                if population < 0:
                    raise ValueError
            except ValueError:
                problem("population_500m", "must be a whole number of people, 0 or more")
        tonnes = None
        if cells["design_max_t"]:
            try:
                tonnes = Decimal(cells["design_max_t"])
                if not tonnes.is_finite() or tonnes <= 0:
                    raise InvalidOperation
            except InvalidOperation:
                problem("design_max_t", f"must be more than 0 t, got {cells['design_max_t']!r}")
                tonnes = None
        cas = cells.get("cas", "")
        if cas and not is_valid_cas(cas):
            problem("cas", f"{cas} is not a CAS number with a right check digit")
        codes = [
            c.strip().upper()
            for c in re.split(r"[,，、;；\s]+", cells.get("categories", ""))
            if c.strip()
        ]
        unknown = [c for c in codes if c not in categories_known]
        if unknown:
            problem("categories", f"not GB 18218-2018 Table 2 codes: {', '.join(unknown)}")
        plan.rows.append(
            Row(
                where,
                enterprise,
                cells["unit_code"],
                cells["unit_name"],
                kind,
                population,
                cells["tag"],
                equipment_kind,
                cells["chemical"],
                cas,
                codes,
                tonnes,
            )
        )
    _check_consistency(plan)
    if not plan.rows and not plan.problems:
        plan.problems.append(f"{sheet.name}: no rows under the header")
    if not plan.problems:
        _preview(plan)
    return plan


def _check_consistency(plan: Plan) -> None:
    """A unit, a piece of equipment and a chemical read the same on every row."""
    units: dict[tuple, Row] = {}
    equipment: dict[tuple, Row] = {}
    chemicals: dict[str, Row] = {}
    holdings: dict[tuple, Row] = {}
    for row in plan.rows:
        unit_key = (row.enterprise and row.enterprise.pk, row.unit_code)
        first = units.setdefault(unit_key, row)
        for name, attr in (
            ("unit_name", "unit_name"),
            ("kind", "kind"),
            ("population_500m", "population"),
        ):
            if getattr(row, attr) != getattr(first, attr) and name in row.where:
                plan.problems.append(
                    f"{row.where[name]}: unit {row.unit_code} reads "
                    f"differently on {first.where[name]}"
                )
        eq = equipment.setdefault((*unit_key, row.tag), row)
        if row.equipment_kind != eq.equipment_kind:
            plan.problems.append(
                f"{row.where['equipment_kind']}: equipment {row.tag} reads "
                f"differently on {eq.where['equipment_kind']}"
            )
        chem = chemicals.setdefault(row.chemical, row)
        if (row.cas, row.categories) != (chem.cas, chem.categories):
            plan.problems.append(
                f"{row.where['chemical']}: chemical {row.chemical} has another "
                f"CAS number or categories on {chem.where['chemical']}"
            )
        key = (*unit_key, row.tag, row.chemical)
        if key in holdings:
            plan.problems.append(
                f"{row.where['chemical']}: {row.chemical} in {row.tag} is "
                f"already on {holdings[key].where['chemical']}"
            )
        holdings.setdefault(key, row)


def _preview(plan: Plan) -> None:
    """Each unit's S, R and grade as the rows would make them."""
    units: dict[tuple, list[Row]] = {}
    for row in plan.rows:
        units.setdefault((row.enterprise.name, row.unit_code), []).append(row)
    for (enterprise, code), rows in units.items():
        totals: dict[str, Decimal] = {}
        for row in rows:
            totals[row.chemical] = totals.get(row.chemical, Decimal(0)) + row.tonnes
        first_of = {row.chemical: row for row in reversed(rows)}
        data = {
            "kind": rows[0].kind,
            "population_500m": rows[0].population,
            "chemicals": [
                {
                    "name": name,
                    "tonnes": tonnes,
                    **({"cas": first_of[name].cas} if first_of[name].cas else {}),
                    **(
                        {"category": first_of[name].categories} if first_of[name].categories else {}
                    ),
                }
                for name, tonnes in totals.items()
            ],
        }
        try:
            result = assess(parse_unit(data))
        except AssessmentError as exc:
            plan.previews.append(f"{enterprise} {code}: not assessable yet ({exc})")
            continue
        grade = f"grade {result.grade}" if result.grade else "not a major hazard"
        plan.previews.append(
            f"{enterprise} {code}: S = {float(result.s):.4g}, "
            f"R = {'—' if result.r is None else format(float(result.r), '.4g')}, {grade}"
        )


def run(actor: User, source: str | IO[bytes], *, dry_run: bool = True) -> Plan:
    """Read, check and (unless ``dry_run``) write every row in one transaction. Raises
    ValidationError listing every problem; nothing is written then."""
    plan = read(source)
    if plan.problems:
        raise ValidationError(plan.problems)
    for row in plan.rows:
        if not perm.can_edit_enterprise_units(actor, row.enterprise):
            raise PermissionDenied(
                f"{row.where['enterprise']}: you cannot edit the units of {row.enterprise.name}"
            )
    new_chemicals = {row.chemical for row in plan.rows} - set(
        Chemical.objects.filter(name__in={row.chemical for row in plan.rows}).values_list(
            "name", flat=True
        )
    )
    if new_chemicals and not perm.can_manage_chemicals(actor):
        raise PermissionDenied(
            "not in the chemical catalogue (an administrator adds them): "
            + ", ".join(sorted(new_chemicals))
        )
    if dry_run:
        return plan
    with transaction.atomic(), services.batch(actor, "imported from a spreadsheet"):
        _write(actor, plan)
    return plan


def _write(actor: User, plan: Plan) -> None:
    chemicals: dict[str, Chemical] = {}
    for row in plan.rows:
        if row.chemical in chemicals:
            continue
        existing = Chemical.objects.filter(name=row.chemical).first()
        wanted = {"cas": row.cas, "categories": row.categories}
        if existing is None or (
            perm.can_manage_chemicals(actor)
            and any(getattr(existing, k) != v for k, v in wanted.items() if v)
        ):
            changes = {"name": row.chemical, **{k: v for k, v in wanted.items() if v}}
            existing = (services.update_chemical(actor, existing, changes) if existing
                        else services.create_chemical(actor, changes))
        chemicals[row.chemical] = existing
    for row in plan.rows:
        unit = HazardUnit.objects.filter(enterprise=row.enterprise, code=row.unit_code).first()
        data = {"enterprise": row.enterprise, "code": row.unit_code, "name": row.unit_name,
                "kind": row.kind, "population_500m": row.population}
        unit = (services.update_unit(actor, unit, data) if unit
                else services.create_unit(actor, data))
        equipment = Equipment.objects.filter(unit=unit, tag=row.tag).first()
        data = {"unit": unit, "tag": row.tag, "kind": row.equipment_kind}
        equipment = (services.update_equipment(actor, equipment, data) if equipment
                     else services.create_equipment(actor, data))
        services.set_holding(actor, equipment, chemical=chemicals[row.chemical],
                             design_max_t=row.tonnes)
