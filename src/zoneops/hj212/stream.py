"""Turning a TCP byte stream into frames: :class:`Reframer`.

TCP delivers bytes, not packets: a frame may arrive in several reads and one read may hold
several frames, with noise around them. The Reframer keeps what it has not used yet, and for
every frame (or every piece of junk) it can account for, returns a :class:`Frame`: the raw
bytes with either the decoded Packet or the HJ212Error that says why they were refused.

How it resynchronises:

* a frame starts at ``##`` (the last two of a run of ``#``); bytes before it are reported
  once as ``garbage`` when they end (at the next ``##`` or CRLF), unless they are only
  whitespace or NULs (padding and stray line ends are common and mean nothing);
* a frame's declared length must land exactly on CRLF. A CRLF *before* that point means the
  length is wrong, so the frame is refused at once instead of waiting for bytes that may
  never come (which would also swallow the next, good frame);
* a refused frame ends at its CRLF or at the next ``##``, whichever comes first, and scanning
  resumes there: a good frame right after (or hidden inside) a broken one is still found;
* nothing waits without bound: junk and broken frames are cut off at ``max_buffer`` bytes.

It never raises: every problem is a Frame with an error.
"""

from __future__ import annotations

from dataclasses import dataclass

from .codec import MAX_DATA_LENGTH, decode
from .errors import HJ212Error, show
from .packet import Packet

__all__ = ["MAX_FRAME_LENGTH", "Frame", "Reframer"]

# '##' + 4 length digits + data + 4 CRC digits + CRLF.
MAX_FRAME_LENGTH = 6 + MAX_DATA_LENGTH + 6
_FILLER = b" \t\r\n\x00"


@dataclass(frozen=True, slots=True)
class Frame:
    """One unit out of the stream: ``raw`` bytes and either ``packet`` or ``error``."""

    raw: bytes
    packet: Packet | None = None
    error: HJ212Error | None = None
    # With Reframer(keep_bad_values=True): the values left out as not numbers (key -> why).
    invalid: dict[str, str] | None = None

    @property
    def ok(self) -> bool:
        return self.packet is not None


