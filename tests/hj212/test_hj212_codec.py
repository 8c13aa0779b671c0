"""decode/encode of whole frames: the standard's example, tolerance, and every rejection."""

from __future__ import annotations

from datetime import datetime

import pytest

from zoneops.hj212 import (
    ERROR_CODES,
    HJ212Error,
    Measurement,
    build_frame,
    crc16_hex,
    decode,
    encode,
    parse_data_segment,
)

EXAMPLE = (
    b"##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;"
    b"Flag=5;CP=&&RtdInterval=30&&1C80\r\n"
)
HEAD = "QN=20240601080000000;ST=22;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=5"


def frame(segment: str | bytes) -> bytes:
    """A correctly framed segment (right length, right CRC), whatever the segment says."""
    return build_frame(segment)


def with_cp(cp: str, head: str = HEAD) -> bytes:
    return frame(f"{head};CP=&&{cp}&&")


# --------------------------------------------------------------------------- accepted


def test_standard_example() -> None:
    packet = decode(EXAMPLE)
    assert (packet.qn, packet.st, packet.cn, packet.pw, packet.mn, packet.flag) == (
        "20160801085857223", "32", "1062", "100000", "010000A8900016F000169DC0", 5,
    )
    assert packet.version == "2017"
    assert packet.needs_ack and not packet.is_split
    assert packet.cp.extras == {"RtdInterval": "30"}
    assert packet.cp.raw_pairs == [("RtdInterval", "30")]
    assert packet.cp.items == {} and packet.cp.data_time is None
    assert list(packet.fields) == ["QN", "ST", "CN", "PW", "MN", "Flag"]


def test_example_round_trips_byte_for_byte() -> None:
    assert decode(EXAMPLE).to_frame() == EXAMPLE


def test_lower_case_crc_accepted() -> None:
    assert decode(EXAMPLE.replace(b"1C80", b"1c80")) == decode(EXAMPLE)


def test_text_input_and_missing_tail_when_allowed() -> None:
    assert decode(EXAMPLE.decode()) == decode(EXAMPLE)
    bare = EXAMPLE[:-2]
    assert decode(bare, require_tail=False) == decode(EXAMPLE)
    assert decode(bare + b"\n", require_tail=False) == decode(EXAMPLE)
    assert decode(EXAMPLE, require_tail=False) == decode(EXAMPLE)


def test_2005_packet_without_qn_and_flag() -> None:
    packet = decode(frame(
        "ST=32;CN=2011;PW=123456;MN=88888880000001;"
        "CP=&&DataTime=20040516010101;011-Rtd=100.0,011-Flag=N&&"
    ))
    assert packet.qn is None and packet.flag is None
    assert packet.version == "2005"
    assert not packet.needs_ack and not packet.is_split
    assert packet.cp.items["011"] == Measurement(rtd=100.0, flag="N")


@pytest.mark.parametrize(
    ("flag", "version", "ack", "split_bit"),
    [
        (0, "2005", False, False), (1, "2005", True, False), (3, "2005", True, True),
        (4, "2017", False, False), (5, "2017", True, False), (6, "2017", False, True),
        (7, "2017", True, True), (8, "2025", False, False), (9, "2025", True, False),
        (10, "2025", False, True), (11, "2025", True, True), (12, "unknown", False, False),
        (255, "unknown", True, True), (99999, "unknown", True, True),
    ],
)
def test_flag_values(flag: int, version: str, ack: bool, split_bit: bool) -> None:
    head = HEAD.replace("Flag=5", f"Flag={flag}")
    pnum = ";PNUM=2;PNO=1" if split_bit else ""
    packet = decode(with_cp("", head + pnum))
    assert packet.flag == flag
    assert packet.version == version
    assert packet.needs_ack is ack
    assert packet.is_split is split_bit


def test_d_bit_without_pnum_is_a_whole_packet() -> None:
    packet = decode(with_cp("", HEAD.replace("Flag=5", "Flag=7")))
    assert packet.flag == 7 and packet.pnum is None and not packet.is_split


