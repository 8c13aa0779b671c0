"""Whole frames: ``##`` + 4-digit length + data segment + 4 hex CRC + CRLF (HJ 212-2017 §6.3.1).

``decode`` checks the frame in the order that gives the most useful reason first: header,
declared length, tail, actual length, CRC syntax, CRC, UTF-8, then the data segment. The CRC
alone catches only about 255 of 256 random corruptions, so every later check still runs.
"""

from __future__ import annotations

from collections.abc import Mapping

from .crc import crc16, crc16_hex
from .errors import HJ212Error, show
from .packet import Packet
from .segment import CpInput, format_data_segment, parse_data_segment

__all__ = [
    "MAX_DATA_LENGTH",
    "build_frame",
    "decode",
    "encode",
    "encode_packet",
    "parse_data_segment",
    "unwrap_frame",
]

MAX_DATA_LENGTH = 1024
_HEX = b"0123456789abcdefABCDEF"
_STANDARD_FIELDS = frozenset({"QN", "ST", "CN", "PW", "MN", "Flag", "PNUM", "PNO"})


def unwrap_frame(frame: bytes, *, require_tail: bool = True) -> bytes:
    """Check the framing and the CRC; return the data segment's bytes.

    With ``require_tail=False`` the CRLF may be missing (one frame per line, newline already
    stripped); a lone LF or CR is also accepted then.
    """
    if frame[:2] != b"##":
        raise HJ212Error("bad_header", f"a frame must start with '##', got {show(frame[:8])}")
    digits = frame[2:6]
    if len(digits) != 4 or not digits.isdigit():  # bytes.isdigit() is ASCII-only
        raise HJ212Error(
            "bad_header", f"the length field must be 4 decimal digits, got {show(digits)}"
        )
    declared = int(digits)
    if declared > MAX_DATA_LENGTH:
        raise HJ212Error(
            "too_long",
            f"declared data length {declared} bytes exceeds the maximum {MAX_DATA_LENGTH}",
        )
    if frame.endswith(b"\r\n"):
        body = frame[6:-2]
    elif require_tail:
        raise HJ212Error(
            "bad_tail", f"a frame must end with CRLF after the CRC, it ends {show(frame[-8:])}"
        )
    else:
        body = frame[6:-1] if frame.endswith((b"\n", b"\r")) else frame[6:]
    if len(body) != declared + 4:
        actual = len(body) - 4
        if actual < 0:
            got = f"only {len(body)} bytes follow the length field, not even a 4-digit CRC"
        else:
            got = f"the data segment before the 4-digit CRC is {actual} bytes"
        raise HJ212Error("length_mismatch", f"length field says {declared} bytes but {got}")
    segment = body[:-4]
    crc_text = body[-4:]
    if crc_text.strip(_HEX):  # not all hex digits (int(x, 16) would allow '0x', '_', spaces)
        raise HJ212Error("crc_syntax", f"the CRC must be 4 hex digits, got {show(crc_text)}")
    expected = crc16(segment)
    if int(crc_text, 16) != expected:
        raise HJ212Error(
            "crc_mismatch",
            f"CRC field is {crc_text.decode()} but the data segment's CRC is {expected:04X}",
        )
    return segment


def decode(frame: bytes | bytearray | memoryview | str, *, require_tail: bool = True,
           invalid: dict[str, str] | None = None) -> Packet:
    """Decode one complete frame; raise HJ212Error (and nothing else) if it is not valid.
    Given ``invalid``, a value that is not a number is left out and recorded there (key ->
    reason) instead of rejecting the frame (see segment.py)."""
    if isinstance(frame, str):
        try:
            data = frame.encode("utf-8")
        except UnicodeEncodeError as exc:  # lone surrogates
            raise HJ212Error("encoding", f"frame text is not encodable as UTF-8: {exc}") from None
    else:
        data = bytes(frame)
    segment = unwrap_frame(data, require_tail=require_tail)
    try:
        text = segment.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HJ212Error(
            "encoding",
            f"data segment byte {exc.start} is not valid UTF-8: "
            f"{show(segment[max(0, exc.start - 8):exc.start + 8])}",
        ) from None
    return parse_data_segment(text, invalid=invalid)


def build_frame(segment: str | bytes) -> bytes:
    """Wrap a data segment: header with its UTF-8 byte length, upper-case CRC, CRLF."""
    data = segment.encode("utf-8") if isinstance(segment, str) else bytes(segment)
    if len(data) > MAX_DATA_LENGTH:
        raise HJ212Error(
            "too_long",
            f"data segment is {len(data)} bytes, the maximum is {MAX_DATA_LENGTH}: "
            f"split it (PNUM/PNO) or send fewer items",
        )
    return b"##%04d%s%s\r\n" % (len(data), data, crc16_hex(data).encode("ascii"))


def encode(
    *,
    st: str | int,
    cn: str | int,
    pw: str,
    mn: str,
    cp: CpInput = (),
    qn: str | None = None,
    flag: int | None = None,
    pnum: int | None = None,
    pno: int | None = None,
    extra_fields: Mapping[str, str] | None = None,
) -> bytes:
    """Build a complete frame.

    ``cp`` is the data area as text (``DataTime=...;a21026-Rtd=1.2``), a mapping or a sequence
    of (key, value) pairs; values may be str, int, float or datetime. The result is checked by
    the decoder before it is returned, so nothing is sent that we would refuse to receive.
    """
    segment = format_data_segment(
        st=st, cn=cn, pw=pw, mn=mn, cp=cp, qn=qn, flag=flag, pnum=pnum, pno=pno,
        extra_fields=extra_fields,
    )
    parse_data_segment(segment)
    return build_frame(segment)


def encode_packet(packet: Packet) -> bytes:
    """``encode`` a Packet: its typed fields, unknown header fields, and CP ``raw_pairs``."""
    extra = {k: v for k, v in packet.fields.items() if k not in _STANDARD_FIELDS}
    return encode(
        st=packet.st, cn=packet.cn, pw=packet.pw, mn=packet.mn, cp=packet.cp.raw_pairs,
        qn=packet.qn, flag=packet.flag, pnum=packet.pnum, pno=packet.pno, extra_fields=extra,
    )
