"""Natural order of item codes: ZD-2 before ZD-10, 2.9 before 2.10, １ as 1.

One rule for every place items are listed, exported or reported: `natural_key` sorts in
Python, `sort_code` is the same order as a plain string, stored on each item so that the
database can order (and paginate) by it.
"""

from __future__ import annotations

import re
import unicodedata

DIGITS = re.compile(r"(\d+)")
WIDTH = 10  # digits a number is padded to in sort_code


def _parts(code: str) -> list[str]:
    return DIGITS.split(unicodedata.normalize("NFKC", code or "").strip().casefold())


def natural_key(code: str) -> tuple:
    """Sort key: digit runs compare as numbers, the rest as (case-folded) text."""
    return tuple(int(part) if i % 2 else part for i, part in enumerate(_parts(code)))


def sort_code(code: str) -> str:
    """The same order as a string: every number padded to ten digits."""
    return "".join(part.lstrip("0").rjust(WIDTH, "0") if i % 2 else part
                   for i, part in enumerate(_parts(code)))[:255]


def natural_sorted(items, code=lambda item: item.code) -> list:
    """Items (or anything with a code) in natural order of their codes."""
    return sorted(items, key=lambda item: natural_key(code(item)))
