"""The compiled fast paths (``_speedups.c``) against the pure-Python code they stand in for.

The CRC must equal the standard's literal algorithm; the plain data-area parser must give the
same DataArea as the Python parser, or hand over (None) so that Python gives the same error.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zoneops.hj212 import HJ212Error, crc16, crc16_bitwise
from zoneops.hj212._accel import speedups
from zoneops.hj212.crc import crc16_python
from zoneops.hj212.segment import parse_data_area, parse_data_area_python

HJ = settings.get_profile("hj212")
PLAIN = ("DataTime=20260301000000;a21026-Rtd=0.0036,a21026-Flag=N;"
         "a01001-Rtd=-26.7,a01001-ZsRtd=1.5E-3,a01001-Flag=N;SB1-RS=1;Name=澄湾")


def test_the_compiled_paths_are_built_and_used() -> None:
    if os.environ.get("ZONEOPS_HJ212_PURE") == "1":
        assert speedups is None
        return
    assert speedups is not None, "zoneops/hj212/_speedups.c was not built: pip install -e ."
    assert crc16 is speedups.crc16
    assert speedups.parse_area(PLAIN) is not None  # a plain area does take the fast path
    assert parse_data_area(PLAIN) == parse_data_area_python(PLAIN)


@HJ
@given(st.binary(max_size=1100))
def test_crc_equals_the_literal_algorithm(data: bytes) -> None:
    assert crc16(data) == crc16_python(data) == crc16_bitwise(data)
    assert crc16(bytearray(data)) == crc16(memoryview(data)) == crc16_bitwise(data)


def test_crc_refuses_text() -> None:
    with pytest.raises(TypeError):
        crc16("123456789")  # type: ignore[arg-type]


KEYS = st.sampled_from([
    "DataTime", "a21026-Rtd", "a21026-Flag", "a21026-Avg", "a21026-ZsRtd", "a21026-Cou",
    "a21026-EFlag", "a21026-SampleTime", "a01001-Rtd", "a01001-Min", "a01001-Max",
    "SB1-RS", "RtdInterval", "PolId", "-Rtd", "a-", "a21026-", "a.b-Rtd", "_x", "a b",
    "", "站点", "A-Rtd-Rtd", "a21026-rtd",
])
VALUES = st.sampled_from([
    "0.0036", "-26.7", "12", "12.", ".5", "+1", "1.5E-3", "1e999", "-1e999", "nan", "inf",
    "1_0", "", ".", "+", "-", "e5", "1e", "0x10", "１２", "N", "F", "澄湾", "20260301000000",
    "20260301000000123", "20261301000000", "2026", "a=b", "1" * 70, "\x00", "\udc80",
])
SEPARATORS = st.sampled_from([";", ",", ";;", " ;", "\t,", ";", ","])


@st.composite
def areas(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(min_value=0, max_value=8))):
        if parts:
            parts.append(draw(SEPARATORS))
        if draw(st.integers(min_value=0, max_value=20)) == 0:
            parts.append(draw(st.sampled_from(["x", "&&", "a21026-Rtd==1", "=1", " a=1"])))
        else:
            parts.append(f"{draw(KEYS)}={draw(VALUES)}")
    return "".join(parts)


def outcome(parse, area: str) -> object:
    try:
        return parse(area)
    except HJ212Error as exc:
        return ("error", exc.code, str(exc))


@HJ
@given(st.one_of(areas(), st.text(max_size=120)))
def test_plain_path_equals_the_python_parser(area: str) -> None:
    assert outcome(parse_data_area, area) == outcome(parse_data_area_python, area)
