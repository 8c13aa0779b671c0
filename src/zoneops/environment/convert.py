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


class DetailIn(NamedTuple):
    """What a reading came with besides value and flag (stored as a ReadingDetail)."""

    factor: str
    time: datetime
    kind: str
    zs: float | None = None
    min: float | None = None
    max: float | None = None
    cou: float | None = None
    eflag: str = ""
    sample_time: str = ""
    problem: str = ""  # a value that was not a number: what was wrong with it


class StatusIn(NamedTuple):
    """A logger's equipment report: CN 2021 run state, 2041 running time, 2081 power-on."""

    cn: str
    time: datetime | None  # aware UTC; None: the packet had no DataTime (arrival is used)
    values: dict[str, str]


@dataclass(frozen=True, slots=True)
class Upload:
    """One data upload of a station, as the gateway (or the MQTT bridge) received it."""

    station_id: int
    readings: list[ReadingIn]
    address: str = ""
    # 2017 code -> the HJ/T 212-2005 code the device sent for it (kept on StationFactor)
    raw_codes: dict[str, str] | None = None
    details: list[DetailIn] | None = None  # only readings that came with more
    status: StatusIn | None = None  # an equipment report instead of readings

    @property
    def bad_values(self) -> int:
        return sum(1 for d in self.details or () if d.problem)


# CNs that report the equipment, not pollutants (HJ 212-2017 Table 9).
STATUS_CNS = frozenset({"2021", "2041", "2081"})


def status_from_packet(packet: Packet, data_time: datetime | None = None) -> StatusIn:
    """An equipment report: every data-area item but DataTime, as sent (a key sent twice
    keeps both values, joined by " | ")."""
    values: dict[str, str] = {}
    for key, value in packet.cp.raw_pairs:
        if key == "DataTime":
            continue
        values[key] = f"{values[key]} | {value}" if key in values else value
    local = packet.cp.data_time or data_time
    return StatusIn(packet.cn, beijing_to_utc(local) if local is not None else None, values)


def upload_from_packet(station_id: int, packet: Packet, data_time: datetime | None = None,
                       address: str = "", invalid: dict[str, str] | None = None) -> Upload:
    """The gateway's Upload of one authenticated packet: readings with their details (a
    data upload), or an equipment report (STATUS_CNS). ``invalid`` are the values the
    decoder left out as not numbers (key -> why): such a reading is kept without a value."""
    if packet.cn in STATUS_CNS:
        return Upload(station_id, [], address, status=status_from_packet(packet, data_time))
    details: list[DetailIn] = []
    readings = readings_from_packet(packet, data_time, details, invalid)
    return Upload(station_id, readings, address, legacy_codes(packet), details or None)


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


def readings_from_packet(packet: Packet, data_time: datetime | None = None,
                         details: list[DetailIn] | None = None,
                         invalid: dict[str, str] | None = None) -> list[ReadingIn]:
    """The readings of a data upload; [] for anything else (or an upload without DataTime,
    which cannot be stored: there is no time to file it under). ``data_time`` is used when
    the packet has none (a later part of a split packet: its group's DataTime). 2005 codes
    are read as their 2017 factors (see :func:`legacy_codes` for the raw code).

    Given ``details``, what a reading carries besides its value and flag (-Zs*, -Min/-Max/
    -Cou of period data, -EFlag, -SampleTime) is appended there; a value listed in
    ``invalid`` (not a number) gives a reading without a value and a detail saying why."""
    kind_value = _CN_KIND.get(packet.cn)
    local = packet.cp.data_time or data_time
    if kind_value is None or local is None:
        return []
    kind, attr = kind_value
    when = beijing_to_utc(local)
    index = _FIELD[attr]
    period = attr == "avg"
    legacy = LEGACY_CODES
    few = _FIELDS - 2  # an item with only a value and a flag has this many Nones
    out = []
    for sent, m in packet.cp.items.items():
        code = legacy.get(sent, sent)
        value = m[index]  # by index: a NamedTuple's field lookup is a call per field
        if value is None and period:  # some loggers send only -Rtd in period data
            value = m[_RTD]
        flag = m[_FLAG]
        if value is None:
            problem = invalid and "; ".join(why for key, why in invalid.items()
                                            if key.startswith(sent + "-"))
            if problem:  # a value that was not a number: kept without it, and said why
                out.append(_new_tuple(ReadingIn, (code, when, kind, None,
                                                  "N" if flag is None else flag[:4])))
                if details is not None:
                    details.append(_detail(code, when, kind, m, attr, problem))
                continue
            if flag is None:
                continue
        out.append(_new_tuple(ReadingIn, (code, when, kind, value,
                                          "N" if flag is None else flag[:4])))
        # Anything besides the value and the flag? Most items hold two fields at most
        # (count(None) is one C call); only the others are looked at closely.
        if m.count(None) < few and details is not None and _FIELDS - m.count(None) > (
                (m[index] is not None) + (flag is not None)
                + (period and m[_RTD] is not None)):
            details.append(_detail(code, when, kind, m, attr, ""))
    return out


def _detail(code: str, when: datetime, kind: str, m: Measurement, attr: str,
            problem: str) -> DetailIn:
    zs = m[_ZS[attr]]
    period = attr == "avg"
    return DetailIn(code, when, kind, zs if zs is not None else m[_ZS_RTD],
                    m[_MIN] if period else None, m[_MAX] if period else None, m[_COU],
                    (m[_EFLAG] or "")[:20], (m[_SAMPLE] or "")[:20], problem[:300])


# tuple.__new__ builds a NamedTuple without running its Python-level __new__: ten per upload.
_new_tuple = tuple.__new__
_FIELD = {name: i for i, name in enumerate(Measurement._fields)}
_FIELDS = len(_FIELD)
_RTD, _FLAG = _FIELD["rtd"], _FIELD["flag"]
_ZS = {"rtd": _FIELD["zs_rtd"], "avg": _FIELD["zs_avg"]}
_ZS_RTD, _MIN, _MAX, _COU = _FIELD["zs_rtd"], _FIELD["min"], _FIELD["max"], _FIELD["cou"]
_EFLAG, _SAMPLE = _FIELD["eflag"], _FIELD["sample_time"]
