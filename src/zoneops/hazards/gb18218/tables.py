"""GB 18218-2018 Tables 1–6, loaded from the data files beside this module (pure).

Numbers become ``Fraction`` so that S = 1 or R = 10 exactly is decided exactly, not by float
rounding. Names are compared after NFKC folding (full-width brackets and commas become ASCII),
dropping spaces and lower-casing, so "液氯", "Chlorine" and "氯 " find the same row.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path

# Beside the package, not inside it, so the wheel's "*/data/*" package-data rule ships them.
DATA = Path(__file__).resolve().parent.parent / "data"
STANDARD = "GB 18218-2018"


def fold_name(name: str) -> str:
    """The form names are compared in."""
    return "".join(unicodedata.normalize("NFKC", name).split()).lower()


@dataclass(frozen=True)
class NamedChemical:
    """A row of Table 1."""

    no: int
    name: str
    aliases: tuple[str, ...]
    cas: tuple[str, ...]
    q: Fraction
    common_names: tuple[str, ...]

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases, *self.common_names)


@dataclass(frozen=True)
class Category:
    """A row of Table 2 with its β from Table 4."""

    code: str
    hazard_class: str
    description: str
    q: Fraction
    beta: Fraction


@dataclass(frozen=True)
class AlphaBand:
    """A row of Table 5."""

    label: str
    minimum: int
    maximum: int | None
    alpha: Fraction


@dataclass(frozen=True)
class GradeBand:
    """A row of Table 6: R in [r_min, r_below)."""

    grade: int
    label: str
    expression: str
    r_min: Fraction | None
    r_below: Fraction | None


@dataclass(frozen=True)
class Tables:
    table1: tuple[NamedChemical, ...]
    by_name: dict[str, NamedChemical]
    by_cas: dict[str, tuple[NamedChemical, ...]]
    categories: dict[str, Category]
    beta_by_table1_no: dict[int, Fraction]
    beta_by_name: dict[str, tuple[str, Fraction]]
    alpha_bands: tuple[AlphaBand, ...]
    grade_bands: tuple[GradeBand, ...]

    def alpha_for(self, population: int) -> AlphaBand:
        for band in self.alpha_bands:
            if population >= band.minimum and (band.maximum is None or population <= band.maximum):
                return band
        raise ValueError(f"no Table 5 band for {population} people")

    def grade_for(self, r: Fraction) -> GradeBand:
        for band in self.grade_bands:
            if (band.r_min is None or r >= band.r_min) and (
                band.r_below is None or r < band.r_below
            ):
                return band
        raise ValueError(f"no Table 6 band for R = {r}")


def _fraction(text: str | None) -> Fraction | None:
    return None if text is None else Fraction(text)


@cache
def load_tables() -> Tables:
    """Read and index the data files once per process."""
    table1_doc = json.loads((DATA / "gb18218_table1.json").read_text(encoding="utf-8"))
    rest = json.loads((DATA / "gb18218_tables2_6.json").read_text(encoding="utf-8"))
    table1 = tuple(
        NamedChemical(
            row["no"],
            row["name"],
            tuple(row["aliases"]),
            tuple(row["cas"]),
            Fraction(row["q_t"]),
            tuple(row["common_names"]),
        )
        for row in table1_doc["rows"]
    )
    by_name: dict[str, NamedChemical] = {}
    by_cas: dict[str, list[NamedChemical]] = {}
    for chemical in table1:
        for name in chemical.names():
            # First row wins: a name the standard gives to one row is never taken by a later one.
            by_name.setdefault(fold_name(name), chemical)
        for cas in chemical.cas:
            by_cas.setdefault(cas, []).append(chemical)
    betas = {row["code"]: Fraction(row["beta"]) for row in rest["table4"]["rows"]}
    categories = {
        row["code"]: Category(
            row["code"], row["class"], row["description"], Fraction(row["q_t"]), betas[row["code"]]
        )
        for row in rest["table2"]["rows"]
    }
    beta_by_table1_no = {}
    beta_by_name = {}
    for row in rest["table3"]["rows"]:
        if row["table1_no"] is not None:
            beta_by_table1_no[row["table1_no"]] = Fraction(row["beta"])
        beta_by_name[fold_name(row["name"])] = (row["name"], Fraction(row["beta"]))
    alpha_bands = tuple(
        AlphaBand(row["label"], row["min"], row["max"], Fraction(row["alpha"]))
        for row in rest["table5"]["rows"]
    )
    grade_bands = tuple(
        GradeBand(
            row["grade"],
            row["label"],
            row["expression"],
            _fraction(row["r_min"]),
            _fraction(row["r_below"]),
        )
        for row in rest["table6"]["rows"]
    )
    return Tables(
        table1,
        by_name,
        {cas: tuple(rows) for cas, rows in by_cas.items()},
        categories,
        beta_by_table1_no,
        beta_by_name,
        alpha_bands,
        grade_bands,
    )
