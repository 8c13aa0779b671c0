"""Reframer: split reads, merged reads, junk, broken frames, memory bound, never raising."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zoneops.hj212 import Frame, Reframer, build_frame, stream
from zoneops.hj212.simulator import Reading, minute_upload, realtime_upload

HJ = settings.get_profile("hj212")
START = datetime(2024, 6, 1, 8, 0)


def uploads(count: int) -> list[bytes]:
    out = []
    for i in range(count):
        moment = START + timedelta(minutes=i)
        values: dict[str, Reading] = {
            "a21026": 10.0 + i, "a21004": (3.5, "M"), "a34004": 0.042 * i
        }
        build = realtime_upload if i % 2 else minute_upload
        out.append(build(mn=f"STATION{i % 3}", pw="123456", data_time=moment, values=values))
    return out


FRAMES = uploads(6)
A, B, C = FRAMES[:3]


def run(*chunks: bytes, max_buffer: int = 4096, flush: bool = True) -> list[Frame]:
    reframer = Reframer(max_buffer=max_buffer)
    out: list[Frame] = []
    for chunk in chunks:
        out += reframer.feed(chunk)
    if flush:
        out += reframer.flush()
    return out


def summary(frames: list[Frame]) -> list[str]:
    return ["ok" if f.ok else f.error.code for f in frames]  # type: ignore[union-attr]


def test_one_frame() -> None:
    [frame] = run(A)
    assert frame.ok and frame.raw == A and frame.error is None
    assert frame.packet is not None and frame.packet.cn == "2051"


def test_frame_split_at_every_byte() -> None:
    for cut in range(1, len(A)):
        reframer = Reframer()
        assert reframer.feed(A[:cut]) == []
        [frame] = reframer.feed(A[cut:])
        assert frame.ok and frame.raw == A
        assert reframer.buffered == 0


def test_byte_by_byte() -> None:
    frames = run(*[bytes([b]) for b in A + B])
    assert [f.raw for f in frames] == [A, B]


def test_several_frames_in_one_read() -> None:
    assert [f.raw for f in run(A + B + C)] == [A, B, C]


def test_garbage_before_and_between() -> None:
    frames = run(b"hello" + A + b"AT+OK\r\n" + B + b"x" + C)
    assert summary(frames) == ["garbage", "ok", "garbage", "ok", "garbage", "ok"]
    assert frames[0].raw == b"hello" and frames[2].raw == b"AT+OK\r\n"
    assert "5 bytes outside any frame" in frames[0].error.message  # type: ignore[union-attr]


def test_filler_between_frames_is_ignored() -> None:
    assert summary(run(b"\r\n" + A + b"\x00\x00 \r\n" + B + b"\n")) == ["ok", "ok"]


def test_stray_hashes() -> None:
    assert summary(run(b"#" + A, b"#", b"#" + B)) == ["garbage", "ok", "garbage", "ok"]
    assert [f.raw for f in run(b"###" + A)] == [b"###", A]
    assert summary(run(b"x#", A)) == ["garbage", "ok"]


def test_oversize_length_is_rejected_and_the_stream_resyncs() -> None:
    frames = run(b"##9999QN=1;ST=22\r\n" + A)
    assert summary(frames) == ["too_long", "ok"]
    assert frames[0].raw == b"##9999QN=1;ST=22\r\n"
    assert "9999 bytes exceeds the maximum 1024" in frames[0].error.message  # type: ignore


def test_declared_length_too_long_is_rejected_without_waiting() -> None:
    broken = b"##0300" + A[6:]  # claims 300 bytes; its CRLF comes earlier
    reframer = Reframer()
    frames = reframer.feed(broken)
    assert summary(frames) == ["length_mismatch"]
    assert frames[0].raw == broken
    assert "says 300 bytes but the frame ends (CRLF) after" in frames[0].error.message  # type: ignore
    assert [f.raw for f in reframer.feed(B)] == [B]


def test_declared_length_too_short() -> None:
    actual = len(A) - 12
    broken = b"##%04d" % (actual - 5) + A[6:]
    frames = run(broken + B)
    assert summary(frames) == ["length_mismatch", "ok"]
    assert frames[0].raw == broken
    assert f"after {actual} data bytes" in frames[0].error.message  # type: ignore[union-attr]


def test_missing_crlf_then_next_frame() -> None:
    frames = run(A[:-2] + B)
    assert summary(frames) == ["bad_tail", "ok"]
    assert frames[0].raw == A[:-2] and frames[1].raw == B


def test_truncated_frame_then_next_frame() -> None:
    frames = run(A[:40] + B + C)
    assert summary(frames) == ["length_mismatch", "ok", "ok"]
    assert frames[0].raw == A[:40]
    assert "a new frame starts after 34 bytes" in frames[0].error.message  # type: ignore


def test_truncated_frame_before_a_longer_frame() -> None:
    long = realtime_upload(mn="A", pw="1", data_time=START,
                           values={f"a{21000 + i}": float(i) for i in range(20)})
    frames = run(A[:40] + long)
    assert summary(frames) == ["length_mismatch", "ok"]
    assert "a new frame starts after 34 bytes" in frames[0].error.message  # type: ignore


def test_bad_crc_is_reported_with_the_whole_frame() -> None:
    bad = A[:-6] + (b"0000" if A[-6:-2] != b"0000" else b"0001") + b"\r\n"
    frames = run(bad + B)
    assert summary(frames) == ["crc_mismatch", "ok"]
    assert frames[0].raw == bad


def test_good_frame_hidden_inside_a_bad_one_is_found() -> None:
    # Junk '##' whose declared length lands exactly on the real frame's CRLF.
    junk = b"##%04d" % (len(A) - 3) + b"abc"
    assert len(junk) + len(A) == 6 + int(junk[2:6]) + 6
    frames = run(junk + A)
    assert frames[-1].ok and frames[-1].raw == A


def test_garbage_without_frame_start_is_bounded() -> None:
    reframer = Reframer(max_buffer=2048)
    frames: list[Frame] = []
    for _ in range(200):
        frames += reframer.feed(b"x" * 500)
        assert reframer.buffered <= 2048
    assert frames and all(f.error is not None and f.error.code == "garbage" for f in frames)
    frames += reframer.feed(A)
    assert sum(len(f.raw) for f in frames) == 100_000 + len(A)
    assert frames[-1].raw == A and frames[-1].ok


def test_broken_frame_without_end_is_bounded() -> None:
    reframer = Reframer(max_buffer=2048)
    frames = reframer.feed(b"##abcd")
    assert frames == []  # waits to see where the broken frame ends
    for _ in range(10):
        frames += reframer.feed(b"y" * 500)
        assert reframer.buffered <= 2048
    assert summary(frames)[0] == "bad_header"
    assert [f.raw for f in reframer.feed(A) if f.ok] == [A]


def test_flush_reports_an_incomplete_frame() -> None:
    frames = run(A + B[:50])
    assert summary(frames) == ["ok", "incomplete"]
    assert frames[1].raw == B[:50]
    assert "ended after 50 of the" in frames[1].error.message  # type: ignore[union-attr]
    assert summary(run(b"##01")) == ["incomplete"]
    assert summary(run(b"junk")) == ["garbage"]
    assert run(b"\r\n") == []


def test_garbage_waits_for_its_end_before_being_reported() -> None:
    reframer = Reframer()
    assert reframer.feed(b"AT+") == []
    assert summary(reframer.feed(b"OK\r\n")) == ["garbage"]


def test_max_buffer_must_hold_a_frame() -> None:
    with pytest.raises(ValueError):
        Reframer(max_buffer=1000)


def test_internal_errors_become_results(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_decode(raw: bytes):
        raise RuntimeError("boom")

    monkeypatch.setattr(stream, "decode", broken_decode)
    frames = run(A + B)
    assert summary(frames) == ["internal_error", "internal_error"]
    assert "RuntimeError: boom" in frames[0].error.message  # type: ignore[union-attr]

    def broken_drain(final: bool):
        raise MemoryError("no")

    reframer = Reframer()
    monkeypatch.setattr(reframer, "_drain", broken_drain)
    [frame] = reframer.feed(b"abc")
    assert frame.error is not None and frame.error.code == "internal_error"
    assert reframer.buffered == 0


# --------------------------------------------------------------------------- properties

NASTY = st.sampled_from([b"#", b"##", b"##0", b"##01", b"\r\n", b"\r", b"\n", b"##1025",
                         b"##0000", b"##0010abcdefghij0000\r\n", b"CP=&&", b"&&"])
JUNK = st.lists(st.one_of(st.binary(max_size=24), NASTY), max_size=4).map(b"".join)


@HJ
@given(st.lists(st.binary(max_size=300), max_size=12))
def test_arbitrary_bytes_never_raise(chunks: list[bytes]) -> None:
    reframer = Reframer(max_buffer=2048)
    total = 0
    for chunk in chunks:
        frames = reframer.feed(chunk)
        total += sum(len(f.raw) for f in frames)
        assert reframer.buffered <= 2048
        assert all(isinstance(f, Frame) and f.ok != (f.error is not None) for f in frames)
    reframer.flush()
    assert reframer.buffered == 0


@HJ
@given(st.lists(st.one_of(JUNK, st.sampled_from(FRAMES)), max_size=12))
def test_junk_and_frames_never_raise(parts: list[bytes]) -> None:
    reframer = Reframer()
    frames = reframer.feed(b"".join(parts)) + reframer.flush()
    assert sum(len(f.raw) for f in frames) <= sum(len(p) for p in parts)


@HJ
@given(
    st.lists(st.tuples(JUNK, st.sampled_from(FRAMES)), min_size=1, max_size=8),
    JUNK,
    st.lists(st.integers(min_value=0, max_value=10_000), max_size=12),
)
def test_valid_frames_survive_junk_and_any_cuts(
    pairs: list[tuple[bytes, bytes]], trailing: bytes, cuts: list[int]
) -> None:
    wanted = [frame for _, frame in pairs]
    data = b"".join(junk + frame for junk, frame in pairs) + trailing
    points = sorted({min(c, len(data)) for c in cuts} | {0, len(data)})
    reframer = Reframer()
    got: list[Frame] = []
    for a, b in pairwise(points):
        got += reframer.feed(data[a:b])
    got += reframer.flush()
    assert [f.raw for f in got if f.ok] == wanted
    # And nothing is reported twice: good and bad raw bytes never exceed the input.
    assert sum(len(f.raw) for f in got) <= len(data)


def test_frames_built_by_hand_also_pass() -> None:
    one = build_frame("ST=22;CN=2011;PW=1;MN=A;CP=&&a21026-Rtd=1&&")
    assert summary(run(one, one)) == ["ok", "ok"]


def test_keep_bad_values_turns_a_frame_with_broken_values_into_a_good_one_listing_them():
    from zoneops.hj212.codec import build_frame

    raw = build_frame("QN=1;ST=22;CN=2011;PW=1;MN=A;Flag=5;CP=&&DataTime=20260301160000;"
                      "a21028-Rtd=,a21028-Flag=D;a21001-Rtd=0.2,a21001-ZsRtd=nan&&")
    (strict,) = Reframer().feed(raw)
    assert not strict.ok and strict.error.code == "number_syntax"
    (kept,) = Reframer(keep_bad_values=True).feed(raw)
    assert kept.ok and kept.raw == raw
    assert kept.invalid == {"a21028-Rtd": "a21028-Rtd: empty",
                            "a21001-ZsRtd": "a21001-ZsRtd: 'nan' is not a decimal number"}
    items = kept.packet.cp.items
    assert items["a21028"].rtd is None and items["a21028"].flag == "D"
    assert items["a21001"].rtd == 0.2 and items["a21001"].zs_rtd is None
    assert ("a21028-Rtd", "") in kept.packet.cp.raw_pairs  # as sent
    # A good frame carries no list; any other fault still rejects the frame.
    good = build_frame("QN=1;ST=22;CN=2011;PW=1;MN=A;Flag=5;CP=&&a21028-Rtd=1&&")
    assert Reframer(keep_bad_values=True).feed(good)[0].invalid is None
    twice = build_frame("QN=1;ST=22;CN=2011;PW=1;MN=A;Flag=5;CP=&&a21028-Rtd=;a21028-Rtd=x&&")
    (rejected,) = Reframer(keep_bad_values=True).feed(twice)
    assert not rejected.ok and rejected.error.code == "number_syntax"
    bad_crc = raw[:-6] + b"0000\r\n"
    assert Reframer(keep_bad_values=True).feed(bad_crc)[0].error.code == "crc_mismatch"


def test_decode_with_an_invalid_dict_records_instead_of_raising():
    from zoneops.hj212 import HJ212Error, decode
    from zoneops.hj212.codec import build_frame

    raw = build_frame("ST=22;CN=2061;PW=1;MN=A;CP=&&DataTime=20260301160000;"
                      "a24088-Avg=1.5,a24088-Max=1e999,a24088-Flag=N&&")
    with pytest.raises(HJ212Error):
        decode(raw)
    invalid: dict[str, str] = {}
    packet = decode(raw, invalid=invalid)
    assert packet.cp.items["a24088"].avg == 1.5 and packet.cp.items["a24088"].max is None
    assert invalid == {"a24088-Max": "a24088-Max: '1e999' is out of range"}