def test_measurements_extras_and_order() -> None:
    cp = (
        "DataTime=20240601080000;SystemTime=20240601080005;"
        "a21026-Rtd=12.5,a21026-Flag=N,a21026-EFlag=A01,a21026-SampleTime=20240601075930;"
        "a21026-ZsRtd=14.1;a00000-Min=1,a00000-Avg=2.5,a00000-Max=4,a00000-Cou=9000.5;"
        "a19001-ZsMin=1,a19001-ZsAvg=2,a19001-ZsMax=3;SB1-RS=1;SB1-RT=23.5;PolId=w01018"
    )
    area = decode(with_cp(cp)).cp
    assert area.data_time == datetime(2024, 6, 1, 8, 0, 0)
    assert area.items["a21026"] == Measurement(
        rtd=12.5, zs_rtd=14.1, flag="N", eflag="A01", sample_time="20240601075930"
    )
    assert area.items["a00000"] == Measurement(min=1.0, avg=2.5, max=4.0, cou=9000.5)
    assert area.items["a19001"] == Measurement(zs_min=1.0, zs_avg=2.0, zs_max=3.0)
    assert area.extras == {
        "SystemTime": "20240601080005", "SB1-RS": "1", "SB1-RT": "23.5", "PolId": "w01018"
    }
    assert [key for key, _ in area.raw_pairs][:4] == [
        "DataTime", "SystemTime", "a21026-Rtd", "a21026-Flag"
    ]
    assert len(area.raw_pairs) == 17


def test_millisecond_data_time() -> None:
    area = decode(with_cp("DataTime=20240601080000123;a21026-Rtd=1")).cp
    assert area.data_time == datetime(2024, 6, 1, 8, 0, 0, 123000)


@pytest.mark.parametrize(
    ("text", "value"),
    [("12", 12.0), ("-3.5", -3.5), ("+0.5", 0.5), (".5", 0.5), ("5.", 5.0),
     ("1.5E-3", 0.0015), ("2e2", 200.0), ("007", 7.0), ("0", 0.0)],
)
def test_number_forms_accepted(text: str, value: float) -> None:
    assert decode(with_cp(f"a21026-Rtd={text}")).cp.items["a21026"].rtd == value


def test_extra_spaces_and_empty_pieces_tolerated() -> None:
    spaced = frame(
        "QN=20240601080000000; ST=22 ;CN = 2011;PW=123456;\tMN=ABC;Flag=5; "
        "CP = && DataTime=20240601080000 ; a21026-Rtd = 12.5 , a21026-Flag=N ;&&"
    )
    tight = frame(
        "QN=20240601080000000;ST=22;CN=2011;PW=123456;MN=ABC;Flag=5;"
        "CP=&&DataTime=20240601080000;a21026-Rtd=12.5,a21026-Flag=N&&"
    )
    a, b = decode(spaced), decode(tight)
    assert (a.st, a.cn, a.mn, a.cp) == (b.st, b.cn, b.mn, b.cp)


def test_utf8_mn_length_is_counted_in_bytes() -> None:
    segment = (
        "QN=20240601080000000;ST=22;CN=2011;PW=123456;MN=园区东门站点01;Flag=4;"
        "CP=&&DataTime=20240601080000;a21026-Rtd=1&&"
    )
    data = segment.encode("utf-8")
    assert len(data) > len(segment)  # six Chinese characters, three bytes each
    good = b"##%04d%s%s\r\n" % (len(data), data, crc16_hex(data).encode())
    assert decode(good).mn == "园区东门站点01"
    counted_in_chars = b"##%04d%s%s\r\n" % (len(segment), data, crc16_hex(data).encode())
    with pytest.raises(HJ212Error) as caught:
        decode(counted_in_chars)
    assert caught.value.code == "length_mismatch"
    assert f"says {len(segment)} bytes" in str(caught.value)
    assert f"is {len(data)} bytes" in str(caught.value)


def test_chinese_text_in_data_area() -> None:
    packet = decode(with_cp("i12001-Info=设备运行正常"))
    assert packet.cp.extras["i12001-Info"] == "设备运行正常"


def test_unknown_header_fields_kept_and_re_encoded() -> None:
    packet = decode(frame(
        "QN=20240601080000000;ST=22;CN=2011;PW=1;MN=A;Flag=4;Vendor=x1;CP=&&a21026-Rtd=1&&"
    ))
    assert packet.fields["Vendor"] == "x1"
    assert decode(packet.to_frame()) == packet


def test_header_fields_in_any_order() -> None:
    packet = decode(frame("MN=A;PW=1;CN=2011;ST=22;Flag=4;QN=20240601080000000;CP=&&&&"))
    assert (packet.st, packet.cn, packet.mn, packet.qn) == ("22", "2011", "A", "20240601080000000")


# --------------------------------------------------------------------------- rejected

