"""GB 18218-2018 危险化学品重大危险源辨识 as a pure library: Tables 1–6 as data (``data/``),
S, R and the grade of a unit with the reasons (``engine``), CAS check digits (``cas``)."""

from .cas import is_valid_cas
from .engine import (
    Assessment,
    AssessmentError,
    ChemicalInput,
    UnitInput,
    assess,
    assess_json,
    parse_unit,
)
from .tables import STANDARD, load_tables

__all__ = [
    "STANDARD",
    "Assessment",
    "AssessmentError",
    "ChemicalInput",
    "UnitInput",
    "assess",
    "assess_json",
    "is_valid_cas",
    "load_tables",
    "parse_unit",
]
