"""Spreadsheet cells people's text goes into, neutralised against formula injection.

A cell whose text begins with =, +, -, @, a tab or a carriage return is read as a formula by
Excel, WPS and LibreOffice (a progress summary `=HYPERLINK(...)` became a live link in the
office's export, issue 17). Every xlsx and csv export writes its rows through this module:
in xlsx such text is stored as a plain string (never a formula); in csv, where a cell has no
type, it is prefixed with an apostrophe, as OWASP recommends."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    """Text a spreadsheet would evaluate; a plain number written as text ("-1.5") is not."""
    if not isinstance(value, str) or not value.startswith(FORMULA_PREFIXES):
        return False
    try:
        float(value)
    except ValueError:
        return True
    return value != value.strip()  # "\t1": a tab or CR is never part of a number


def csv_row(values: Iterable[Any]) -> list[Any]:
    """A csv row with every formula-like text prefixed by an apostrophe; numbers stay."""
    return [f"'{value}" if is_formula_like(value) else value for value in values]


def append_row(sheet, values: Iterable[Any]) -> None:
    """openpyxl's `sheet.append`, except that no text becomes a formula."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if is_formula_like(cell.value):
            cell.data_type = "s"
