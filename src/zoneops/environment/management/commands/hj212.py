"""`zoneops hj212 decode|encode` (delegating to zoneops.hj212.cli) and `send HOST PORT`
(a test logger: sends frames read from stdin, one per line, and prints each answer)."""

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


class Command(BaseCommand):
    help = "HJ 212 tools: decode (stdin → JSON lines), encode, send HOST PORT (test logger)."

    def add_arguments(self, parser):
        parser.add_argument("args", nargs="*")

    def run_from_argv(self, argv):
        # Hand the raw arguments over: the library's CLI owns its own options.
        args = argv[2:]
        if args and args[0] == "send":
            if len(args) != 3:
                sys.stderr.write("usage: zoneops hj212 send HOST PORT < frames.txt\n")
                sys.exit(2)
            try:
                missing = send(args[1], int(args[2]), sys.stdin.buffer, sys.stdout)
            except (OSError, CommandError) as exc:
                sys.stderr.write(f"error: {exc}\n")
                sys.exit(1)
            sys.exit(1 if missing else 0)
        sys.exit(main(args))

    def handle(self, *args, **options):  # pragma: no cover - run_from_argv does the work
        raise CommandError("use: zoneops hj212 decode|encode|send")
