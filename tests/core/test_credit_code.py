import pytest
from hypothesis import given
from hypothesis import strategies as st

from zoneops.core.credit_code import CHARSET, CreditCodeError, make, validate

# Codes published by the issuing authorities' own examples and public registries.
REAL = ["91350100M000100Y43", "91110000600037341L", "91440300708461136T"]


@pytest.mark.parametrize("code", REAL)
def test_real_codes_validate(code):
    assert validate(code.lower()) == code


@pytest.mark.parametrize(("code", "words"), [
    ("91350100M000100Y4", "18 characters"),
    ("91350100M000100Y44", "check character is 4, expected 3"),
    ("91350100M000100I43", "not allowed"),
    ("9135A100M000100Y43", "administrative division"),
])
def test_bad_codes_say_why(code, words):
    with pytest.raises(CreditCodeError, match=words):
        validate(code)


body = st.text(alphabet=CHARSET, min_size=8, max_size=8)


@given(body)
def test_made_codes_validate_and_any_single_change_is_caught(org):
    code = make("91", "330499", org)
    assert validate(code) == code
    for position in (0, 5, 17):
        for ch in CHARSET[:3]:
            if ch != code[position]:
                changed = code[:position] + ch + code[position + 1:]
                with pytest.raises(CreditCodeError):
                    validate(changed)
