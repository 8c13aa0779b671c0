"""GB 18218-2018 identification and grading of one unit (pure: no Django, no database).

    S = Σ qᵢ/Qᵢ          a major hazard when S ≥ 1 (q = Q counts)
    R = α · Σ βᵢ·qᵢ/Qᵢ   graded by Table 6 only when S ≥ 1

Q: Table 1 when the chemical is named there (by name, alias or CAS), else Table 2 by hazard
category; a chemical with several categories takes the lowest Q. β: Table 3 for the named toxic
gases, else Table 4 by category; with several categories the largest β (the standard does not
say which; the larger one never understates the risk). α: Table 5 by the people within 500 m.
A mixture is entered under the pure substance's name when it has the same hazard class, else
by its own category only (the standard's rule for mixtures).

Errors name the field (``chemicals[1].tonnes``); messages are templates that the Django shell
translates (``N_`` only marks them, as gettext_noop does).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .cas import CAS_SHAPE, is_valid_cas
from .tables import STANDARD, Category, NamedChemical, Tables, fold_name, load_tables

KINDS = ("production", "storage")


def N_(message: str) -> str:  # noqa: N802 — the gettext_noop convention
    return message


class AssessmentError(ValueError):
    """Bad input: ``field`` says where, ``template % params`` says what."""

    def __init__(self, field_name: str, template: str, **params: Any) -> None:
        self.field = field_name
        self.template = template
        self.params = params
        super().__init__(f"{field_name}: {template % params}")


@dataclass(frozen=True)
class ChemicalInput:
    tonnes: Fraction
    cas: str | None = None
    name: str | None = None
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnitInput:
    kind: str
    population_500m: int
    chemicals: tuple[ChemicalInput, ...]
    population_source: str = "entered"


@dataclass(frozen=True)
class Contribution:
    index: int
    given: ChemicalInput
    table1: NamedChemical | None
    q_category: Category | None
    critical_t: Fraction
    beta: Fraction | None  # None: β would need a category the input did not give
    beta_source: str | None

    @property
    def ratio(self) -> Fraction:
        return self.given.tonnes / self.critical_t

    @property
    def weighted(self) -> Fraction | None:
        return None if self.beta is None else self.beta * self.ratio

    def critical_source(self) -> str:
        if self.table1 is not None:
            return f"{STANDARD} 表1 #{self.table1.no}"
        assert self.q_category is not None
        return f"{STANDARD} 表2 {self.q_category.code}"

    def as_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "name": self.table1.name if self.table1 else self.given.name,
            "given_name": self.given.name,
            "cas": self.given.cas
            or (self.table1.cas[0] if self.table1 and self.table1.cas else None),
            "categories": list(self.given.categories),
            "table1_no": self.table1.no if self.table1 else None,
            "tonnes": _number(self.given.tonnes),
            "critical_t": _number(self.critical_t),
            "critical_source": self.critical_source(),
            "q_over_q": _number(self.ratio),
            "beta": _number(self.beta),
            "beta_source": self.beta_source,
            "contribution": _number(self.weighted),
        }


@dataclass(frozen=True)
class Assessment:
    unit: UnitInput
    contributions: tuple[Contribution, ...]
    s: Fraction
    alpha: Fraction
    alpha_band: str
    r: Fraction | None  # None only when S < 1 and some β is unknown (R is then not needed)
    grade: int | None
    grade_label: str | None = None
    grade_rule: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def major(self) -> bool:
        return self.s >= 1

    def as_json(self) -> dict[str, Any]:
        """The command's output: the issue's contract plus a "why"."""
        return {
            "s": _number(self.s),
            "r": _number(self.r),
            "grade": self.grade,
            "major": self.major,
            "contributions": [c.as_json() for c in self.contributions],
            "why": {
                "standard": f"{STANDARD} 危险化学品重大危险源辨识",
                "kind": self.unit.kind,
                "s_rule": "S = Σ q/Q; S ≥ 1 → major hazard",
                "r_rule": "R = α · Σ β·q/Q (Table 6 grade only when S ≥ 1)",
                "population_500m": self.unit.population_500m,
                "population_source": self.unit.population_source,
                "alpha": _number(self.alpha),
                "alpha_source": f"{STANDARD} 表5 {self.alpha_band}",
                "sum_beta_q_over_q": _number(_sum_weighted(self.contributions)),
                "grade_label": self.grade_label,
                "grade_source": f"{STANDARD} 表6 {self.grade_rule}" if self.grade_rule else None,
            },
        }


def _sum_weighted(contributions: tuple[Contribution, ...]) -> Fraction | None:
    weights = [c.weighted for c in contributions]
    return None if None in weights else sum(weights, Fraction(0))


def _number(value: Fraction | None) -> int | float | None:
    """Whole numbers print as integers, others as floats rounded to 6 places."""
    if value is None:
        return None
    if value.denominator == 1:
        return int(value)
    return round(float(value), 6)


# ---- parsing -------------------------------------------------------------------------------


def _positive_tonnes(value: Any, where: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise AssessmentError(where, N_("must be a number of tonnes, got %(value)r"), value=value)
    if not math.isfinite(value):
        raise AssessmentError(where, N_("must be a finite number of tonnes"))
    # A float is taken as the decimal it prints as (0.1 t is 1/10 t, not its binary neighbour).
    amount = Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
    if amount <= 0:
        raise AssessmentError(where, N_("must be more than 0 t, got %(value)s"), value=value)
    return amount


def _population(value: Any) -> int:
    where = "population_500m"
    if value is None:
        raise AssessmentError(where, N_("is required: the residents within 500 m of the boundary"))
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise AssessmentError(
            where, N_("must be a whole number of people, got %(value)r"), value=value
        )
    if not math.isfinite(value) or Fraction(value).denominator != 1:
        raise AssessmentError(
            where, N_("must be a whole number of people, got %(value)s"), value=value
        )
    if value < 0:
        raise AssessmentError(where, N_("cannot be negative, got %(value)s"), value=value)
    return int(value)


def _categories(value: Any, where: str, tables: Tables) -> tuple[str, ...]:
    if value is None or value == "" or value == []:
        return ()
    items = value if isinstance(value, list) else [value]
    codes = []
    for item in items:
        if not isinstance(item, str):
            raise AssessmentError(
                where, N_("must be a hazard category code such as J1 or W5.1, or a list of them")
            )
        for part in item.replace("，", ",").split(","):
            code = part.strip().upper()
            if not code:
                continue
            if code not in tables.categories:
                raise AssessmentError(
                    where,
                    N_("%(code)s is not a category of GB 18218-2018 Table 2 (J1–J5, W1.1–W11)"),
                    code=part.strip(),
                )
            codes.append(code)
    return tuple(dict.fromkeys(codes))


def _text(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise AssessmentError(where, N_("must be text"))
    return value.strip() or None


def parse_unit(data: Any, tables: Tables | None = None) -> UnitInput:
    """Check the command's UNIT JSON and turn it into a ``UnitInput``."""
    tables = tables or load_tables()
    if not isinstance(data, Mapping):
        raise AssessmentError(
            "unit", N_("must be a JSON object with kind, population_500m and chemicals")
        )
    kind = data.get("kind")
    if kind not in KINDS:
        raise AssessmentError(
            "kind", N_('must be "production" or "storage", got %(value)r'), value=kind
        )
    population = _population(data.get("population_500m"))
    source = _text(data.get("population_source"), "population_source") or "entered"
    chemicals = data.get("chemicals")
    if not isinstance(chemicals, list) or not chemicals:
        raise AssessmentError("chemicals", N_("a unit needs at least one chemical"))
    parsed = []
    for index, item in enumerate(chemicals):
        where = f"chemicals[{index}]"
        if not isinstance(item, Mapping):
            raise AssessmentError(
                where, N_("must be an object with tonnes and a cas, name or category")
            )
        tonnes = _positive_tonnes(item.get("tonnes"), f"{where}.tonnes")
        cas = _text(item.get("cas"), f"{where}.cas")
        if cas is not None and not CAS_SHAPE.match(cas):
            raise AssessmentError(
                f"{where}.cas", N_("%(cas)s is not a CAS number (digits-dd-d)"), cas=cas
            )
        if cas is not None and not is_valid_cas(cas):
            raise AssessmentError(f"{where}.cas", N_("%(cas)s has a wrong check digit"), cas=cas)
        name = _text(item.get("name"), f"{where}.name")
        categories = _categories(item.get("category"), f"{where}.category", tables)
        if cas is None and name is None and not categories:
            raise AssessmentError(where, N_("give a cas, a name or a hazard category"))
        parsed.append(ChemicalInput(tonnes, cas, name, categories))
    return UnitInput(kind, population, tuple(parsed), source)