REJECTIONS: list[tuple[str, bytes, str, str]] = [
    # (name, frame, code, words the message must contain)
    ("no ##", EXAMPLE[1:], "bad_header", "must start with '##'"),
    ("letters in length", b"##01a1" + EXAMPLE[6:], "bad_header", "4 decimal digits"),
    ("short header", b"##01", "bad_header", "4 decimal digits"),
    ("length over 1024", b"##1025" + EXAMPLE[6:], "too_long", "1025 bytes exceeds"),
    ("length too small", b"##0100" + EXAMPLE[6:], "length_mismatch",
     "says 100 bytes but the data segment before the 4-digit CRC is 101"),
    ("length too large", b"##0102" + EXAMPLE[6:], "length_mismatch", "says 102 bytes"),
    ("no room for CRC", b"##0000AB\r\n", "length_mismatch", "not even a 4-digit CRC"),
    ("no CRLF", EXAMPLE[:-2], "bad_tail", "must end with CRLF"),
    ("LF only", EXAMPLE[:-2] + b"\n", "bad_tail", "must end with CRLF"),
    ("CRC not hex", EXAMPLE.replace(b"1C80", b"1G80"), "crc_syntax", "4 hex digits, got b'1G80'"),
    ("CRC 0x form", EXAMPLE.replace(b"1C80", b"0x1C"), "crc_syntax", "4 hex digits"),
    ("CRC wrong", EXAMPLE.replace(b"1C80", b"1C81"), "crc_mismatch",
     "CRC field is 1C81 but the data segment's CRC is 1C80"),
    ("CRC of MODBUS", EXAMPLE.replace(b"1C80", b"%04X" % 0x4B37), "crc_mismatch", "is 1C80"),
    ("bad UTF-8", frame(HEAD.encode() + b";CP=&&x=\xff\xfe&&"), "encoding",
     "not valid UTF-8"),
    ("no ; before CP", frame(HEAD + "CP=&&a21026-Rtd=1&&"), "field_syntax",
     "must follow a ';'"),
    ("CP without &&", frame(HEAD + ";CP=a21026-Rtd=1"), "field_syntax",
     "CP must start with '&&'"),
    ("CP not closed", frame(HEAD + ";CP=&&a21026-Rtd=1"), "field_syntax",
     "closed by '&&'"),
    ("text after CP", with_cp("a21026-Rtd=1") + b"", "field_syntax", ""),
    ("&& inside CP", with_cp("a21026-Rtd=1&&a21004-Rtd=2"), "field_syntax",
     "unexpected '&&'"),
    ("pair without =", with_cp("DataTime=20240601080000;a21026-Rtd"), "field_syntax",
     "'a21026-Rtd' is not key=value"),
    ("bad key", with_cp("a21 026-Rtd=1"), "field_syntax", "is not a valid key"),
    ("value with =", with_cp("a21026-Flag=N=1"), "field_syntax",
     "the value of a21026-Flag contains '='"),
    ("header piece without =", frame("QN=1;ST=22;CN=2011;PW=1;MN=A;Flag5;CP=&&&&"),
     "field_syntax", "'Flag5' is not key=value"),
    ("header twice", frame("ST=22;ST=22;CN=2011;PW=1;MN=A;CP=&&&&"), "duplicate_field",
     "header field ST appears twice"),
    ("value twice", with_cp("a21026-Rtd=1;a21026-Rtd=2"), "duplicate_field",
     "a21026-Rtd appears twice"),
    ("DataTime twice", with_cp("DataTime=20240601080000;DataTime=20240601080000"),
     "duplicate_field", "DataTime appears twice"),
    ("no MN", frame("ST=22;CN=2011;PW=1;CP=&&&&"), "missing_field", "MN is missing"),
    ("no ST", frame("CN=2011;PW=1;MN=A;CP=&&&&"), "missing_field", "ST is missing"),
    ("no PW", frame("ST=22;CN=2011;MN=A;CP=&&&&"), "missing_field", "PW is missing"),
    ("no CP", frame("ST=22;CN=2011;PW=1;MN=A"), "missing_field", "no CP=&&"),
    ("PNUM without PNO", frame("ST=22;CN=2011;PW=1;MN=A;Flag=7;PNUM=2;CP=&&&&"),
     "missing_field", "PNO is missing"),
    ("ST letters", frame("ST=ab;CN=2011;PW=1;MN=A;CP=&&&&"), "field_value",
     "ST must be 1 to 6 decimal digits, got 'ab'"),
    ("CN fullwidth digits", frame("ST=22;CN=２０１１;PW=1;MN=A;CP=&&&&"), "field_value",
     "CN must be"),
    ("Flag letters", frame("ST=22;CN=2011;PW=1;MN=A;Flag=N;CP=&&&&"), "field_value",
     "Flag must be"),
    ("QN letters", frame("QN=2024x;ST=22;CN=2011;PW=1;MN=A;CP=&&&&"), "field_value",
     "QN must be"),
    ("MN too long", frame("ST=22;CN=2011;PW=1;MN=" + "A" * 25 + ";CP=&&&&"), "field_value",
     "MN must be 1 to 24 characters, got 25"),
    ("MN empty", frame("ST=22;CN=2011;PW=1;MN=;CP=&&&&"), "field_value",
     "MN must be 1 to 24 characters, got 0"),
    ("MN control char", frame("ST=22;CN=2011;PW=1;MN=A\x01B;CP=&&&&"), "field_syntax",
     "control character '\\x01' at character 23"),
    ("MN non-printable", frame("ST=22;CN=2011;PW=1;MN=A\u3000B;CP=&&&&"), "field_value",
     "MN contains a control character"),
    ("CR in a value", with_cp("i12001-Info=a\rb"), "field_syntax", "control character"),
    ("PNO over PNUM", frame("ST=22;CN=2011;PW=1;MN=A;Flag=7;PNUM=2;PNO=3;CP=&&&&"),
     "field_value", "PNO must be between 1 and PNUM=2, got 3"),
    ("PNO zero", frame("ST=22;CN=2011;PW=1;MN=A;Flag=7;PNUM=2;PNO=0;CP=&&&&"),
     "field_value", "PNO must be between"),
    ("1.2.3", with_cp("a21026-Rtd=1.2.3"), "number_syntax", "a21026-Rtd: '1.2.3' is not"),
    ("abc", with_cp("a21026-Avg=abc"), "number_syntax", "a21026-Avg: 'abc' is not"),
    ("empty", with_cp("a21026-Max="), "number_syntax", "a21026-Max: empty"),
    ("nan", with_cp("a21026-Rtd=nan"), "number_syntax", "'nan' is not"),
    ("inf", with_cp("a21026-Rtd=inf"), "number_syntax", "'inf' is not"),
    ("underscore", with_cp("a21026-Rtd=1_0"), "number_syntax", "'1_0' is not"),
    ("inner space", with_cp("a21026-Rtd=1 0"), "number_syntax", "'1 0' is not"),
    ("arabic digits", with_cp("a21026-Rtd=١٢"), "number_syntax", "is not a decimal"),
    ("overflow", with_cp("a21026-Cou=1e999"), "number_syntax", "'1e999' is out of range"),
    ("hex", with_cp("a21026-Rtd=0x1A"), "number_syntax", "'0x1A' is not"),
    ("DataTime 13 digits", with_cp("DataTime=2016080108585"), "time_syntax",
     "DataTime: expected 14 digits"),
    ("DataTime month 13", with_cp("DataTime=20241301000000"), "time_syntax",
     "20241301000000 is not a real date"),
    ("DataTime letters", with_cp("DataTime=2024060108000a"), "time_syntax", "expected 14"),
]
# 'text after CP' needs a hand-made frame: rebuild it here so the CRC is right.
REJECTIONS = [
    (name, frame(HEAD + ";CP=&&a21026-Rtd=1&&;X=1"), code, "closed by '&&'")
    if name == "text after CP" else (name, raw, code, words)
    for name, raw, code, words in REJECTIONS
]


