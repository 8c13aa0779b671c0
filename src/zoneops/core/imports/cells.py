"""Cell values → text, once, the same way for every importer. Pure.

Numbers typed into cells come back as floats (1.0 → "1"), dates as ISO dates, full-width digits
as ASCII, a cell holding only spaces as empty, and line breaks as "\n" with every line trimmed.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

_WIDTH = str.maketrans("０１２３４５６７８９\u3000\xa0", "0123456789  ")
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").translate(_WIDTH)
    lines = [line.strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def one_line(text: str) -> str:
    """A title written over several lines → one line (no space between Chinese characters)."""
    parts = [p for p in text.split("\n") if p]
    if not parts:
        return ""
    out = parts[0]
    for part in parts[1:]:
        joiner = "" if _CJK.match(out[-1]) or _CJK.match(part[0]) else " "
        out += joiner + part
    return out


def as_date(value: Any) -> date | None:
    """A real date cell (xlsx, or xls converted by the reader) → date; anything else None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None
