"""Answer packets (HJ 212-2017 §6.1, §6.5, Appendix C): 9011, 9012, 9013, 9014.

Every answer has ST=91, echoes the PW and MN of the packet it answers and carries that
packet's QN, which is how the other side matches the answer to what it sent.

An answer tells a data logger it may forget the data. Send one only after the packet is
safely stored (committed); without an answer the logger resends, which the idempotent
ingest absorbs.
"""

from __future__ import annotations

import re

from .codec import build_frame
from .codes import DATA_UPLOAD_CNS, NOTICE_CNS
from .packet import Packet
from .segment import format_data_segment

__all__ = [
    "answer_flag",
    "answer_for",
    "data_answer",
    "execution_answer",
    "notice_answer",
    "request_answer",
]


def answer_flag(packet: Packet) -> int:
    """Flag of an answer: version bits of the packet answered, A=0, D=0.

    The 2017 standard shows Flag=4 (version 000001). A 2025 sender gets its own version bits
    (Flag=8) so it does not see an answer from an older protocol; 2005-style and unknown
    senders get the 2017 form, the one every field device understands.
    """
    return 8 if packet.version == "2025" else 4


def _answer(packet: Packet, cn: str, cp: str) -> bytes:
    # Built without encode()'s decoder check: QN, PW and MN come from a packet the decoder
    # accepted and the rest is fixed, so the answer is valid by construction (a property test
    # holds it to encode()), and the gateway writes one per upload. A decoded packet's PW and
    # MN never hold a separator; a hand-made one that does goes through the checking builder.
    pw, mn, qn = packet.pw, packet.mn, packet.qn
    if _UNSAFE.search(pw) or _UNSAFE.search(mn) or (qn is not None and _UNSAFE.search(qn)):
        return build_frame(format_data_segment(
            st="91", cn=cn, pw=pw, mn=mn, qn=qn, flag=answer_flag(packet), cp=cp))
    qn = "" if qn is None else f"QN={qn};"
    return build_frame(f"{qn}ST=91;CN={cn};PW={pw};MN={mn};Flag={answer_flag(packet)};"
                       f"CP=&&{cp}&&")


# What format_data_segment refuses in a header value: a separator or an edge space.
_UNSAFE = re.compile(r"[;=]|^[ \t]|[ \t]$")


def request_answer(request: Packet, qn_rtn: int = 1) -> bytes:
    """9011: a logger's answer to a request (QnRtn 1 ready, 2 refused, ... see codes.QN_RTN)."""
    return _answer(request, "9011", f"QnRtn={qn_rtn}")


def execution_answer(request: Packet, exe_rtn: int = 1) -> bytes:
    """9012: the result of executing a request (ExeRtn 1 success, ... see codes.EXE_RTN)."""
    return _answer(request, "9012", f"ExeRtn={exe_rtn}")


def notice_answer(notice: Packet) -> bytes:
    """9013: answer to a notice (1013, 2012, 2022, ...): ``CP=&&&&``."""
    return _answer(notice, "9013", "")


def data_answer(upload: Packet) -> bytes:
    """9014: answer to a data upload, with the upload's QN: ``CP=&&&&``."""
    return _answer(upload, "9014", "")


def answer_for(packet: Packet) -> bytes | None:
    """What the platform sends back for a received packet, or None.

    Data uploads (2011, 2021, 2031, 2041, 2051, 2061, 2081) get 9014 when Flag's A bit is set
    and nothing otherwise; each part of a split upload has its own QN and gets its own 9014.
    Notices (1013, 2012, 2022) get 9013 whatever the A bit: an unasked answer is ignored,
    a missing one makes the sender retry. Answers, heartbeats and anything else get None.
    """
    if packet.cn in DATA_UPLOAD_CNS:
        return data_answer(packet) if packet.needs_ack else None
    if packet.cn in NOTICE_CNS:
        return notice_answer(packet)
    return None
