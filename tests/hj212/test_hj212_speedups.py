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
from zoneops.hj212.segment import (
    parse_data_area,
    parse_data_area_python,
    parse_data_segment,
    parse_data_segment_python,
)

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
    segment = f"QN=20260301000000001;ST=22;CN=2011;PW=pw;MN=BENCH0001;Flag=5;CP=&&{PLAIN}&&"
    assert speedups.parse_segment(segment) is not None
    assert parse_data_segment(segment) == parse_data_segment_python(segment)


@HJ
@given(st.binary(max_size=1100))
def test_crc_equals_the_literal_algorithm(data: bytes) -> None:
    assert crc16(data) == crc16_python(data) == crc16_bitwise(data)
    assert crc16(bytearray(data)) == crc16(memoryview(data)) == crc16_bitwise(data)


def test_crc_refuses_text() -> None:
    with pytest.raises(TypeError):
        crc16("123456789")  # type: ignore[arg-type]


GOOD_KEYS = st.sampled_from([
    "DataTime", "a21026-Rtd", "a21026-Flag", "a21026-Avg", "a21026-ZsRtd", "a21026-Cou",
    "a21026-EFlag", "a21026-SampleTime", "a01001-Rtd", "a01001-Min", "a01001-Max",
    "SB1-RS", "RtdInterval", "PolId", "a.b-Rtd", "_x", "A-Rtd-Rtd", "a21026-rtd",
])
BAD_KEYS = st.sampled_from(["-Rtd", "a-", "a21026-", "a b", "", "站点"])
GOOD_VALUES = st.sampled_from([
    "0.0036", "-26.7", "12", "12.", ".5", "+1", "1.5E-3", "N", "F", "澄湾", "20260301000000",
    "20260301000000123",
])
BAD_VALUES = st.sampled_from([
    "1e999", "-1e999", "nan", "inf", "1_0", "", ".", "+", "-", "e5", "1e", "0x10", "１２",
    "20261301000000", "2026", "a=b", "1" * 70, "\x00", "\udc80", "\x85", "a b",
])
# Mostly right, with a wrong part now and then: each wrong part must send the compiled path
# back to Python, and each right one must be taken the same way by both.
SOMETIMES = st.integers(min_value=0, max_value=11).map(lambda n: n == 0)


@st.composite
def areas(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(min_value=0, max_value=8))):
        if parts:
            parts.append(draw(st.sampled_from([";", ",", ";", ",", ";;", " ;", "\t,"])
                              if draw(SOMETIMES) else st.sampled_from([";", ","])))
        if draw(SOMETIMES):
            parts.append(draw(st.sampled_from(["x", "&&", "a21026-Rtd==1", "=1", " a=1"])))
            continue
        key = draw(BAD_KEYS if draw(SOMETIMES) else GOOD_KEYS)
        parts.append(f"{key}={draw(BAD_VALUES if draw(SOMETIMES) else GOOD_VALUES)}")
    return "".join(parts)


def outcome(parse, area: str) -> object:
    try:
        return parse(area)
    except HJ212Error as exc:
        return ("error", exc.code, str(exc))


@settings(HJ, max_examples=1000)
@given(st.one_of(areas(), st.text(max_size=120)))
def test_plain_path_equals_the_python_parser(area: str) -> None:
    assert outcome(parse_data_area, area) == outcome(parse_data_area_python, area)


GOOD_HEADER = st.sampled_from([
    "QN=20260301000000001", "Flag=5", "Flag=4", "Flag=00005", "X-Y=1", "X=a&&b", "PW2=x",
])
BAD_HEADER = st.sampled_from([
    "QN=2026030100000000012345", "QN=", "QN=1a", "ST=1234567", "ST=", "ST=２２", "CN=20a1",
    "PW=a&b", "PW=密码", "MN=" + "M" * 25, "MN=", "MN=站", "Flag=123456", "Flag=-1",
    "PNUM=2", "PNO=1", "=1", "QN", "ST=2=2", "a b=1", "ST=22", "CN=2011", "X=\x85",
])
REQUIRED = ["ST=22", "CN=2011", "PW=~!@#$%^*()", "MN=" + "M" * 24]


@st.composite
def segments(draw: st.DrawFn) -> str:
    header = [*REQUIRED, *draw(st.lists(GOOD_HEADER, max_size=3, unique=True))]
    if draw(SOMETIMES):
        header.pop(draw(st.integers(min_value=0, max_value=3)))
    if draw(SOMETIMES):
        header.append(draw(BAD_HEADER))
    header = draw(st.permutations(header))
    glue = draw(st.sampled_from([";;", " ;", "X"])) if draw(SOMETIMES) else ";"
    cp = draw(st.sampled_from(["CP = &&", "CP=&", "cp=&&"])) if draw(SOMETIMES) else "CP=&&"
    tail = draw(st.sampled_from(["&& ", "&", "", "&&&&"])) if draw(SOMETIMES) else "&&"
    return glue.join([*header, f"{cp}{draw(areas())}{tail}"])


@settings(HJ, max_examples=1000)
@given(st.one_of(segments(), st.text(max_size=160)))
def test_plain_segment_path_equals_the_python_parser(text: str) -> None:
    assert outcome(parse_data_segment, text) == outcome(parse_data_segment_python, text)
