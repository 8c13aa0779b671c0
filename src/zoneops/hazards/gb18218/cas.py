"""CAS Registry Numbers: shape and check digit (pure).

A CAS number is 2–7 digits, 2 digits and one check digit: the check digit is the sum of the
other digits, each multiplied by its position counted from the right (1, 2, 3 …), modulo 10.
"""

from __future__ import annotations

import re

CAS_SHAPE = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")


def cas_check_digit(body: str) -> int:
    """The check digit for the digits before it (``"778250"`` for 7782-50-5 gives 5)."""
    return sum(position * int(digit) for position, digit in enumerate(reversed(body), 1)) % 10


def is_valid_cas(cas: str) -> bool:
    """True when ``cas`` has the CAS shape and its check digit is right."""
    match = CAS_SHAPE.match(cas)
    if match is None:
        return False
    return cas_check_digit(match.group(1) + match.group(2)) == int(match.group(3))
