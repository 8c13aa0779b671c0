"""Build the uploads a data logger sends (2011 real-time, 2051 minute, 2061 hourly).

Pure functions: no clock, no sockets. Tests, the benchmark and a simulator command feed them
values and times. A reading is one of

* a number: real-time ``-Rtd``; for period data ``-Min``/``-Avg``/``-Max`` all equal to it;
  flag N;
* ``(number, flag)``: the same with that data flag;
* a mapping of suffix to value, sent as given: ``{"Avg": 1.2, "Min": 0.9, "Max": 1.5,
  "Cou": 88.0, "Flag": "N"}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from .codec import MAX_DATA_LENGTH, encode
from .segment import format_data_segment, format_time

__all__ = [
    "Reading",
    "hourly_upload",
    "make_qn",
    "minute_upload",
    "realtime_upload",
    "upload",
    "upload_frames",
    "upload_pairs",
]

Reading = float | tuple[float, str] | Mapping[str, object]


def make_qn(moment: datetime) -> str:
    """A QN (``YYYYMMDDhhmmsszzz``) for a moment."""
    return format_time(moment, milliseconds=True)


def upload_pairs(
    cn: str, data_time: datetime, values: Mapping[str, Reading]
) -> list[tuple[str, object]]:
    """The CP pairs of an upload: DataTime, then each pollutant's values and flag."""
    realtime = cn == "2011"
    pairs: list[tuple[str, object]] = [("DataTime", format_time(data_time))]
    for code, reading in values.items():
        if isinstance(reading, Mapping):
            pairs.extend((f"{code}-{suffix}", value) for suffix, value in reading.items())
            continue
        value, flag = reading if isinstance(reading, tuple) else (reading, "N")
        if realtime:
            pairs.append((f"{code}-Rtd", value))
        else:
            pairs.extend((f"{code}-{suffix}", value) for suffix in ("Min", "Avg", "Max"))
        pairs.append((f"{code}-Flag", flag))
    return pairs


def upload(
    cn: str,
    *,
    mn: str,
    pw: str,
    data_time: datetime,
    values: Mapping[str, Reading],
    qn: str | None = None,
    st: str = "22",
    flag: int = 5,
) -> bytes:
    """One upload frame. ``qn`` defaults to one made from ``data_time``; ``flag`` 5 is
    2017 with an answer requested, 4 without."""
    return encode(
        st=st, cn=cn, pw=pw, mn=mn, flag=flag, qn=qn or make_qn(data_time),
        cp=upload_pairs(cn, data_time, values),
    )


def realtime_upload(
    *,
    mn: str,
    pw: str,
    data_time: datetime,
    values: Mapping[str, Reading],
    qn: str | None = None,
    st: str = "22",
    flag: int = 5,
) -> bytes:
    """CN 2011 real-time data (DataTime is the sampling instant)."""
    return upload(
        "2011", mn=mn, pw=pw, data_time=data_time, values=values, qn=qn, st=st, flag=flag
    )


def minute_upload(
    *,
    mn: str,
    pw: str,
    data_time: datetime,
    values: Mapping[str, Reading],
    qn: str | None = None,
    st: str = "22",
    flag: int = 5,
) -> bytes:
    """CN 2051 minute data (DataTime is the start of the period)."""
    return upload(
        "2051", mn=mn, pw=pw, data_time=data_time, values=values, qn=qn, st=st, flag=flag
    )


def hourly_upload(
    *,
    mn: str,
    pw: str,
    data_time: datetime,
    values: Mapping[str, Reading],
    qn: str | None = None,
    st: str = "22",
    flag: int = 5,
) -> bytes:
    """CN 2061 hourly data (DataTime is the start of the hour)."""
    return upload(
        "2061", mn=mn, pw=pw, data_time=data_time, values=values, qn=qn, st=st, flag=flag
    )


def upload_frames(
    cn: str,
    *,
    mn: str,
    pw: str,
    data_time: datetime,
    values: Mapping[str, Reading],
    qn_time: datetime | None = None,
    st: str = "22",
    flag: int = 5,
    max_length: int = MAX_DATA_LENGTH,
) -> list[bytes]:
    """An upload as one frame, or split into parts (D bit, PNUM/PNO) when its data segment
    would exceed ``max_length`` bytes. Each part repeats DataTime, keeps each pollutant's
    values together and has its own QN (``qn_time`` plus one millisecond per part)."""
    base = qn_time or data_time
    groups: list[list[tuple[str, object]]] = []
    for code, reading in values.items():
        groups.append(upload_pairs(cn, data_time, {code: reading})[1:])

    def segment(items: list[tuple[str, object]], pnum: int | None, pno: int | None) -> str:
        return format_data_segment(
            st=st, cn=cn, pw=pw, mn=mn, qn=make_qn(base), flag=flag | (2 if pnum else 0),
            pnum=pnum, pno=pno, cp=[("DataTime", format_time(data_time)), *items],
        )

    whole = [pair for group in groups for pair in group]
    if len(segment(whole, None, None).encode("utf-8")) <= max_length:
        return [upload(cn, mn=mn, pw=pw, data_time=data_time, values=values,
                       qn=make_qn(base), st=st, flag=flag)]
    # Greedy packing; PNUM/PNO are sized as 3 digits while measuring so the final numbers fit.
    parts: list[list[tuple[str, object]]] = [[]]
    for group in groups:
        trial = parts[-1] + group
        if parts[-1] and len(segment(trial, 999, 999).encode("utf-8")) > max_length:
            parts.append(list(group))
        else:
            parts[-1] = trial
    pnum = len(parts)
    return [
        encode(
            st=st, cn=cn, pw=pw, mn=mn, qn=make_qn(base + timedelta(milliseconds=number - 1)),
            flag=flag | 2, pnum=pnum, pno=number,
            cp=[("DataTime", format_time(data_time)), *items],
        )
        for number, items in enumerate(parts, start=1)
    ]