@pytest.mark.parametrize(
    ("raw", "code", "words"),
    [pytest.param(raw, code, words, id=name) for name, raw, code, words in REJECTIONS],
)
def test_rejections(raw: bytes, code: str, words: str) -> None:
    with pytest.raises(HJ212Error) as caught:
        decode(raw)
    assert caught.value.code == code
    assert words in caught.value.message
    assert str(caught.value).startswith(code + ": ")
    assert isinstance(caught.value, ValueError)


def test_every_decode_error_code_is_exercised() -> None:
    stream_only = {"garbage", "incomplete", "split_mismatch", "internal_error"}
    exercised = {code for _, _, code, _ in REJECTIONS}
    assert exercised == set(ERROR_CODES) - stream_only


def test_error_names_the_key() -> None:
    with pytest.raises(HJ212Error) as caught:
        decode(with_cp("a21026-Rtd=1;a21004-Rtd=x"))
    assert caught.value.key == "a21004-Rtd"


def test_unknown_error_code_is_a_bug() -> None:
    with pytest.raises(AssertionError):
        HJ212Error("no_such_code", "x")


def test_error_pickles_with_its_code() -> None:
    import pickle

    error = pickle.loads(pickle.dumps(HJ212Error("crc_mismatch", "m", key="k")))
    assert (error.code, error.message, error.key) == ("crc_mismatch", "m", "k")