class Reframer:
    """Incremental framer for one connection. Not thread-safe; use one per connection."""

    def __init__(self, *, max_buffer: int = 4096, keep_bad_values: bool = False) -> None:
        """``keep_bad_values``: a frame whose only fault is a value that is not a number
        (``a21028-Rtd=``) is a good frame without that value, listed in ``Frame.invalid``."""
        self.keep_bad_values = keep_bad_values
        if max_buffer < MAX_FRAME_LENGTH:
            raise ValueError(f"max_buffer must hold a whole frame ({MAX_FRAME_LENGTH} bytes)")
        self.max_buffer = max_buffer
        self._buf = bytearray()

    @property
    def buffered(self) -> int:
        """Bytes held back, waiting for the rest of a frame."""
        return len(self._buf)

    def feed(self, data: bytes | bytearray | memoryview) -> list[Frame]:
        """Add bytes from the peer; return every frame (good or bad) now complete, in order."""
        return self._run(data, final=False)

    def flush(self) -> list[Frame]:
        """The peer closed: report whatever is still held (as ``incomplete`` or ``garbage``)."""
        return self._run(b"", final=True)

    def _run(self, data: bytes | bytearray | memoryview, *, final: bool) -> list[Frame]:
        try:
            self._buf += data
            return self._drain(final)
        except Exception as exc:  # noqa: BLE001 - a bug must not kill the peer's connection
            raw = bytes(self._buf)
            self._buf.clear()
            error = HJ212Error("internal_error", f"{type(exc).__name__}: {exc}")
            return [Frame(raw, error=error)]

    # ------------------------------------------------------------------ internals

    def _drain(self, final: bool) -> list[Frame]:
        buf = self._buf
        out: list[Frame] = []
        pos = 0
        while pos < len(buf):
            start = buf.find(b"##", pos)
            if start < 0:
                pos = self._junk_without_start(buf, pos, final, out)
                break
            # In a run of '#', the frame can only start at the last two.
            while start + 2 < len(buf) and buf[start + 2] == 0x23:
                start += 1
            if start > pos:
                self._garbage(buf[pos:start], out)
            resume = self._frame_at(buf, start, final, out)
            if resume is None:  # need more bytes
                pos = start
                break
            pos = resume
        del buf[:pos]
        return out

    def _junk_without_start(self, buf: bytearray, pos: int, final: bool, out: list[Frame]) -> int:
        """No '##' ahead: report junk up to its last CRLF (or all of it if too much)."""
        n = len(buf)
        if final:
            cut = n
        else:
            keep = n - 1 if buf[-1] == 0x23 else n  # a trailing '#' may be half of '##'
            crlf = buf.rfind(b"\r\n", pos, keep)
            if crlf >= 0:
                cut = crlf + 2
            elif keep - pos >= self.max_buffer:
                cut = keep
            else:
                cut = pos
        if cut > pos:
            self._garbage(buf[pos:cut], out)
        return cut

    @staticmethod
    def _garbage(junk: bytearray, out: list[Frame]) -> None:
        if junk.strip(_FILLER):
            error = HJ212Error(
                "garbage", f"{len(junk)} bytes outside any frame: {show(bytes(junk))}"
            )
            out.append(Frame(bytes(junk), error=error))

    def _frame_at(self, buf: bytearray, start: int, final: bool, out: list[Frame]) -> int | None:
        """Handle the frame that starts at ``start``; return where to resume, None to wait."""
        n = len(buf)
        digits = bytes(buf[start + 2:start + 6])
        if digits and not digits.isdigit():
            error = HJ212Error(
                "bad_header", f"the length field must be 4 decimal digits, got {show(digits)}"
            )
            return self._reject(buf, start, error, final, out)
        if len(digits) < 4:
            if final:
                return self._reject(buf, start, _incomplete(n - start, None), final, out)
            return None
        declared = int(digits)
        if declared > MAX_DATA_LENGTH:
            error = HJ212Error(
                "too_long",
                f"declared data length {declared} bytes exceeds the maximum {MAX_DATA_LENGTH}",
            )
            return self._reject(buf, start, error, final, out)
        data_start = start + 6
        frame_end = data_start + declared + 6
        early = buf.find(b"\r\n", data_start, min(frame_end - 1, n))
        if early >= 0:
            actual = early - data_start - 4
            cut_short = buf.find(b"##", data_start, early)
            if cut_short >= 0:
                got = f"a new frame starts after {cut_short - data_start} bytes (cut short)"
            elif actual >= 0:
                got = f"the frame ends (CRLF) after {actual} data bytes and a CRC"
            else:
                got = "the frame ends (CRLF) before a 4-digit CRC"
            error = HJ212Error("length_mismatch", f"length field says {declared} bytes but {got}")
            return self._reject(buf, start, error, final, out)
        if n < frame_end:
            if final:
                return self._reject(buf, start, _incomplete(n - start, frame_end - start),
                                    final, out)
            return None
        if buf[frame_end - 2:frame_end] != b"\r\n":
            return self._reject(buf, start, self._tail_error(buf, start, declared), final, out)
        raw = bytes(buf[start:frame_end])
        try:
            packet = decode(raw)
        except Exception as exc:  # noqa: BLE001 - see _run; HJ212Error is the usual case
            if self.keep_bad_values and getattr(exc, "code", "") == "number_syntax":
                invalid: dict[str, str] = {}
                try:
                    packet = decode(raw, invalid=invalid)
                except HJ212Error:
                    pass
                else:
                    out.append(Frame(raw, packet=packet, invalid=invalid))
                    return frame_end
            if not isinstance(exc, HJ212Error):
                exc = HJ212Error("internal_error", f"{type(exc).__name__}: {exc}")
            out.append(Frame(raw, error=exc))
            # A good frame may hide inside a bad one (e.g. junk '##0123' before it): look.
            inner = buf.find(b"##", start + 1, frame_end)
            return inner if inner >= 0 else frame_end
        out.append(Frame(raw, packet=packet))
        return frame_end

    @staticmethod
    def _tail_error(buf: bytearray, start: int, declared: int) -> HJ212Error:
        data_start = start + 6
        frame_end = data_start + declared + 6
        next_start = buf.find(b"##", data_start)
        if 0 <= next_start < frame_end - 2:  # at frame_end - 2 only the CRLF is missing
            got = f"a new frame starts after {next_start - data_start} bytes (cut short)"
            return HJ212Error("length_mismatch", f"length field says {declared} bytes but {got}")
        crlf = buf.find(b"\r\n", frame_end, next_start if next_start >= 0 else len(buf))
        if crlf >= 0:
            return HJ212Error(
                "length_mismatch",
                f"length field says {declared} bytes but the frame ends (CRLF) after "
                f"{crlf - data_start - 4} data bytes and a CRC",
            )
        return HJ212Error(
            "bad_tail",
            f"no CRLF where the length field ({declared}) says the frame ends, "
            f"got {show(bytes(buf[frame_end - 6:frame_end]))}",
        )

    def _reject(
        self, buf: bytearray, start: int, error: HJ212Error, final: bool, out: list[Frame]
    ) -> int | None:
        """Report a broken frame. It ends at its CRLF or where the next '##' starts."""
        n = len(buf)
        next_start = buf.find(b"##", start + 1)
        crlf = buf.find(b"\r\n", start + 2)
        ends = [e for e in (next_start, crlf + 2 if crlf >= 0 else -1) if e >= 0]
        if ends:
            end = min(ends)
        elif final or n - start >= self.max_buffer:
            end = n
        else:
            return None  # see where it ends before reporting it once, whole
        out.append(Frame(bytes(buf[start:end]), error=error))
        return end


def _incomplete(have: int, want: int | None) -> HJ212Error:
    if want is None:
        return HJ212Error("incomplete", f"the stream ended inside a frame header ({have} bytes)")
    return HJ212Error(
        "incomplete", f"the stream ended after {have} of the {want} bytes the frame declares"
    )
