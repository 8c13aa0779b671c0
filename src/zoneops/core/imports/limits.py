"""Limits a workbook must respect before anything parses it. Pure.

A 5 KB xlsx can declare one cell at XFD1048576 (openpyxl then pads 17 billion empty cells) and
a 1 MB zip can unpack to gigabytes. Both are visible without parsing: the zip's central
directory gives every member's uncompressed size, and each worksheet declares its dimension in
its first bytes. `check_zip` and `check_dimension` refuse such files in milliseconds.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass

from .problems import ReadError

_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?\"")


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 50 * 1024 * 1024
    max_unzipped_bytes: int = 300 * 1024 * 1024  # every member of the zip, uncompressed
    max_ratio: int = 200                          # uncompressed : compressed, per large member
    max_sheets: int = 50
    max_rows: int = 200_000                       # per sheet
    max_columns: int = 256                        # per sheet (Excel 2003's own limit)
    max_cells: int = 5_000_000                    # per sheet, rows × columns


DEFAULT_LIMITS = Limits()


def column_number(letters: str) -> int:
    """'A' → 1, 'XFD' → 16384."""
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def check_size(data: bytes, limits: Limits) -> None:
    if len(data) > limits.max_file_bytes:
        raise ReadError("file_too_large", size=len(data) // (1024 * 1024),
                        limit=limits.max_file_bytes // (1024 * 1024))


def check_zip(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse a zip bomb from its central directory (zipfile then never reads past a member's
    declared size, so the declared sizes bound the work)."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        large = info.file_size > 10 * 1024 * 1024
        if large and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise ReadError("zip_bomb", member=info.filename,
                            ratio=info.file_size // max(info.compress_size, 1))
    if total > limits.max_unzipped_bytes:
        raise ReadError("unzipped_too_large", size=total // (1024 * 1024),
                        limit=limits.max_unzipped_bytes // (1024 * 1024))


def check_dimension(sheet: str, head: bytes, limits: Limits) -> tuple[int, int] | None:
    """The (rows, columns) a worksheet declares in its first bytes, refused past the limits."""
    m = _DIMENSION.search(head)
    if m is None:
        return None
    last_col, last_row = (m.group(3), m.group(4)) if m.group(3) else (m.group(1), m.group(2))
    rows = int(last_row) if last_row else 1
    columns = column_number(last_col.decode()) if last_col else 1
    check_shape(sheet, rows, columns, limits)
    return rows, columns


def check_shape(sheet: str, rows: int, columns: int, limits: Limits) -> None:
    if rows > limits.max_rows:
        raise ReadError("too_many_rows", sheet=sheet, rows=rows, limit=limits.max_rows)
    if columns > limits.max_columns:
        raise ReadError("too_many_columns", sheet=sheet, columns=columns,
                        limit=limits.max_columns)
    if rows * columns > limits.max_cells:
        raise ReadError("too_many_cells", sheet=sheet, cells=rows * columns,
                        limit=limits.max_cells)
