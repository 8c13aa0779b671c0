"""`zoneops hj212 decode|encode` (delegating to zoneops.hj212.cli) and `send HOST PORT`
(a test logger: sends frames read from stdin, one per line, and prints each answer;
``send --raw`` sends stdin's bytes exactly as given - a capture replayed byte for byte, or a
deliberately bad frame - and prints the answers that come back)."""

from __future__ import annotations

import socket
import sys

from django.core.management.base import BaseCommand, CommandError

from zoneops.hj212 import Reframer
from zoneops.hj212.cli import main, result_json


def send(host: str, port: int, lines, out, timeout: float = 10.0) -> int:
    """Send each frame (one per line) and wait for its answer when it asks for one (A bit);
    prints every answer as decode's JSON. Returns how many frames got no expected answer."""
    import json

    from zoneops.hj212 import HJ212Error, decode

    missing = 0
    with socket.create_connection((host, port), timeout=timeout) as sock:
        reframer = Reframer()
        for line in lines:
            text = line.strip() if isinstance(line, bytes) else line.strip().encode()
            if not text:
                continue
            try:
                packet = decode(text, require_tail=False)
            except HJ212Error as exc:
                raise CommandError(f"not a valid frame: {exc}") from exc
            sock.sendall(packet.to_frame() if not text.endswith(b"\r\n") else text)
            if not packet.needs_ack:
                continue
            try:
                frames = []
                while not frames:
                    data = sock.recv(4096)
                    if not data:
                        raise CommandError("the server closed the connection")
                    frames = reframer.feed(data)
            except TimeoutError:
                missing += 1
                out.write(json.dumps({"ok": False, "error": "no answer", "qn": packet.qn})
                          + "\n")
                continue
            for frame in frames:
                out.write(json.dumps(result_json(frame.packet, frame.error),
                                     ensure_ascii=False) + "\n")
    return missing


def send_raw(host: str, port: int, data: bytes, out, timeout: float = 10.0) -> int:
    """Send ``data`` as it is (no decoding, no re-encoding, line ends untouched). The frames
    in it that ask for an answer (as far as they decode) are waited for, up to ``timeout``;
    every answer is printed as decode's JSON. Returns how many expected answers did not
    come."""
    import json

    expected = sum(1 for f in Reframer().feed(data) + Reframer().flush()
                   if f.packet is not None and f.packet.needs_ack)
    got = 0
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(data)
        reframer = Reframer()
        try:
            while got < expected:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                for frame in reframer.feed(chunk):
                    got += 1
                    out.write(json.dumps(result_json(frame.packet, frame.error),
                                         ensure_ascii=False) + "\n")
        except TimeoutError:
            pass
    if got < expected:
        out.write(json.dumps({"ok": False, "error": "no answer",
                              "missing": expected - got}) + "\n")
    return max(0, expected - got)


HELP = """usage: zoneops hj212 {decode,encode,send} ...

HJ 212 tools.

commands:
  decode [--stream] [FILE ...]   decode frames to one JSON object per line
  encode --st --cn --pw --mn [--flag] [--qn] [--cp]
                                 build a frame (printed with its CRLF)
  send [--raw] HOST PORT         a test logger: send the frames on standard input (one per
                                 line, checked and framed) and print each answer; with
                                 --raw, send standard input's bytes exactly as given

'zoneops hj212 decode --help' and 'zoneops hj212 encode --help' give their options.
"""


class Command(BaseCommand):
    help = "HJ 212 tools: decode (stdin → JSON lines), encode, send HOST PORT (test logger)."

    def add_arguments(self, parser):
        parser.add_argument("args", nargs="*")

    def run_from_argv(self, argv):
        # Hand the raw arguments over: the library's CLI owns its own options.
        args = argv[2:]
        if not args or args[0] in ("-h", "--help", "help"):
            sys.stdout.write(HELP)
            sys.exit(0 if args else 2)
        if args and args[0] == "send":
            raw = "--raw" in args[1:]
            rest = [a for a in args[1:] if a != "--raw"]
            if len(rest) != 2 or not rest[1].isdigit():
                sys.stderr.write("usage: zoneops hj212 send [--raw] HOST PORT < frames.txt\n")
                sys.exit(2)
            try:
                if raw:
                    missing = send_raw(rest[0], int(rest[1]), sys.stdin.buffer.read(),
                                       sys.stdout)
                else:
                    missing = send(rest[0], int(rest[1]), sys.stdin.buffer, sys.stdout)
            except (OSError, CommandError) as exc:
                sys.stderr.write(f"error: {exc}\n")
                sys.exit(1)
            sys.exit(1 if missing else 0)
        sys.exit(main(args))

    def handle(self, *args, **options):  # pragma: no cover - run_from_argv does the work
        raise CommandError("use: zoneops hj212 decode|encode|send")
