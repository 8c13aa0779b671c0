"""`zoneops rights import FILE.xlsx`: initial holdings (核定) from a sheet, through the import
kit. Columns (first sheet, header row; Chinese or English): 统一社会信用代码/credit_code,
企业名称/enterprise, 污染物/pollutant (COD, NH3-N, SO2, NOx, VOCs or 化学需氧量, 氨氮, 二氧化硫,
氮氧化物, 挥发性有机物), 数量/quantity (t/a), 起始日期/valid_from, 法律依据/legal_basis.

Every row is checked first, then every row is written through the ledger's services in one
transaction (so the cap is checked as the office would); a problem anywhere — a cell or a
service's refusal — is reported as 工作表!单元格 and the whole transaction is rolled back. A
dry run does the same and always rolls back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_noop as N_

from zoneops.core.imports import Problem, TableSpec, as_date, first_table
from zoneops.core.models import Enterprise, User

from . import services
from .models import Pollutant

SPEC = TableSpec({
    "credit_code": ("统一社会信用代码", "信用代码", "credit_code"),
    "enterprise": ("企业名称", "企业", "enterprise"),
    "pollutant": ("污染物", "pollutant"),
    "quantity": ("数量", "排污权数量", "quantity"),
    "valid_from": ("起始日期", "有效期起", "valid_from"),
    "legal_basis": ("法律依据", "依据", "legal_basis"),
}, required=("pollutant", "quantity", "valid_from", "legal_basis"),
    anchors=("pollutant", "quantity"), sections=False)
POLLUTANT_NAMES = {"化学需氧量": "COD", "氨氮": "NH3-N", "二氧化硫": "SO2", "氮氧化物": "NOx",
                   "挥发性有机物": "VOCs", **{p.lower(): p for p in Pollutant.values},
                   "nh3n": "NH3-N", "vocs": "VOCs"}
# Which cell a service's refusal belongs to, by the field it names.
SERVICE_FIELDS = {"quantity": "quantity", "pollutant": "pollutant",
                  "legal_basis": "legal_basis", "valid_to": "valid_from"}


class ImportProblems(ValidationError):
    """Every problem of the file, one message each (工作表!单元格 (header): what)."""


@dataclass
class Item:
    row: Any
    enterprise: Enterprise
    pollutant: str
    quantity: Decimal
    valid_from: dt.date
    legal_basis: str


@dataclass
class Plan:
    items: list[Item] = field(default_factory=list)
    previews: list[str] = field(default_factory=list)


def _date(row, name: str) -> dt.date | None:
    value = as_date(row.value(name))
    if value is not None:
        return value
    try:
        return dt.date.fromisoformat(row.text(name).replace("/", "-"))
    except ValueError:
        return None


def _enterprise(row, problems: list[Problem]) -> Enterprise | None:
    code, name = row.text("credit_code").upper(), row.text("enterprise")
    if not code and not name:
        problems.append(row.problem("credit_code" if "credit_code" in row.cells else
                                    "enterprise", N_("Name the enterprise (credit code or "
                                                     "name).")))
        return None
    by_code = Enterprise.objects.filter(credit_code=code).first() if code else None
    if code and by_code is None:
        problems.append(row.problem("credit_code", N_("No enterprise “%(value)s”."),
                                    value=code))
        return None
    if by_code is not None:
        if name and by_code.name != name:
            problems.append(row.problem("enterprise", N_(
                "The credit code belongs to “%(name)s”, not “%(value)s”."),
                name=by_code.name, value=name))
            return None
        return by_code
    found = list(Enterprise.objects.filter(name=name)[:2])
    if len(found) != 1:
        problems.append(row.problem("enterprise", N_("No enterprise “%(value)s”.")
                                    if not found else N_("More than one enterprise is named "
                                                         "“%(value)s”: give its credit code."),
                                    value=name))
        return None
    return found[0]


def read(source: IO[bytes] | str) -> tuple[list[Item], list[Problem]]:
    table, stop = first_table(source, SPEC)
    if table is None:
        return [], stop
    if "credit_code" not in table.columns and "enterprise" not in table.columns:
        return [], [Problem(table.sheet, table.header_row, None, "",
                            N_("No column for %(column)s."),
                            {"column": "统一社会信用代码/企业名称"})]
    items: list[Item] = []
    problems: list[Problem] = []
    seen: dict[tuple[int, str], int] = {}
    for row in table.rows:
        before = len(problems)
        for name in SPEC.required:
            if not row.text(name):
                problems.append(row.problem(name, N_("%(column)s is empty."),
                                            column=SPEC.label(name)))
        enterprise = _enterprise(row, problems)
        text = row.text("pollutant")
        pollutant = POLLUTANT_NAMES.get(text.lower().replace(" ", ""))
        if text and pollutant is None:
            problems.append(row.problem("pollutant", N_("“%(value)s” is not one of "
                                                        "%(choices)s."),
                                        value=text, choices=", ".join(Pollutant.values)))
        quantity = None
        if row.text("quantity"):
            try:
                quantity = Decimal(row.text("quantity"))
                if not quantity.is_finite() or quantity <= 0:
                    raise InvalidOperation
            except InvalidOperation:
                problems.append(row.problem("quantity", N_(
                    "Must be a number greater than zero (t/a).")))
                quantity = None
        valid_from = _date(row, "valid_from") if row.text("valid_from") else None
        if row.text("valid_from") and valid_from is None:
            problems.append(row.problem("valid_from", N_("Not a date (YYYY-MM-DD).")))
        if enterprise is not None and pollutant is not None:
            key = (enterprise.pk, pollutant)
            if key in seen:
                problems.append(row.problem("pollutant", N_(
                    "%(enterprise)s's %(pollutant)s is already on row %(row)s."),
                    enterprise=enterprise.name, pollutant=pollutant, row=seen[key]))
            seen.setdefault(key, row.row)
        if len(problems) == before:
            items.append(Item(row, enterprise, pollutant, quantity, valid_from,
                              row.text("legal_basis")))
    if not table.rows:
        problems.append(Problem(table.sheet, None, None, "", N_("The sheet has no data rows.")))
    return items, problems


class _DryRun(Exception):
    pass


def run(actor: User, source: IO[bytes] | str, *, dry_run: bool = True) -> Plan:
    """Check every row, then record every verification in one transaction; roll it back for
    a dry run. Raises ImportProblems listing every problem (nothing written), or
    PermissionDenied when the actor may not write the ledger."""
    items, problems = read(source)
    if problems:
        raise ImportProblems(sorted_messages(problems))
    plan = Plan(items)
    try:
        with transaction.atomic():
            for item in items:
                try:
                    movement = services.verify_initial(
                        actor=actor, enterprise=item.enterprise, pollutant=item.pollutant,
                        quantity=item.quantity, legal_basis=item.legal_basis,
                        valid_from=item.valid_from)
                except ValidationError as exc:
                    for name, messages in exc.message_dict.items():
                        for message in messages:
                            problems.append(item.row.problem(SERVICE_FIELDS.get(name),
                                                             message))
                    continue
                plan.previews.append(
                    f"{item.row.sheet}!{item.row.row}: {item.enterprise.name} · "
                    f"{item.pollutant} {item.quantity} t/a · "
                    f"{movement.valid_from:%Y-%m-%d} — {movement.valid_to:%Y-%m-%d}")
            if problems:
                raise ImportProblems(sorted_messages(problems))
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return plan


def sorted_messages(problems: list[Problem]) -> list[str]:
    return [str(p) for p in sorted(problems, key=Problem.sort_key)]