# ---- assessment ----------------------------------------------------------------------------


def identify(chemical: ChemicalInput, where: str, tables: Tables) -> NamedChemical | None:
    """The Table 1 row of a chemical, or None when Table 1 does not name it."""
    by_name = tables.by_name.get(fold_name(chemical.name)) if chemical.name else None
    by_cas = tables.by_cas.get(chemical.cas, ()) if chemical.cas else ()
    if by_name is not None:
        if chemical.cas and chemical.cas not in by_name.cas:
            raise AssessmentError(
                f"{where}.cas",
                N_(
                    "%(cas)s is not the CAS number of %(name)s "
                    "(GB 18218-2018 Table 1 #%(no)s: %(expected)s)"
                ),
                cas=chemical.cas,
                name=chemical.name,
                no=by_name.no,
                expected=", ".join(by_name.cas) or "—",
            )
        return by_name
    if len(by_cas) > 1:
        raise AssessmentError(
            f"{where}.name",
            N_("CAS %(cas)s is on several rows of Table 1 (%(rows)s); give the row's name"),
            cas=chemical.cas,
            rows="; ".join(row.name for row in by_cas),
        )
    return by_cas[0] if by_cas else None


def _contribution(index: int, chemical: ChemicalInput, tables: Tables) -> Contribution:
    where = f"chemicals[{index}]"
    row = identify(chemical, where, tables)
    categories = [tables.categories[code] for code in chemical.categories]
    q_category = None
    if row is not None:
        critical = row.q
    elif categories:
        q_category = min(categories, key=lambda c: c.q)  # several hazards: the lowest Q
        critical = q_category.q
    else:
        raise AssessmentError(
            where,
            N_(
                "%(what)s is not in GB 18218-2018 Table 1: give its hazard "
                "category (Table 2, e.g. J1 or W5.1)"
            ),
            what=chemical.name or chemical.cas,
        )
    named_beta = tables.beta_by_table1_no.get(row.no) if row is not None else None
    if named_beta is None and row is None and chemical.name:
        named = tables.beta_by_name.get(fold_name(chemical.name))
        named_beta = named[1] if named else None
    if named_beta is not None:
        return Contribution(
            index, chemical, row, q_category, critical, named_beta, f"{STANDARD} 表3"
        )
    if not categories:  # β unknown: an error only if the unit turns out to need R (S ≥ 1)
        return Contribution(index, chemical, row, q_category, critical, None, None)
    beta_category = max(categories, key=lambda c: c.beta)
    return Contribution(
        index,
        chemical,
        row,
        q_category,
        critical,
        beta_category.beta,
        f"{STANDARD} 表4 {beta_category.code}",
    )


