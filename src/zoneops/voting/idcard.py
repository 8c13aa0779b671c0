"""Resident ID numbers (GB 11643-1999): 17 digits and a check character. Pure: no Django."""

from __future__ import annotations

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"  # indexed by (weighted sum mod 11)


def check_char(first17: str) -> str:
    """The check character for 17 digits."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("need exactly 17 digits")
    return CHECK[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def normalize(value: str) -> str:
    """Upper-case, spaces removed: how people type an ID number is not part of it."""
    return "".join(str(value or "").split()).upper()


def problem(value: str) -> str | None:
    """Why `value` is not a valid 18-character ID number, or None when it is."""
    number = normalize(value)
    if len(number) != 18:
        return "must be 18 characters"
    if not number[:17].isdigit():
        return "the first 17 characters must be digits"
    if number[17] not in "0123456789X":
        return "the last character must be a digit or X"
    if check_char(number[:17]) != number[17]:
        return "the check character does not match (mistyped?)"
    return None


def is_valid(value: str) -> bool:
    return problem(value) is None


def make(region: str, birth: str, sequence: int) -> str:
    """A number with a valid check character, e.g. make("330499", "19800101", 123)."""
    first17 = f"{region}{birth}{sequence:03d}"
    return first17 + check_char(first17)
