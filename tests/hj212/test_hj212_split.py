"""Split packets: the simulator splits, the assembler puts the parts back together."""

from __future__ import annotations

from datetime import datetime

import pytest

from zoneops.hj212 import (
    HJ212Error,
    SplitAssembler,
    answer_for,
    decode,
    encode,
    merge_parts,
)
from zoneops.hj212.simulator import Reading, upload_frames

WHEN = datetime(2024, 6, 1, 8, 0)
VALUES: dict[str, Reading] = {
    f"a{21000 + i:05d}": {"Min": i, "Avg": i + 0.5, "Max": i + 1, "Flag": "N"} for i in range(45)
}


def parts(mn: str = "STATION1", cn: str = "2051"):
    frames = upload_frames(cn, mn=mn, pw="123456", data_time=WHEN, values=VALUES)
    return [decode(frame) for frame in frames]


def test_simulator_splits_a_long_upload() -> None:
    pieces = parts()
    assert len(pieces) >= 3
    assert all(p.is_split and p.flag == 7 and p.pnum == len(pieces) for p in pieces)
    assert [p.pno for p in pieces] == list(range(1, len(pieces) + 1))
    assert len({p.qn for p in pieces}) == len(pieces)  # each part has its own QN
    assert all(p.cp.data_time == WHEN for p in pieces)


def test_short_upload_is_not_split() -> None:
    [frame] = upload_frames("2011", mn="A", pw="1", data_time=WHEN, values={"a21026": 1.0})
    assert not decode(frame).is_split


def test_assembler_merges_in_order() -> None:
    pieces = parts()
    assembler = SplitAssembler()
    results = [assembler.add(p) for p in pieces]
    assert results[:-1] == [None] * (len(pieces) - 1)
    done = results[-1]
    assert done is not None and done.parts == tuple(pieces)
    whole = done.packet
    assert whole.qn == pieces[0].qn and whole.flag == 5 and not whole.is_split
    assert whole.pnum is None and "PNUM" not in whole.fields and whole.fields["Flag"] == "5"
    assert set(whole.cp.items) == set(VALUES)
    assert whole.cp.items["a21003"].avg == 3.5
    assert whole.cp.data_time == WHEN
    assert [k for k, _ in whole.cp.raw_pairs].count("DataTime") == 1
    assert assembler.pending == 0
    # Each part is answered with its own QN.
    answers = [answer_for(p) for p in done.parts]
    assert len({decode(a).qn for a in answers if a is not None}) == len(pieces)


def test_whole_packets_pass_straight_through() -> None:
    [frame] = upload_frames("2011", mn="A", pw="1", data_time=WHEN, values={"a21026": 1.0})
    packet = decode(frame)
    done = SplitAssembler().add(packet)
    assert done is not None and done.packet is packet and done.parts == (packet,)


def test_groups_are_kept_apart_by_mn_and_cn() -> None:
    a, b = parts("A"), parts("B")
    assembler = SplitAssembler()
    out = [assembler.add(p) for pair in zip(a, b, strict=True) for p in pair]
    done = [r.packet.mn for r in out if r is not None]
    assert done == ["A", "B"]


def test_missing_part_is_a_mismatch() -> None:
    pieces = parts()
    assembler = SplitAssembler()
    assembler.add(pieces[0])
    with pytest.raises(HJ212Error) as caught:
        assembler.add(pieces[2])
    assert caught.value.code == "split_mismatch"
    assert "part 3/" in caught.value.message and "after part 1/" in caught.value.message
    assert assembler.pending == 0


def test_part_without_part_one_is_a_mismatch() -> None:
    with pytest.raises(HJ212Error, match="no part 1"):
        SplitAssembler().add(parts()[1])


def test_restart_from_part_one_replaces_the_group() -> None:
    pieces = parts()
    assembler = SplitAssembler()
    assembler.add(pieces[0])
    assembler.add(pieces[1])
    results = [assembler.add(p) for p in pieces]  # the logger started over
    assert results[-1] is not None and results[-1].parts == tuple(pieces)


def test_limits() -> None:
    pieces = parts()
    with pytest.raises(HJ212Error, match="exceeds the limit"):
        SplitAssembler(max_parts=1).add(pieces[0])
    assembler = SplitAssembler(max_groups=2)
    for mn in ("A", "B", "C"):
        assembler.add(parts(mn)[0])
    assert assembler.pending == 2


def test_merge_refuses_disagreeing_parts() -> None:
    pieces = parts()
    later = upload_frames("2051", mn="STATION1", pw="123456", data_time=WHEN.replace(hour=9),
                          values=VALUES)
    mixed = [pieces[0], *[decode(f) for f in later][1:]]
    with pytest.raises(HJ212Error, match="disagree on DataTime"):
        merge_parts(mixed)
    with pytest.raises(HJ212Error, match="expected"):
        merge_parts(pieces[1:])
    with pytest.raises(HJ212Error, match="no parts"):
        merge_parts([])
    with pytest.raises(HJ212Error, match="parts for PNUM"):
        merge_parts(pieces[:-1])
    other_mn = parts("OTHER")
    with pytest.raises(HJ212Error, match="different MN"):
        merge_parts([pieces[0], *other_mn[1:]])


def test_merge_refuses_the_same_value_in_two_parts() -> None:
    def part(number: int, value: str):
        return decode(encode(st=22, cn=2011, pw="1", mn="A", flag=7, pnum=2, pno=number,
                             qn=f"2024060108000000{number}", cp=f"a21026-Rtd={value}"))

    with pytest.raises(HJ212Error) as caught:
        merge_parts([part(1, "1"), part(2, "2")])
    assert caught.value.code == "split_mismatch"
    assert "a21026-Rtd appears twice" in caught.value.message
