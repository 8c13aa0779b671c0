"""The one exception the library raises: :class:`HJ212Error`.

A gateway logs ``code`` and the message and counts rejects by ``code``, so every code is a
stable, machine-readable word and every message says what was expected and what arrived.
"""

from __future__ import annotations

from collections.abc import Callable

# code -> what it means. The keys are a public contract: metrics and logs are keyed by them,
# so add codes freely but never rename one.
ERROR_CODES: dict[str, str] = {
    "bad_header": "the frame does not start with '##' and four decimal length digits",
    "too_long": "the data segment is longer than the 1024 bytes the standard allows",
    "length_mismatch": "the declared data-segment length does not match the bytes received",
    "bad_tail": "the frame does not end with CRLF right after the CRC",
    "crc_syntax": "the CRC is not four hexadecimal digits",
    "crc_mismatch": "the CRC does not match the data segment",
    "encoding": "the data segment is not valid UTF-8",
    "field_syntax": "a field is not key=value, or the CP=&&...&& area is malformed",
    "duplicate_field": "the same key appears twice where only one value can be stored",
    "missing_field": "a required field (ST, CN, PW, MN, CP, PNUM/PNO) is absent",
    "field_value": "a header field (QN, ST, CN, PW, MN, Flag, PNUM, PNO) has an invalid value",
    "number_syntax": "a measurement value is not a plain decimal number",
    "time_syntax": "a DataTime is not YYYYMMDDhhmmss[zzz] or not a real date",
    "garbage": "bytes between frames that are not part of any frame",
    "incomplete": "the stream ended in the middle of a frame",
    "split_mismatch": "the parts of a split packet do not fit together",
    "internal_error": "a bug in this library; the input was rejected rather than crash",
}


class HJ212Error(ValueError):
    """A rejected frame, packet or field.

    ``code`` is one of :data:`ERROR_CODES`; ``key`` names the offending field when there is
    one, so a caller can say "MN was wrong" without parsing the message.
    """

    def __init__(self, code: str, message: str, *, key: str | None = None) -> None:
        if code not in ERROR_CODES:
            # A typo in a code would silently create a new metrics bucket; fail loudly instead.
            raise AssertionError(f"unknown HJ212Error code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.key = key

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def __repr__(self) -> str:
        return f"HJ212Error({self.code!r}, {self.message!r})"

    # Keep code and key when pickled (e.g. sent to a worker process).
    def __reduce__(self) -> tuple[Callable[..., HJ212Error], tuple[str, str, str | None]]:
        return (_rebuild, (self.code, self.message, self.key))


def _rebuild(code: str, message: str, key: str | None) -> HJ212Error:
    return HJ212Error(code, message, key=key)


def show(data: bytes | str, limit: int = 48) -> str:
    """A short, printable rendering of offending input for error messages."""
    if len(data) > limit:
        return repr(data[:limit])[:-1] + "..." + repr(data[:limit])[-1]
    return repr(data)
