"""Properties: encode/decode round trips, and decode refuses only with HJ212Error."""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from zoneops.hj212 import (
    HJ212Error,
    answer_flag,
    answer_for,
    build_frame,
    decode,
    encode,
    parse_data_segment,
    request_answer,
)
from zoneops.hj212.codes import COMMAND_CODES, DATA_FLAGS, POLLUTANTS, SYSTEM_CODES
from zoneops.hj212.packet import NUMERIC_SUFFIXES, SUFFIX_FIELDS
from zoneops.hj212.segment import format_time

HJ = settings.get_profile("hj212")

NUMBERS = st.one_of(
    st.integers(min_value=-10**6, max_value=10**6),
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(lambda x: round(x, 6)),
)
ID_CHARS = st.characters(categories=["Lu", "Ll", "Lo", "Nd"])
TIMES = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31))
MEASUREMENT = st.fixed_dictionaries(
    {},
    optional={
        **dict.fromkeys(sorted(NUMERIC_SUFFIXES), NUMBERS),
        "Flag": st.sampled_from(sorted(DATA_FLAGS)),
        "EFlag": st.text(alphabet="ABC012", min_size=1, max_size=3),
    },
)
EXTRAS = st.dictionaries(
    st.sampled_from(["SystemTime", "RtdInterval", "SB1-RS", "SB2-RT", "PolId", "QnRtn"]),
    st.text(alphabet="0123456789ABCabc.", max_size=10),
    max_size=3,
)


@st.composite
def packets(draw: st.DrawFn) -> dict:
    items = draw(st.dictionaries(st.sampled_from(sorted(POLLUTANTS)), MEASUREMENT, max_size=4))
    data_time = draw(st.none() | TIMES.map(lambda t: t.replace(microsecond=0)))
    extras = draw(EXTRAS)
    pairs: list[tuple[str, object]] = []
    if data_time is not None:
        pairs.append(("DataTime", data_time))
    for code, values in items.items():
        pairs.extend((f"{code}-{suffix}", value) for suffix, value in values.items())
    pairs.extend(extras.items())
    split = draw(st.none() | st.integers(min_value=1, max_value=99))
    return {
        "st": draw(st.sampled_from(sorted(SYSTEM_CODES))),
        "cn": draw(st.sampled_from(sorted(COMMAND_CODES))),
        "pw": draw(st.text(alphabet=st.one_of(ID_CHARS, st.sampled_from("-_.,!@")),
                           max_size=12)),
        "mn": draw(st.text(alphabet=ID_CHARS, min_size=1, max_size=24)),
        "qn": draw(st.none() | TIMES.map(lambda t: format_time(t, milliseconds=True))),
        "flag": draw(st.none() | st.integers(min_value=0, max_value=255)),
        "pnum": split,
        "pno": None if split is None else draw(st.integers(min_value=1, max_value=split)),
        "cp": pairs,
        "_items": items,
        "_data_time": data_time,
        "_extras": extras,
    }


@HJ
@given(packets())
def test_encode_decode_round_trip(spec: dict) -> None:
    args = {k: v for k, v in spec.items() if not k.startswith("_")}
    try:
        frame = encode(**args)
    except HJ212Error as exc:
        assume(exc.code != "too_long")
        raise
    packet = decode(frame)
    for key in ("st", "cn", "pw", "mn", "qn", "flag", "pnum", "pno"):
        assert getattr(packet, key) == spec[key], key
    assert packet.cp.data_time == spec["_data_time"]
    assert packet.cp.extras == spec["_extras"]
    assert set(packet.cp.items) == {code for code, values in spec["_items"].items() if values}
    for code, values in spec["_items"].items():
        for suffix, value in values.items():
            assert getattr(packet.cp.items[code], SUFFIX_FIELDS[suffix]) == value
    assert decode(packet.to_frame()) == packet
    assert packet.to_frame() == frame


@HJ
@given(st.binary(max_size=1100))
def test_decode_arbitrary_bytes_only_raises_hj212error(data: bytes) -> None:
    for candidate in (data, b"##" + data, b"##%04d" % max(len(data) - 6, 0) + data):
        with suppress(HJ212Error):
            decode(candidate)


FRAGMENTS = st.sampled_from([
    "QN=20240101000000000", "ST=22", "CN=2011", "PW=123", "MN=AB", "Flag=5", "Flag=x",
    "PNUM=2", "PNO=1", "PNO=3", "CP=&&", "&&", ";", ";", ",", "=", "a21026-Rtd=", "1.5",
    "nan", "DataTime=20240101000000", "DataTime=", " ", "\t", "&", "#", "中", "\x01", "\r\n",
    "SB1-RS=1", "e", "-", ".", "a21026-Flag=N", "9", "1e999",
])
TEXT = st.lists(st.one_of(FRAGMENTS, st.text(max_size=4)), max_size=20).map("".join)


KEYS = st.sampled_from(["a21026-Rtd", "a21026-Flag", "a21004-Avg", "a21004-SampleTime",
                        "DataTime", "SystemTime", "SB1-RS", "w01018-Cou", "x"])
VALUES = st.one_of(FRAGMENTS, st.text(max_size=6), NUMBERS.map(str))
PAIRS = st.lists(
    st.tuples(KEYS, VALUES, st.sampled_from([";", ","])), max_size=8
).map(lambda pairs: "".join(f"{k}={v}{sep}" for k, v, sep in pairs))


@HJ
@given(TEXT, TEXT, PAIRS)
def test_framed_segments_decode_or_raise_hj212error(head: str, area: str, pairs: str) -> None:
    base = "ST=22;CN=2011;PW=1;MN=A"
    for segment in (head, f"{base};{head};CP=&&{area}&&", f"{base};CP=&&{pairs}&&"):
        try:
            raw = build_frame(segment.encode("utf-8", "surrogatepass"))
        except HJ212Error:
            continue  # too long to frame
        try:
            packet = decode(raw)
        except HJ212Error:
            continue
        # Whatever we accept we can send back unchanged in meaning.
        again = decode(packet.to_frame())
        assert (again.qn, again.st, again.cn, again.pw, again.mn, again.flag) == (
            packet.qn, packet.st, packet.cn, packet.pw, packet.mn, packet.flag
        )
        assert again.cp == packet.cp


@HJ
@given(st.binary(max_size=300))
def test_framed_random_bytes_only_raise_hj212error(segment: bytes) -> None:
    with suppress(HJ212Error):
        decode(build_frame(segment))


@HJ
@given(st.text(max_size=200))
def test_parse_data_segment_only_raises_hj212error(text: str) -> None:
    with suppress(HJ212Error):
        parse_data_segment(text)


@HJ
@given(packets(), st.integers(min_value=1, max_value=4))
def test_answers_equal_what_the_checking_encoder_builds(spec: dict, qn_rtn: int) -> None:
    """Answers skip encode()'s decoder check for speed; they must not need it."""
    args = {k: v for k, v in spec.items() if not k.startswith("_")}
    try:
        packet = decode(encode(**args))
    except HJ212Error as exc:
        assume(exc.code != "too_long")
        raise
    common = {"st": "91", "pw": packet.pw, "mn": packet.mn, "qn": packet.qn,
              "flag": answer_flag(packet)}
    assert request_answer(packet, qn_rtn) == encode(cn="9011", cp=f"QnRtn={qn_rtn}", **common)
    answer = answer_for(packet)
    if answer is not None:
        decoded = decode(answer)
        assert answer == encode(cn=decoded.cn, cp="", **common)
        assert (decoded.qn, decoded.pw, decoded.mn) == (packet.qn, packet.pw, packet.mn)
