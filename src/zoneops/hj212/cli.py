"""Command line: ``python -m zoneops.hj212 decode|encode``.

The functions are plain and take their streams as arguments, so the platform's own
``zoneops hj212 ...`` command can delegate to them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from typing import IO, Any, TextIO

from .codec import decode, encode
from .errors import HJ212Error
from .packet import Packet
from .stream import Reframer

__all__ = ["decode_lines", "decode_stream", "encode_args", "main", "result_json"]

_EMPTY = {"qn": None, "st": None, "cn": None, "pw": None, "mn": None, "flag": None,
          "version": None, "pnum": None, "pno": None, "cp": None, "cp_groups": None}


def result_json(packet: Packet | None, error: HJ212Error | None = None) -> dict[str, Any]:
    """One output record: ``ok``, ``error``, ``code``, the header fields (PNUM/PNO of a split
    packet too), ``cp`` (every key and value as sent, in order; a repeated key shows its
    last value) and ``cp_groups`` (the same pairs cut into groups wherever a key repeats, so
    CN 3020's two ``PolId`` groups are both there)."""
    if packet is None:
        assert error is not None
        return {"ok": False, "error": error.message, "code": error.code, **_EMPTY}
    return {
        "ok": True, "error": None, "code": None,
        "qn": packet.qn, "st": packet.st, "cn": packet.cn, "pw": packet.pw, "mn": packet.mn,
        "flag": packet.flag, "version": packet.version, "pnum": packet.pnum,
        "pno": packet.pno, "cp": dict(packet.cp.raw_pairs),
        "cp_groups": cp_groups(packet.cp.raw_pairs),
    }


def cp_groups(pairs: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    """The data area's pairs in order, a new group starting where a key repeats."""
    groups: list[dict[str, str]] = [{}]
    for key, value in pairs:
        if key in groups[-1]:
            groups.append({})
        groups[-1][key] = value
    return groups if groups[0] else []


def _write(out_stream: TextIO, record: dict[str, Any]) -> None:
    out_stream.write(json.dumps(record, ensure_ascii=False) + "\n")


def _kept(record: dict[str, Any], invalid: dict[str, str] | None) -> dict[str, Any]:
    """With --keep-bad-values: a decoded frame also lists the values left out (key -> why),
    as the gateway stores them; {} when none was."""
    return {**record, "invalid": invalid or {}}


def _decode_line(text: str | bytes, keep_bad_values: bool
                 ) -> tuple[Packet, dict[str, str] | None]:
    try:
        return decode(text, require_tail=False), None
    except HJ212Error as exc:
        if not (keep_bad_values and exc.code == "number_syntax"):
            raise
        invalid: dict[str, str] = {}
        return decode(text, require_tail=False, invalid=invalid), invalid


def decode_lines(in_stream: Iterable[str | bytes], out_stream: TextIO, *,
                 keep_bad_values: bool = False) -> tuple[int, int]:
    """Decode one frame per line (CRLF, LF or nothing at the end; surrounding whitespace is
    ignored); write one JSON object per non-blank line. Lines may be bytes (so bad UTF-8 is
    reported, not a crash) or text. ``keep_bad_values``: a frame whose only fault is a value
    that is not a number is decoded without it, as the gateway does (see Reframer). Returns
    (accepted, rejected)."""
    accepted = rejected = 0
    for line in in_stream:
        # Whitespace around a frame is safe to drop: '##' starts it and the CRC ends it.
        text = line.strip()
        if not text:
            continue
        try:
            packet, invalid = _decode_line(text, keep_bad_values)
        except HJ212Error as exc:
            rejected += 1
            _write(out_stream, result_json(None, exc))
        else:
            accepted += 1
            record = result_json(packet)
            _write(out_stream, _kept(record, invalid) if keep_bad_values else record)
    return accepted, rejected


def decode_stream(in_stream: IO[bytes], out_stream: TextIO, chunk: int = 4096, *,
                  keep_bad_values: bool = False) -> tuple[int, int]:
    """Decode a raw byte stream (e.g. a capture of a logger's TCP session) with a Reframer.
    Returns (accepted, rejected)."""
    reframer = Reframer(keep_bad_values=keep_bad_values)
    accepted = rejected = 0
    while True:
        data = in_stream.read(chunk)
        frames = reframer.feed(data) if data else reframer.flush()
        for frame in frames:
            if frame.packet is not None:
                accepted += 1
            else:
                rejected += 1
            record = result_json(frame.packet, frame.error)
            _write(out_stream, _kept(record, frame.invalid)
                   if keep_bad_values and frame.packet is not None else record)
        if not data:
            return accepted, rejected


def encode_args(
    *,
    st: str,
    cn: str,
    pw: str,
    mn: str,
    flag: int | None = None,
    qn: str | None = None,
    cp: str = "",
) -> bytes:
    """A frame from command-line style arguments; ``cp`` is the data area text without the
    surrounding ``&&`` (``DataTime=20240101120000;a21026-Rtd=12.5,a21026-Flag=N``)."""
    return encode(st=st, cn=cn, pw=pw, mn=mn, flag=flag, qn=qn, cp=cp)


def _binary(stream: IO[Any]) -> IO[bytes]:
    return getattr(stream, "buffer", stream)


def _decode_source(source: IO[bytes], *, stream: bool, keep_bad_values: bool) -> int:
    decode_fn = decode_stream if stream else decode_lines
    return decode_fn(source, sys.stdout, keep_bad_values=keep_bad_values)[1]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status (0 all accepted, 1 something rejected)."""
    parser = argparse.ArgumentParser(
        prog="python -m zoneops.hj212", description="HJ 212 frames: decode to JSON, encode."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    dec = commands.add_parser("decode", help="decode frames to one JSON object per line")
    dec.add_argument("files", nargs="*", help="files to read (default: standard input)")
    dec.add_argument(
        "--stream", action="store_true",
        help="input is a raw byte stream (frames back to back), not one frame per line",
    )
    dec.add_argument(
        "--keep-bad-values", action="store_true",
        help="decode a frame whose only fault is a value that is not a number without that "
             "value (as the gateway stores it), listing it under 'invalid'",
    )
    enc = commands.add_parser("encode", help="build a frame (printed with its CRLF)")
    enc.add_argument("--st", required=True, help="system code, e.g. 22")
    enc.add_argument("--cn", required=True, help="command code, e.g. 2011")
    enc.add_argument("--pw", required=True, help="access password")
    enc.add_argument("--mn", required=True, help="device id")
    enc.add_argument("--flag", type=int, default=None, help="Flag, e.g. 5 (2017, answer wanted)")
    enc.add_argument("--qn", default=None, help="request id YYYYMMDDhhmmsszzz")
    enc.add_argument("--cp", default="", help="data area without the surrounding &&")
    args = parser.parse_args(argv)

    if args.command == "encode":
        try:
            frame = encode_args(st=args.st, cn=args.cn, pw=args.pw, mn=args.mn,
                                flag=args.flag, qn=args.qn, cp=args.cp)
        except HJ212Error as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        out = _binary(sys.stdout)
        out.write(frame)
        out.flush()
        return 0

    rejected = 0
    try:
        if not args.files:
            rejected += _decode_source(_binary(sys.stdin), stream=args.stream,
                                        keep_bad_values=args.keep_bad_values)
        for path in args.files:
            with open(path, "rb") as source:
                rejected += _decode_source(source, stream=args.stream,
                                            keep_bad_values=args.keep_bad_values)
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sys.stdout.flush()
    return 1 if rejected else 0