def test_surrogates_in_text_input() -> None:
    with pytest.raises(HJ212Error) as caught:
        decode("##0001\ud800")
    assert caught.value.code == "encoding"


# --------------------------------------------------------------------------- encode


def test_encode_builds_upper_case_crc_and_byte_length() -> None:
    raw = encode(
        st="22", cn="2011", pw="123456", mn="站点A", qn="20240601080000000", flag=5,
        cp=[("DataTime", datetime(2024, 6, 1, 8)), ("a21026-Rtd", 12.5), ("a21026-Flag", "N"),
            ("a21004-Rtd", 3)],
    )
    segment = raw[6:-6]
    assert raw.startswith(b"##%04d" % len(segment)) and raw.endswith(b"\r\n")
    assert raw[-6:-2] == crc16_hex(segment).encode() and raw[-6:-2].upper() == raw[-6:-2]
    assert b"CP=&&DataTime=20240601080000;a21026-Rtd=12.5,a21026-Flag=N;a21004-Rtd=3&&" in raw
    packet = decode(raw)
    assert packet.mn == "站点A" and packet.cp.items["a21004"].rtd == 3.0


def test_encode_mapping_and_text_cp() -> None:
    a = encode(st=22, cn=2011, pw="1", mn="A", cp={"a21026-Rtd": 1.25})
    b = encode(st=22, cn=2011, pw="1", mn="A", cp="a21026-Rtd=1.25")
    assert a == b


def test_encode_numbers_without_exponent() -> None:
    raw = encode(st=22, cn=2011, pw="1", mn="A", cp={"a21026-Rtd": 1e-05, "a21004-Rtd": 1e22})
    assert b"a21026-Rtd=0.00001" in raw and b"a21004-Rtd=10000000000000000000000" in raw


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"mn": "A;B"}, "field_syntax"),
        ({"pw": " 1"}, "field_syntax"),
        ({"cp": {"i12001-Info": "a&&b"}}, "field_syntax"),
        ({"cp": {"i12001-Info": "a,b"}}, "field_syntax"),
        ({"cp": {"i12001-Info": "a\nb"}}, "field_syntax"),
        ({"mn": "A" * 25}, "field_value"),
        ({"cp": {"a21026-Rtd": "x"}}, "number_syntax"),
        ({"cp": {"a21026-Flag": "N;ST=1"}}, "field_syntax"),
        ({"cp": {"a21026-Rtd": float("nan")}}, "number_syntax"),
        ({"cp": {f"a{i:05d}-Rtd": 1.5 for i in range(100)}}, "too_long"),
    ],
)
def test_encode_refuses_what_decode_would_refuse(kwargs: dict, code: str) -> None:
    args = {"st": "22", "cn": "2011", "pw": "1", "mn": "A", **kwargs}
    with pytest.raises(HJ212Error) as caught:
        encode(**args)
    assert caught.value.code == code


def test_encode_refuses_unsupported_value_types() -> None:
    with pytest.raises(TypeError):
        encode(st=22, cn=2011, pw="1", mn="A", cp={"a21026-Rtd": True})
    with pytest.raises(TypeError):
        encode(st=22, cn=2011, pw="1", mn="A", cp={"a21026-Rtd": [1]})


def test_parse_data_segment_directly() -> None:
    packet = parse_data_segment("ST=22;CN=2011;PW=1;MN=A;CP=&&a21026-Rtd=1&&")
    assert packet.cp.items["a21026"].rtd == 1.0


def test_every_accepted_oddity_can_be_sent_back() -> None:
    # Decodable but unusual: comma in an unknown header field and in PW, '&' in a CP value,
    # a number written '5.', repeated extras, D bit without PNUM.
    packet = decode(frame(
        "ST=22;CN=2011;PW=a,b;MN=A;Flag=7;X=1,2;CP=&&PolId=w1;PolId=w2;a21026-Rtd=5.;i1=x&&&"
    ))
    assert packet.cp.extras == {"PolId": "w1", "i1": "x&"}
    again = decode(packet.to_frame())
    assert again == packet
