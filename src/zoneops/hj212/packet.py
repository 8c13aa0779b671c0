"""What a decoded HJ 212 packet is: plain, immutable dataclasses with no parsing in them.

The compiled decoder (``_speedups.c``) builds DataArea and Packet as their own ``__init__``
would (``object.__new__``, then every field): give them no ``__post_init__``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

__all__ = [
    "NUMERIC_SUFFIXES",
    "SUFFIX_FIELDS",
    "DataArea",
    "Measurement",
    "Packet",
    "flag_version",
]

# Data-area key suffix (``a21026-Rtd``) -> Measurement attribute (HJ 212-2017 Table 3 notes).
SUFFIX_FIELDS: dict[str, str] = {
    "Rtd": "rtd",
    "Min": "min",
    "Avg": "avg",
    "Max": "max",
    "ZsRtd": "zs_rtd",
    "ZsMin": "zs_min",
    "ZsAvg": "zs_avg",
    "ZsMax": "zs_max",
    "Cou": "cou",
    "Flag": "flag",
    "EFlag": "eflag",
    "SampleTime": "sample_time",
}
# Suffixes whose values are numbers; the others (Flag, EFlag, SampleTime) stay strings.
NUMERIC_SUFFIXES: frozenset[str] = frozenset(
    {"Rtd", "Min", "Avg", "Max", "ZsRtd", "ZsMin", "ZsAvg", "ZsMax", "Cou"}
)


class Measurement(NamedTuple):
    """The values one pollutant code carries in one packet; None where the packet had none.

    ``zs_*`` are the normalised (折算) values; ``cou`` the cumulative amount; ``flag`` the data
    flag of Table 8 (N, F, M, S, D, C, T, B - kept as sent, unknown letters included);
    ``eflag`` the vendor's flag; ``sample_time`` as sent. (A NamedTuple rather than a frozen
    dataclass: ten of these per packet, and it builds four times faster.)
    """

    rtd: float | None = None
    min: float | None = None
    avg: float | None = None
    max: float | None = None
    zs_rtd: float | None = None
    zs_min: float | None = None
    zs_avg: float | None = None
    zs_max: float | None = None
    cou: float | None = None
    flag: str | None = None
    eflag: str | None = None
    sample_time: str | None = None


@dataclass(frozen=True, slots=True)
class DataArea:
    """The ``CP=&&...&&`` area.

    ``items`` maps pollutant code to its Measurement; ``data_time`` is the DataTime as a naive
    datetime in Beijing local time (UTC+8), as the standard defines it; ``extras`` keeps every
    other key (SystemTime, QnRtn, RtdInterval, SB1-RS, ...) as the string sent; ``raw_pairs``
    is every key/value exactly in the order received, for display and re-encoding.
    """

    items: dict[str, Measurement] = field(default_factory=dict)
    data_time: datetime | None = None
    extras: dict[str, str] = field(default_factory=dict)
    raw_pairs: list[tuple[str, str]] = field(default_factory=list)


def flag_version(flag: int | None) -> str:
    """Protocol edition from the version bits V5..V0 (Flag >> 2).

    A packet without Flag is a 2005-style packet: 2017 and later make Flag mandatory.
    """
    if flag is None:
        return "2005"
    return {0: "2005", 1: "2017", 2: "2025"}.get(flag >> 2, "unknown")


@dataclass(frozen=True, slots=True, kw_only=True)
class Packet:
    """One decoded data segment (HJ 212-2017 Table 3).

    ``st`` and ``cn`` stay strings (codes, not quantities). ``fields`` is every header field
    as received, in order, including keys this library does not know.
    """

    qn: str | None = None
    st: str
    cn: str
    pw: str
    mn: str
    flag: int | None = None
    pnum: int | None = None
    pno: int | None = None
    cp: DataArea = field(default_factory=DataArea)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def version(self) -> str:
        """"2005", "2017", "2025" or "unknown", from the Flag version bits."""
        return flag_version(self.flag)

    @property
    def needs_ack(self) -> bool:
        """Flag bit A: the sender wants an answer."""
        return self.flag is not None and bool(self.flag & 1)

    @property
    def is_split(self) -> bool:
        """Flag bit D with PNUM/PNO present: one part of a split packet.

        D without PNUM/PNO is tolerated (Flag alone never rejects a packet) and treated as a
        whole packet, since there is nothing to reassemble it by.
        """
        return (
            self.flag is not None
            and bool(self.flag & 2)
            and self.pnum is not None
            and self.pno is not None
        )

    def to_frame(self) -> bytes:
        """Encode as a complete frame (``##``, length, data segment, upper-case CRC, CRLF)."""
        from .codec import encode_packet  # codec imports this module

        return encode_packet(self)