def assess(unit: UnitInput, tables: Tables | None = None) -> Assessment:
    """S, R and the grade of one unit, with every chemical's share."""
    tables = tables or load_tables()
    contributions = tuple(_contribution(i, c, tables) for i, c in enumerate(unit.chemicals))
    s = sum((c.ratio for c in contributions), Fraction(0))
    band = tables.alpha_for(unit.population_500m)
    unknown = [c for c in contributions if c.beta is None]
    if unknown and s >= 1:
        first = unknown[0]
        raise AssessmentError(
            f"chemicals[{first.index}].category",
            N_(
                "%(what)s is not a toxic gas of GB 18218-2018 Table 3, so its β "
                "comes from Table 4 by hazard category: give its category "
                "(e.g. W5.3)"
            ),
            what=first.table1.name if first.table1 else (first.given.name or first.given.cas),
        )
    weighted = _sum_weighted(contributions)
    r = None if weighted is None else band.alpha * weighted
    if s >= 1:
        assert r is not None
        grade = tables.grade_for(r)
        return Assessment(
            unit,
            contributions,
            s,
            band.alpha,
            band.label,
            r,
            grade.grade,
            grade.label,
            grade.expression,
        )
    return Assessment(unit, contributions, s, band.alpha, band.label, r, None)


def assess_json(data: Any) -> dict[str, Any]:
    """Parse, assess and answer in the command's JSON shape."""
    return assess(parse_unit(data)).as_json()
