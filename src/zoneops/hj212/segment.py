"""The data segment: ``QN=...;ST=...;CN=...;PW=...;MN=...;Flag=...;CP=&&...&&`` <-> Packet.

Strict about what gets stored (structure, keys, numbers, times) and tolerant about what can be
understood without guessing:

* spaces and tabs around ``;`` ``,`` ``=`` and ``&&`` are ignored;
* empty pieces (``;;``, a trailing ``;`` before ``&&``) carry nothing and are skipped;
* header fields may come in any order; QN and Flag may be absent (2005-style packets);
  unknown header keys are kept in ``Packet.fields``;
* Flag may be any non-negative integer (version "unknown" when the bits say nothing known);
* DataTime may carry milliseconds (17 digits).

Numbers: an optional sign, digits with an optional decimal point (``12``, ``12.5``, ``.5``,
``12.``) and an optional exponent (``1.5E-3``: some analysers print small values that way and
it is unambiguous). Nothing else: no ``nan``/``inf``, no ``_``, no hex, no inner spaces, and a
value must be finite.

Bad values: by default a value that is not a number rejects the whole packet. Given an
``invalid`` dict, the parser instead leaves such a value out of ``items`` (``raw_pairs``
still has it) and records ``invalid[key] = reason``: a gateway keeps the good values of a
packet with one empty or broken value (``a21028-Rtd=,a21028-Flag=D``) and records the bad one.

Duplicates: a second value for the same measurement field (``a21026-Rtd`` twice) or a second
DataTime is rejected, because either choice could store the wrong number. Other data-area
keys may repeat (some commands send groups such as several ``PolId``); ``extras`` keeps the
first and ``raw_pairs`` keeps every one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, NoReturn

from ._accel import speedups
from .errors import HJ212Error, show
from .packet import NUMERIC_SUFFIXES, SUFFIX_FIELDS, DataArea, Measurement, Packet

__all__ = [
    "CpInput",
    "format_data_area",
    "format_data_segment",
    "format_number",
    "format_time",
    "parse_data_area",
    "parse_data_segment",
    "parse_number",
    "parse_time",
]

MN_MAX_CHARS = 24
QN_MAX_DIGITS = 20

_SPACE = " \t"
# The only characters a number may contain (float() alone also takes other Unicode digits).
_NUMBER_CHARS = "0123456789.+-eE"
# C0 controls (tab excepted: it is tolerated as a space), DEL and C1 controls. Text is
# otherwise free: Chinese text, full-width spaces and the like are fine.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")
# The CP field starts the data area; it is the first field at the start or after a ';'.
_CP_START = re.compile(r"(?:^|;)[ \t]*CP[ \t]*=[ \t]*&&")
_HEADER_ORDER = ("QN", "ST", "CN", "PW", "MN", "Flag", "PNUM", "PNO")


# --------------------------------------------------------------------------- values


def parse_number(text: str, key: str = "value") -> float:
    """A measurement value; HJ212Error("number_syntax") naming ``key`` if it is not one."""
    # float() alone is too lenient (nan, inf, '1_0', spaces, non-ASCII digits); once it has
    # accepted the text, allowing only these characters leaves exactly the grammar above.
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or text.strip(_NUMBER_CHARS):
        what = "empty" if text == "" else f"{show(text)} is not a decimal number"
        raise HJ212Error("number_syntax", f"{key}: {what}", key=key)
    if not math.isfinite(value):
        raise HJ212Error("number_syntax", f"{key}: {show(text)} is out of range", key=key)
    return value


def parse_time(text: str, key: str = "DataTime") -> datetime:
    """``YYYYMMDDhhmmss`` or ``YYYYMMDDhhmmsszzz`` -> naive datetime (Beijing local time)."""
    n = len(text)
    if (n != 14 and n != 17) or not (text.isascii() and text.isdigit()):
        raise HJ212Error(
            "time_syntax",
            f"{key}: expected 14 digits YYYYMMDDhhmmss or 17 with milliseconds, got {show(text)}",
            key=key,
        )
    try:
        return datetime(
            int(text[0:4]), int(text[4:6]), int(text[6:8]),
            int(text[8:10]), int(text[10:12]), int(text[12:14]),
            int(text[14:17]) * 1000 if n == 17 else 0,
        )
    except ValueError as exc:
        raise HJ212Error(
            "time_syntax", f"{key}: {text} is not a real date and time ({exc})", key=key
        ) from None


def format_time(value: datetime, *, milliseconds: bool = False) -> str:
    """A datetime as HJ 212 writes it (14 digits, or 17 with milliseconds)."""
    # Not strftime: it does not zero-pad years below 1000 on every platform.
    text = (
        f"{value.year:04d}{value.month:02d}{value.day:02d}"
        f"{value.hour:02d}{value.minute:02d}{value.second:02d}"
    )
    return f"{text}{value.microsecond // 1000:03d}" if milliseconds else text


def format_number(value: float) -> str:
    """A number in plain decimal notation (no exponent: other parsers may not accept one)."""
    if isinstance(value, bool):
        raise TypeError("a bool is not a measurement value")
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        raise HJ212Error("number_syntax", f"{value!r} cannot be sent: not a finite number")
    text = repr(float(value))
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return text


def _format_value(key: str, value: object, separators: tuple[str, ...]) -> str:
    if isinstance(value, str):
        text = value
    elif isinstance(value, datetime):
        text = format_time(value)
    elif isinstance(value, (int, float)):
        text = format_number(value)
    else:
        raise TypeError(f"cannot send a {type(value).__name__} as an HJ 212 value: {value!r}")
    # A separator inside a value would not fail to decode: it would decode as *other* fields
    # ('N;ST=1' becomes a second pair). Refuse exactly what the decoder would split on.
    bad = next((sep for sep in separators if sep in text), None)
    if bad is not None or text != text.strip(_SPACE):
        what = f"contains {bad!r}" if bad is not None else "has leading or trailing spaces"
        raise HJ212Error(
            "field_syntax", f"cannot send {key}={show(text)}: the value {what}", key=key
        )
    return text


_HEADER_SEPARATORS = (";", "=")
_CP_SEPARATORS = (";", ",", "=", "&&")


# --------------------------------------------------------------------------- parsing


def parse_data_segment(text: str, *, invalid: dict[str, str] | None = None) -> Packet:
    """Parse a data segment (the text between the length field and the CRC) into a Packet.
    With ``invalid``, values that are not numbers are recorded there instead of raising."""
    if invalid is not None:
        return parse_data_segment_python(text, invalid=invalid)
    if speedups is not None:
        packet = speedups.parse_segment(text)  # None unless plain (then the code below says why)
        if packet is not None:
            return packet
    return parse_data_segment_python(text)


def parse_data_segment_python(text: str, *, invalid: dict[str, str] | None = None
                              ) -> Packet:
    """``parse_data_segment`` in Python alone: everything the compiled plain path does not
    take, and the reference it is tested against."""
    control = _CONTROL.search(text)
    if control is not None:
        at = control.start()
        raise HJ212Error(
            "field_syntax",
            f"control character {control.group()!r} at character {at}: "
            f"{show(text[max(0, at - 16):at + 8])}",
        )
    match = _CP_START.search(text)
    if match is None:
        _raise_missing_cp(text)
    tail = text[match.end():].rstrip(_SPACE)
    if not tail.endswith("&&"):
        raise HJ212Error(
            "field_syntax",
            f"the CP area must be closed by '&&' at the end of the data segment, "
            f"got ...{show(tail[-16:])}",
            key="CP",
        )
    area = tail[:-2]
    fields = _parse_header(text[: match.start()])
    return _build_packet(fields, parse_data_area_python(area, invalid=invalid)
                         if invalid is not None else parse_data_area(area))


def _raise_missing_cp(text: str) -> NoReturn:
    at = text.find("CP=")
    if at < 0:
        raise HJ212Error("missing_field", "no CP=&&...&& data area", key="CP")
    if not text[at + 3:].lstrip(_SPACE).startswith("&&"):
        raise HJ212Error(
            "field_syntax", f"CP must start with '&&', got {show(text[at:at + 12])}", key="CP"
        )
    raise HJ212Error(
        "field_syntax",
        f"CP=&& at character {at} must follow a ';', got {show(text[max(0, at - 12):at + 5])}",
        key="CP",
    )


def _split_pair(piece: str, where: str) -> tuple[str, str]:
    key, sep, value = piece.partition("=")
    key = key.strip(_SPACE)
    value = value.strip(_SPACE)
    if not sep:
        raise HJ212Error("field_syntax", f"{where} {show(piece)} is not key=value")
    if _KEY.fullmatch(key) is None:
        raise HJ212Error(
            "field_syntax", f"{where} {show(piece)}: {show(key)} is not a valid key", key=key
        )
    if "=" in value:
        raise HJ212Error(
            "field_syntax", f"{where} {show(piece)}: the value of {key} contains '='", key=key
        )
    return key, value


def _parse_header(head: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for piece in head.split(";"):
        if not piece.strip(_SPACE):
            continue
        key, value = _split_pair(piece, "header field")
        if key in fields:
            raise HJ212Error(
                "duplicate_field",
                f"header field {key} appears twice ({show(fields[key])} and {show(value)})",
                key=key,
            )
        fields[key] = value
    return fields


def _digits(value: str | None, key: str, max_len: int) -> str | None:
    if value is None:
        return None
    if not (0 < len(value) <= max_len and value.isascii() and value.isdigit()):
        raise HJ212Error(
            "field_value", f"{key} must be 1 to {max_len} decimal digits, got {show(value)}",
            key=key,
        )
    return value


def _required(fields: dict[str, str], key: str) -> str:
    value = fields.get(key)
    if value is None:
        raise HJ212Error("missing_field", f"required header field {key} is missing", key=key)
    return value


def _text_id(value: str, key: str, max_chars: int | None) -> str:
    if max_chars is not None and not 0 < len(value) <= max_chars:
        raise HJ212Error(
            "field_value",
            f"{key} must be 1 to {max_chars} characters, got {len(value)}: {show(value)}",
            key=key,
        )
    if not value.isprintable() or "&" in value:
        raise HJ212Error(
            "field_value", f"{key} contains a control character or '&': {show(value)}", key=key
        )
    return value


def _build_packet(fields: dict[str, str], area: DataArea) -> Packet:
    # The standard uses 2-digit ST and 4-digit CN; a little slack costs nothing.
    st = _required(fields, "ST")
    _digits(st, "ST", 6)
    cn = _required(fields, "CN")
    _digits(cn, "CN", 6)
    pw = _text_id(_required(fields, "PW"), "PW", None)
    mn = _text_id(_required(fields, "MN"), "MN", MN_MAX_CHARS)
    qn = _digits(fields.get("QN"), "QN", QN_MAX_DIGITS)
    flag_text = _digits(fields.get("Flag"), "Flag", 5)
    pnum = pno = None
    if "PNUM" in fields or "PNO" in fields:
        pnum = int(_digits(_required(fields, "PNUM"), "PNUM", 6) or 0)
        pno = int(_digits(_required(fields, "PNO"), "PNO", 6) or 0)
        if not 1 <= pno <= pnum:
            raise HJ212Error(
                "field_value", f"PNO must be between 1 and PNUM={pnum}, got {pno}", key="PNO"
            )
    return Packet(
        qn=qn,
        st=st,
        cn=cn,
        pw=pw,
        mn=mn,
        flag=int(flag_text) if flag_text is not None else None,
        pnum=pnum,
        pno=pno,
        cp=area,
        fields=fields,
    )


# key -> (pollutant code, Measurement field, numeric?), or ("", "", False) for other keys.
# Keys repeat from packet to packet, so classifying (and validating) each once is most of the
# decoding speed. Bounded: a peer inventing keys only makes it start over.
_KEY_KINDS: dict[str, tuple[str, str, bool]] = {}
_KEY_KINDS_MAX = 4096


def _classify(key: str) -> tuple[str, str, bool]:
    dash = key.rfind("-")
    suffix = key[dash + 1:]
    attr = SUFFIX_FIELDS.get(suffix, "") if dash > 0 else ""
    kind = (key[:dash], attr, suffix in NUMERIC_SUFFIXES) if attr else ("", "", False)
    if len(_KEY_KINDS) >= _KEY_KINDS_MAX:
        _KEY_KINDS.clear()
    _KEY_KINDS[key] = kind
    return kind


def parse_data_area(area: str) -> DataArea:
    """Parse the text between ``CP=&&`` and the closing ``&&``."""
    if speedups is not None:
        plain = speedups.parse_area(area)  # None unless plain (then the code below says why)
        if plain is not None:
            items, data_time, extras, raw_pairs = plain
            return DataArea(items, None if data_time is None else parse_time(data_time),
                            extras, raw_pairs)
    return parse_data_area_python(area)


def parse_data_area_python(area: str, *, invalid: dict[str, str] | None = None) -> DataArea:
    """``parse_data_area`` in Python alone: everything the compiled plain path does not
    take, and the reference it is tested against."""
    if "&&" in area:
        at = area.find("&&")
        raise HJ212Error(
            "field_syntax",
            f"unexpected '&&' inside the CP area: {show(area[max(0, at - 16):at + 8])}",
            key="CP",
        )
    spaced = " " in area or "\t" in area
    raw_pairs: list[tuple[str, str]] = []
    values: dict[str, dict[str, Any]] = {}  # code -> Measurement keyword arguments
    extras: dict[str, str] = {}
    data_time: datetime | None = None
    kinds = _KEY_KINDS
    # ',' separates values of one item and ';' different items; both just separate pairs.
    for piece in area.replace(",", ";").split(";"):
        if spaced:
            piece = piece.strip(_SPACE)
        if not piece:
            continue
        key, sep, value = piece.partition("=")
        if spaced:
            key = key.rstrip(_SPACE)
            value = value.lstrip(_SPACE)
        kind = kinds.get(key)
        if kind is None or not sep or "=" in value:
            # Slow path: a key not seen before, or something wrong (raises with the reason).
            key, value = _split_pair(piece, "CP item")
            kind = _classify(key)
        raw_pairs.append((key, value))
        code, attr, numeric = kind
        if attr:
            slot = values.get(code)
            if slot is None:
                slot = values[code] = {}
            elif attr in slot:
                raise HJ212Error(
                    "duplicate_field", f"{key} appears twice in the CP area", key=key
                )
            if numeric:
                # parse_number inlined (it is most of the per-value cost); any doubt goes
                # to parse_number itself, which raises with the reason.
                try:
                    try:
                        number = float(value)
                    except ValueError:
                        number = parse_number(value, key)
                    if value.strip(_NUMBER_CHARS) or number - number:  # inf - inf is nan
                        number = parse_number(value, key)
                except HJ212Error as exc:
                    if invalid is None or key in invalid:
                        raise
                    invalid[key] = exc.message
                    continue
                slot[attr] = number
            else:
                slot[attr] = value
        elif key == "DataTime":
            if data_time is not None:
                raise HJ212Error("duplicate_field", "DataTime appears twice in the CP area",
                                 key=key)
            data_time = parse_time(value, key)
        elif key not in extras:
            extras[key] = value
    items = {code: Measurement(**slot) for code, slot in values.items()}
    return DataArea(items=items, data_time=data_time, extras=extras, raw_pairs=raw_pairs)


# --------------------------------------------------------------------------- formatting

CpInput = str | Mapping[str, object] | Iterable[tuple[str, object]]


def _item_prefix(key: str) -> str | None:
    dash = key.find("-")
    return key[:dash] if dash > 0 else None


def format_data_area(cp: CpInput) -> str:
    """The text between ``CP=&&`` and ``&&``; values of one item joined by ',' as the
    standard's examples do (``a21026-Rtd=1.2,a21026-Flag=N;a21004-Rtd=...``)."""
    if isinstance(cp, str):
        return cp
    pairs = cp.items() if isinstance(cp, Mapping) else cp
    parts: list[str] = []
    previous: str | None = None
    for key, value in pairs:
        prefix = _item_prefix(key)
        if parts:
            parts.append("," if prefix is not None and prefix == previous else ";")
        parts.append(f"{key}={_format_value(key, value, _CP_SEPARATORS)}")
        previous = prefix
    return "".join(parts)


def format_data_segment(
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
) -> str:
    """Build a data segment, header fields in the standard's order. Values that would change
    the structure (separators, edge spaces) are refused here; everything else (control
    characters, bad numbers, ...) is left to the decoder, which ``encode`` runs on the result.
    """
    header: dict[str, object] = {
        "QN": qn, "ST": st, "CN": cn, "PW": pw, "MN": mn, "Flag": flag, "PNUM": pnum, "PNO": pno,
    }
    parts = [
        f"{key}={_format_value(key, header[key], _HEADER_SEPARATORS)}"
        for key in _HEADER_ORDER
        if header[key] is not None
    ]
    for key, value in (extra_fields or {}).items():
        if key not in header and key != "CP":
            parts.append(f"{key}={_format_value(key, value, _HEADER_SEPARATORS)}")
    parts.append(f"CP=&&{format_data_area(cp)}&&")
    return ";".join(parts)
