"""From a decoded HJ 212 packet (or an MQTT message) to plain readings. Pure: no Django."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import NamedTuple

from zoneops.hj212 import Measurement, Packet

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


def readings_from_packet(packet: Packet) -> list[ReadingIn]:
    """The readings of a data upload; [] for anything else (or an upload without DataTime,
    which cannot be stored: there is no time to file it under)."""
    kind_value = _CN_KIND.get(packet.cn)
    if kind_value is None or packet.cp.data_time is None:
        return []
    kind, attr = kind_value
    when = beijing_to_utc(packet.cp.data_time)
    index = _FIELD[attr]
    out = []
    for code, m in packet.cp.items.items():
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
