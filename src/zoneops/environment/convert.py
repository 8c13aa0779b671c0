"""From a decoded HJ 212 packet (or an MQTT message) to plain readings. Pure: no Django."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import NamedTuple

from zoneops.hj212 import Measurement, Packet
from zoneops.hj212.codes import POLLUTANTS, POLLUTANTS_BY_2005_CODE

# HJ 212 DataTime is Beijing time; China has had no daylight saving since 1991.
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")

# Which value of a pollutant each upload carries, and as what kind of reading.
_CN_KIND = {"2011": ("rtd", "rtd"), "2051": ("min", "avg"), "2061": ("hour", "avg"),
            "2031": ("day", "avg")}


class ReadingIn(NamedTuple):
    """A tuple, not a frozen dataclass: the gateway builds ten per upload, and a frozen
    dataclass costs about three times as much to build."""

    factor: str  # HJ 212 code
    time: datetime  # aware, UTC
    kind: str  # rtd/min/hour/day
    value: float | None
    flag: str = "N"


@dataclass(frozen=True, slots=True)
class Upload:
    """One data upload of a station, as the gateway (or the MQTT bridge) received it."""

    station_id: int
    readings: list[ReadingIn]
    address: str = ""
    # 2017 code -> the HJ/T 212-2005 code the device sent for it (kept on StationFactor)
    raw_codes: dict[str, str] | None = None


def beijing_to_utc(local: datetime) -> datetime:
    """A naive Beijing-time DataTime as an aware UTC datetime."""
    utc = _UTC_OF.get(local)
    if utc is None:
        if len(_UTC_OF) >= 4096:
            _UTC_OF.clear()
        utc = _UTC_OF[local] = local.replace(tzinfo=BEIJING).astimezone(UTC)
    return utc


# Loggers report on the same clock grid, so a gateway converts the same DataTime for many
# uploads: remembered (a bounded dict; datetimes are immutable) instead of converted each time.
_UTC_OF: dict[datetime, datetime] = {}


# HJ/T 212-2005 codes ("05" H2S, "10" NH3, ...) -> their 2017 codes (HJ 212-2017 Appendix B,
# via hj212.codes). No 2005 code is also a 2017 code (those start with a letter and six
# characters), so the mapping is unambiguous.
LEGACY_CODES = {old: p.code for old, p in POLLUTANTS_BY_2005_CODE.items()
                if old not in POLLUTANTS}


def legacy_codes(packet: Packet) -> dict[str, str] | None:
    """2017 code -> 2005 code for the items of a packet sent with 2005 codes, else None."""
    old = LEGACY_CODES.keys() & packet.cp.items.keys()
    return {LEGACY_CODES[code]: code for code in old} if old else None


def readings_from_packet(packet: Packet, data_time: datetime | None = None
                         ) -> list[ReadingIn]:
    """The readings of a data upload; [] for anything else (or an upload without DataTime,
    which cannot be stored: there is no time to file it under). ``data_time`` is used when
    the packet has none (a later part of a split packet: its group's DataTime). 2005 codes
    are read as their 2017 factors (see :func:`legacy_codes` for the raw code)."""
    kind_value = _CN_KIND.get(packet.cn)
    local = packet.cp.data_time or data_time
    if kind_value is None or local is None:
        return []
    kind, attr = kind_value
    when = beijing_to_utc(local)
    index = _FIELD[attr]
    legacy = LEGACY_CODES
    out = []
    for code, m in packet.cp.items.items():
        code = legacy.get(code, code)
        value = m[index]  # by index: a NamedTuple's field lookup is a call per field
        if value is None and attr == "avg":  # some loggers send only -Rtd in period data
            value = m[_RTD]
        flag = m[_FLAG]
        if value is None and flag is None:
            continue
        out.append(_new_tuple(ReadingIn, (code, when, kind, value,
                                          "N" if flag is None else flag[:4])))
    return out


# tuple.__new__ builds a NamedTuple without running its Python-level __new__: ten per upload.
_new_tuple = tuple.__new__
_FIELD = {name: i for i, name in enumerate(Measurement._fields)}
_RTD, _FLAG = _FIELD["rtd"], _FIELD["flag"]
