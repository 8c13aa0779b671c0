"""Split packets (Flag D bit, PNUM/PNO): putting the parts back together.

Each part is a complete packet with its own QN, its own CRC and, in practice, its own
DataTime, so a gateway can store every part as it arrives (ingest is idempotent) and answer
each part's QN with its own 9014; nothing needs reassembly for that. Reassembly is for a
consumer that wants the whole record at once.

Parts are grouped by (MN, CN): a logger sends the parts of one record in sequence, and only
part 1 carries the QN that names the group, so the QN cannot be the key. Part 1 (re)starts
a group (a logger that starts over after a timeout simply replaces the unfinished group);
every other part must be the next number with the same PNUM, or the group is dropped with a
``split_mismatch`` error. The merged packet has part 1's QN, the D bit cleared, no PNUM/PNO,
and the data areas concatenated with DataTime kept once (all parts must agree on it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .errors import HJ212Error
from .packet import Packet
from .segment import format_data_area, parse_data_area

__all__ = ["Reassembled", "SplitAssembler", "merge_parts"]


@dataclass(frozen=True, slots=True)
class Reassembled:
    """A whole packet and the parts it came from (answer each part's QN after storing)."""

    packet: Packet
    parts: tuple[Packet, ...]


def _mismatch(message: str) -> HJ212Error:
    return HJ212Error("split_mismatch", message)


def merge_parts(parts: Sequence[Packet]) -> Packet:
    """Merge the complete, ordered parts 1..PNUM of one split packet."""
    if not parts:
        raise _mismatch("no parts to merge")
    first = parts[0]
    pnum = first.pnum
    for number, part in enumerate(parts, start=1):
        if not part.is_split or part.pno != number or part.pnum != pnum:
            raise _mismatch(
                f"part {number} of {pnum} expected, got PNO={part.pno} PNUM={part.pnum}"
            )
        for name in ("st", "cn", "pw", "mn"):
            if getattr(part, name) != getattr(first, name):
                raise _mismatch(f"part {number} has a different {name.upper()} than part 1")
    if len(parts) != pnum:
        raise _mismatch(f"{len(parts)} parts for PNUM={pnum}")
    times = {p.cp.data_time for p in parts if p.cp.data_time is not None}
    if len(times) > 1:
        raise _mismatch(f"parts disagree on DataTime: {sorted(map(str, times))}")
    pairs: list[tuple[str, str]] = []
    seen_time = False
    for part in parts:
        for key, value in part.cp.raw_pairs:
            if key == "DataTime":
                if seen_time:
                    continue
                seen_time = True
            pairs.append((key, value))
    try:
        area = parse_data_area(format_data_area(pairs))
    except HJ212Error as exc:  # e.g. the same a21026-Rtd in two parts
        raise _mismatch(f"merged data area is invalid: {exc}") from None
    flag = first.flag & ~2 if first.flag is not None else None
    fields = {k: v for k, v in first.fields.items() if k not in ("PNUM", "PNO")}
    if flag is not None:
        fields["Flag"] = str(flag)
    return Packet(
        qn=first.qn, st=first.st, cn=first.cn, pw=first.pw, mn=first.mn, flag=flag,
        cp=area, fields=fields,
    )


class SplitAssembler:
    """Collects parts per (MN, CN); bounded by ``max_groups`` open groups of ``max_parts``."""

    def __init__(self, *, max_groups: int = 64, max_parts: int = 64) -> None:
        self.max_groups = max_groups
        self.max_parts = max_parts
        self._groups: dict[tuple[str, str], list[Packet]] = {}

    @property
    def pending(self) -> int:
        """Number of unfinished groups."""
        return len(self._groups)

    def first_part(self, mn: str, cn: str) -> Packet | None:
        """Part 1 of the unfinished group of (MN, CN), if any (its header and DataTime name
        the whole record)."""
        parts = self._groups.get((mn, cn))
        return parts[0] if parts else None

    def add(self, packet: Packet) -> Reassembled | None:
        """Add a packet; a whole packet comes back at once, a split one when its last part
        arrives. Raises HJ212Error("split_mismatch") and drops the group on a bad sequence."""
        if not packet.is_split:
            return Reassembled(packet, (packet,))
        key = (packet.mn, packet.cn)
        pnum = packet.pnum or 0
        if pnum > self.max_parts:
            self._groups.pop(key, None)
            raise _mismatch(f"PNUM={pnum} exceeds the limit of {self.max_parts} parts")
        if packet.pno == 1:
            self._groups.pop(key, None)  # re-insert so the dict order is "oldest first"
            parts = self._groups[key] = [packet]
            while len(self._groups) > self.max_groups:
                del self._groups[next(iter(self._groups))]
        else:
            parts = self._groups.get(key, [])
            last = parts[-1] if parts else None
            if last is None or last.pnum != pnum or (last.pno or 0) + 1 != packet.pno:
                self._groups.pop(key, None)
                after = f"part {last.pno}/{last.pnum}" if last else "no part 1"
                raise _mismatch(
                    f"MN={packet.mn} CN={packet.cn}: part {packet.pno}/{pnum} arrived after "
                    f"{after}"
                )
            parts.append(packet)
        if len(parts) < pnum:
            return None
        del self._groups[key]
        return Reassembled(merge_parts(parts), tuple(parts))
