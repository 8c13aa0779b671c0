"""Unified social credit code (统一社会信用代码) check characters, GB 32100-2015.

Pure: no Django. An 18-character code is: registration authority (1), organisation type (1),
administrative division (6 digits), organisation code (9, itself checked by GB 11714-1997),
and a final check character over the first 17.
"""

from __future__ import annotations

# GB 32100-2015 Table 1: the 31 characters used, with their values 0..30 (no I, O, S, V, Z).
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(CHARSET)}
# GB 32100-2015 §5: weight of position i (1-based) is 3^(i-1) mod 31.
_WEIGHTS = [pow(3, i, 31) for i in range(17)]
# GB 11714-1997: weights of the 8 body characters of the organisation code.
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


class CreditCodeError(ValueError):
    """The code is not a valid unified social credit code; the message says why."""


def check_character(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters."""
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def org_check_character(body8: str) -> str:
    """The GB 11714-1997 check character of an organisation code body (8 characters)."""
    total = sum((_VALUE[ch] if ch.isdigit() else ord(ch) - 55) * w
                for ch, w in zip(body8, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def validate(code: str) -> str:
    """Return the normalised code (upper case, trimmed) or raise CreditCodeError."""
    normalised = (code or "").strip().upper()
    if len(normalised) != 18:
        raise CreditCodeError(f"must be 18 characters, got {len(normalised)}")
    bad = sorted({ch for ch in normalised if ch not in _VALUE})
    if bad:
        raise CreditCodeError(f"contains characters not allowed in a credit code: {''.join(bad)}")
    if not normalised[2:8].isdigit():
        raise CreditCodeError("characters 3–8 must be the 6-digit administrative division code")
    expected = check_character(normalised[:17])
    if normalised[17] != expected:
        raise CreditCodeError(f"check character is {normalised[17]}, expected {expected}")
    org = normalised[8:17]
    if org_check_character(org[:8]) != org[8]:
        expected_org = org_check_character(org[:8])
        raise CreditCodeError(
            f"organisation code {org} fails its GB 11714 check (expected {expected_org})")
    return normalised


def make(prefix2: str, division6: str, org_body8: str) -> str:
    """Build a valid code from its parts (used by the demo generator and tests)."""
    org = org_body8 + org_check_character(org_body8)
    first17 = prefix2 + division6 + org
    return first17 + check_character(first17)
