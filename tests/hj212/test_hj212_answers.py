"""Answers the platform sends (9013, 9014) and a logger sends (9011, 9012)."""

from __future__ import annotations

import dataclasses

import pytest

from zoneops.hj212 import (
    HJ212Error,
    Packet,
    answer_for,
    build_frame,
    data_answer,
    decode,
    execution_answer,
    notice_answer,
    request_answer,
)
from zoneops.hj212.codes import DATA_UPLOAD_CNS, NOTICE_CNS

MN = "010000A8900016F000169DC0"


def packet(cn: str = "2011", flag: int | None = 5, qn: str | None = "20240601080000123",
           extra: str = "") -> Packet:
    head = [f"QN={qn}" if qn else "", "ST=22", f"CN={cn}", "PW=123456", f"MN={MN}",
            f"Flag={flag}" if flag is not None else ""]
    segment = ";".join(part for part in head if part) + extra + ";CP=&&DataTime=20240601080000&&"
    return decode(build_frame(segment))


def answered(received: Packet) -> Packet:
    reply = answer_for(received)
    assert reply is not None
    return decode(reply)


def test_9014_matches_the_standard_text() -> None:
    upload = packet()
    expected = build_frame(
        f"QN=20240601080000123;ST=91;CN=9014;PW=123456;MN={MN};Flag=4;CP=&&&&"
    )
    assert answer_for(upload) == data_answer(upload) == expected


def test_9014_carries_the_uploaded_qn_pw_mn() -> None:
    upload = packet(qn="20240601093000777")
    answer = answered(upload)
    assert (answer.st, answer.cn, answer.flag) == ("91", "9014", 4)
    assert (answer.qn, answer.pw, answer.mn) == ("20240601093000777", "123456", MN)
    assert answer.cp.raw_pairs == []
    assert not answer.needs_ack


@pytest.mark.parametrize("field,value", [("pw", "12;CN=9014"), ("mn", "A=B"), ("qn", "1;2"),
                                         ("pw", " 123456")])
def test_a_hand_made_packet_with_a_separator_is_refused_not_answered(field: str,
                                                                    value: str) -> None:
    """Answers of decoded packets skip the checking builder; a hand-made Packet whose PW, MN or
    QN would split the answer into other fields still goes through it and is refused."""
    upload = dataclasses.replace(packet(), **{field: value})
    with pytest.raises(HJ212Error) as caught:
        data_answer(upload)
    assert caught.value.code == "field_syntax"


@pytest.mark.parametrize("cn", sorted(DATA_UPLOAD_CNS))
def test_every_upload_is_answered_only_when_asked(cn: str) -> None:
    assert answered(packet(cn, flag=5)).cn == "9014"
    assert answer_for(packet(cn, flag=4)) is None


def test_no_answer_without_flag() -> None:
    assert answer_for(packet(flag=None, qn=None)) is None


def test_2025_sender_gets_2025_version_bits() -> None:
    assert answered(packet(flag=9)).flag == 8
    assert answer_for(packet(flag=8)) is None


def test_split_parts_each_get_their_own_9014() -> None:
    parts = [packet(flag=7, qn=f"2024060108000012{n}", extra=f";PNUM=2;PNO={n}")
             for n in (1, 2)]
    answers = [answered(part) for part in parts]
    assert [a.qn for a in answers] == ["20240601080000121", "20240601080000122"]
    assert all(a.cn == "9014" and a.pnum is None for a in answers)


@pytest.mark.parametrize("cn", sorted(NOTICE_CNS))
@pytest.mark.parametrize("flag", [4, 5])
def test_notices_get_9013(cn: str, flag: int) -> None:
    answer = answered(packet(cn, flag=flag))
    assert (answer.st, answer.cn, answer.qn) == ("91", "9013", "20240601080000123")
    assert answer.cp.raw_pairs == []
    assert notice_answer(packet(cn, flag=flag)) == answer_for(packet(cn, flag=flag))


@pytest.mark.parametrize("cn", ["9011", "9012", "9013", "9014", "9015", "1011", "3011", "4242"])
def test_answers_requests_and_unknown_commands_get_nothing(cn: str) -> None:
    assert answer_for(packet(cn, flag=5)) is None


def test_logger_side_answers() -> None:
    request = packet("1011", flag=5)
    first = decode(request_answer(request, 1))
    second = decode(execution_answer(request, 100))
    assert (first.cn, first.qn, first.cp.extras) == ("9011", request.qn, {"QnRtn": "1"})
    assert (second.cn, second.qn, second.cp.extras) == ("9012", request.qn, {"ExeRtn": "100"})
