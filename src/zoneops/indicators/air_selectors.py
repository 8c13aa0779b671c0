"""Air-quality days of the zone from its own ambient stations (reads only).

The environment module stores each station's 1-hour means (Reading kind "hour", stamped at
the hour's start, UTC). Here they become, per station and Beijing day, the 24-hour means and
the daily maximum 8-hour O3 with the validity rules of GB 3095-2012 §7 (airdays.py), then
IAQI/AQI per HJ 633-2012 (aqi.py); the zone's day is the mean of its stations' valid daily
concentrations (data/air_zone.json says where that rule comes from). Computed on the fly:
the database sums the 24-hour means (a year of one station is ~44 000 hours of them) and only
O3's hours come back, for its 8-hour windows; ~0.15 s for a year of one station.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from zoneops.environment import units
from zoneops.environment.models import Reading, Station, StationFactor

from . import airdays, aqi

ZONE_FILE = Path(__file__).with_name("data") / "air_zone.json"
BEIJING = ZoneInfo("Asia/Shanghai")  # HJ 663-2013's natural day is Beijing time
VALID_FLAGS = ("N", "T", "n", "t")  # HJ 212-2017 Table 8: normal, or above the range's top


@cache
def zone_rules() -> dict[str, Any]:
    with ZONE_FILE.open(encoding="utf-8") as source:
        return json.load(source)


def pollutant_codes() -> dict[str, str]:
    """Pollutant name (as in HJ 633's table: SO2 … O3) → HJ 212-2017 factor code."""
    return dict(zone_rules()["hj212_codes"])


def category_colours() -> dict[str, dict[str, str]]:
    return {c["name"]: c for c in zone_rules()["category_colours"]}


def air_stations() -> list[Station]:
    """The zone's ambient-air stations (GB 3095 sites), the ones its AQI is taken from."""
    return list(Station.objects.filter(kind=Station.Kind.AMBIENT, is_active=True)
                .order_by("mn"))


@dataclass
class StationDay:
    station: Station
    day: date
    means: dict[str, airdays.Mean]  # pollutant → 24-h mean (O3: daily max 8-h), table units
    hours: dict[str, int]  # pollutant → valid 1-hour means that day
    o3_1h: float | None = None  # daily max 1-hour O3 (needed only above 800 µg/m³ 8-h)

    def concentrations(self) -> dict[str, float]:
        return {name: m.value for name, m in self.means.items() if m.valid}

    @property
    def result(self) -> aqi.DayAqi | None:
        return _aqi_of(self.concentrations(), self.o3_1h)

    @property
    def missing(self) -> list[str]:
        return [name for name in pollutant_codes() if not self.means[name].valid]

    def iaqi(self) -> dict[str, int]:
        """IAQI of each pollutant with a valid value (even when the day has no AQI)."""
        spec = aqi.table()["pollutants"]
        out = {}
        for name, value in self.concentrations().items():
            top = spec[name]["breakpoints"][-1]
            value = round(value, 6)  # as in _aqi_of
            if value <= top or not spec[name].get("above_last"):
                out[name] = aqi.iaqi_of(Fraction(Decimal(str(value))),
                                        spec[name]["breakpoints"])
        return out


@dataclass
class ZoneDay:
    day: date
    concentrations: dict[str, float]  # mean over the stations with a valid value
    stations: dict[str, int]  # pollutant → how many stations gave a valid value
    result: aqi.DayAqi | None
    station_days: list[StationDay] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        return [name for name in pollutant_codes() if name not in self.concentrations]

    def as_dict(self) -> dict[str, Any]:
        spec = aqi.table()["pollutants"]
        out: dict[str, Any] = {
            "date": self.day.isoformat(),
            "valid": self.result is not None,
            "aqi": None, "category": None, "primary": [], "iaqi": {},
            "concentrations": {spec[n]["field"]: round(v, 3)
                               for n, v in self.concentrations.items()},
            "stations": dict(self.stations), "missing": self.missing,
        }
        if self.result is not None:
            out.update(self.result.as_dict())
        return out


def _aqi_of(concentrations: dict[str, float], o3_1h: float | None) -> aqi.DayAqi | None:
    if len(concentrations) < len(pollutant_codes()):
        return None
    spec = aqi.table()["pollutants"]
    # Rounded to 6 decimals only to drop the float noise of unit conversion and averaging
    # (0.03 mg/m³ × 1000 is 30.000000000000004, which would tip an IAQI over a breakpoint);
    # HJ 663's own rounding of reported concentrations is not applied (source needed).
    day = {spec[name]["field"]: round(value, 6) for name, value in concentrations.items()}
    if o3_1h is not None:
        day["o3_1h"] = round(o3_1h, 6)
    try:
        return aqi.day_aqi(day)
    except aqi.AqiInputError:  # O3 8-h above 800 without a valid 1-hour maximum
        return None


def _utc_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    start = datetime.combine(first, time(0), tzinfo=BEIJING)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=BEIJING)
    return start, end


def _scales(stations: Sequence[Station]) -> dict[tuple[int, int], tuple[str, float]]:
    """(station id, factor id) → (pollutant, factor to the HJ 633 table's unit)."""
    by_code = {code: name for name, code in pollutant_codes().items()}
    spec = aqi.table()["pollutants"]
    out = {}
    for sf in (StationFactor.objects.filter(station__in=stations, factor__code__in=by_code)
               .select_related("factor")):
        name = by_code[sf.factor.code]
        from_unit = sf.unit or sf.factor.unit or units.MG_M3
        out[(sf.station_id, sf.factor_id)] = (
            name, units.conversion(sf.factor.code, from_unit, spec[name]["unit"]))
    return out


def _valid_hours(stations: Sequence[Station], first: date, last: date,
                 scales: dict[tuple[int, int], tuple[str, float]], names: set[str]):
    start, end = _utc_bounds(first, last)
    return Reading.objects.filter(
        station_id__in=[s.pk for s in stations], kind="hour",
        factor_id__in={f for key, (name, _x) in scales.items() if name in names
                       for f in [key[1]]},
        time__gte=start, time__lt=end, flag__in=VALID_FLAGS, value__gte=0)


def hourly_grid(stations: Sequence[Station], first: date, last: date,
                names: set[str] | None = None
                ) -> dict[tuple[int, date, str], list[float | None]]:
    """Each station's valid 1-hour means per Beijing day and pollutant (all, or `names`), as
    24 slots (None where the hour is missing, flagged invalid or without value), in the
    table's units."""
    scales = _scales(stations)
    start, _end = _utc_bounds(first, last)
    grid: dict[tuple[int, date, str], list[float | None]] = {}
    rows = (_valid_hours(stations, first, last, scales, names or set(pollutant_codes()))
            .values_list("station_id", "factor_id", "time", "value").iterator(chunk_size=5000))
    # Beijing keeps no summer time: an hour's slot is its whole hours since the first
    # midnight (cheaper than a time-zone conversion per row; a year is ~53 000 rows a station).
    origin = start.timestamp()
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    for station_id, factor_id, when, value in rows:
        scale = scales.get((station_id, factor_id))
        if scale is None or value < 0:
            continue
        index = int(when.timestamp() - origin) // 3600
        key = (station_id, days[index // airdays.HOURS], scale[0])
        slots = grid.get(key)
        if slots is None:
            slots = grid[key] = [None] * airdays.HOURS
        slots[index % airdays.HOURS] = value * scale[1]
    return grid


def _days(first: date, last: date) -> Iterable[date]:
    for n in range((last - first).days + 1):
        yield first + timedelta(days=n)


def daily_sums(stations: Sequence[Station], first: date, last: date, names: set[str]
               ) -> dict[tuple[int, date, str], tuple[int, float]]:
    """(valid hours, their mean) per station, Beijing day and pollutant, summed by the
    database: a 24-hour mean needs no more than that, and a year of hours stays there."""
    from django.db.models import Avg, Count
    from django.db.models.functions import TruncDate

    scales = _scales(stations)
    rows = (_valid_hours(stations, first, last, scales, names)
            .annotate(day=TruncDate("time", tzinfo=BEIJING))
            .values("station_id", "factor_id", "day")
            .annotate(n=Count("id"), mean=Avg("value")).order_by())
    out = {}
    for row in rows:
        name, scale = scales[(row["station_id"], row["factor_id"])]
        out[(row["station_id"], row["day"], name)] = (row["n"], row["mean"] * scale)
    return out


def station_days(stations: Sequence[Station], first: date, last: date
                 ) -> dict[date, list[StationDay]]:
    # O3 needs its hours (8-hour windows); the 24-hour means only a count and a mean.
    grid = hourly_grid(stations, first, last, {"O3"})
    sums = daily_sums(stations, first, last, set(pollutant_codes()) - {"O3"})
    least = airdays.rules()["daily_mean_min_hours"]["value"]  # GB 3095-2012 §7
    empty = [None] * airdays.HOURS
    out: dict[date, list[StationDay]] = {}
    for day in _days(first, last):
        for station in stations:
            means, counts, o3_1h = {}, {}, None
            for name in pollutant_codes():
                if name == "O3":
                    hours = grid.get((station.pk, day, name), empty)
                    counts[name] = sum(v is not None for v in hours)
                    means[name] = airdays.o3_daily_max_8h(hours)
                    valid_hours = [v for v in hours if v is not None]
                    o3_1h = max(valid_hours) if valid_hours else None
                else:
                    n, mean = sums.get((station.pk, day, name), (0, None))
                    counts[name] = n
                    means[name] = (airdays.Mean(mean, n, True) if n >= least
                                   else airdays.Mean(None, n, False))
            out.setdefault(day, []).append(StationDay(station, day, means, counts, o3_1h))
    return out


def zone_days(first: date, last: date, stations: Sequence[Station] | None = None
              ) -> list[ZoneDay]:
    """The zone's days from `first` to `last` (Beijing dates, inclusive)."""
    if last < first:
        raise ValueError("--to is before --from")
    stations = list(air_stations() if stations is None else stations)
    per_day = station_days(stations, first, last)
    out = []
    for day in _days(first, last):
        values: dict[str, list[float]] = defaultdict(list)
        o3_1h: list[float] = []
        for sd in per_day.get(day, []):
            for name, value in sd.concentrations().items():
                values[name].append(value)
            if sd.o3_1h is not None:
                o3_1h.append(sd.o3_1h)
        means = {name: sum(v) / len(v) for name, v in values.items()}
        one_hour = sum(o3_1h) / len(o3_1h) if o3_1h else None
        out.append(ZoneDay(day, means, {n: len(v) for n, v in values.items()},
                           _aqi_of(means, one_hour), per_day.get(day, [])))
    return out


@dataclass(frozen=True)
class Summary:
    good_rate: airdays.GoodRate
    categories: dict[str, int]  # every HJ 633 category, in order, with its count of days
    o3_90th: float | None  # 90th percentile of the daily max 8-h O3 (HJ 663-2013)
    pm25_mean: float | None  # mean of the valid daily PM2.5
    days: int  # days in the period
    valid_days: int

    def as_dict(self) -> dict[str, Any]:
        return {"good_days": self.good_rate.good, "valid_days": self.valid_days,
                "days": self.days, "good_rate_pct": self.good_rate.pct,
                "categories": dict(self.categories),
                "o3_8h_90th": None if self.o3_90th is None else round(self.o3_90th, 1),
                "pm25_mean": None if self.pm25_mean is None else round(self.pm25_mean, 1)}


def summarise(days: Sequence[ZoneDay]) -> Summary:
    """优良率, days per category, O3 8-h 90th percentile and PM2.5 mean of a run of days.
    (A year's figures are official only with enough valid days, GB 3095-2012 §7 Table 4;
    the count of valid days is given beside them.)"""
    rate = airdays.good_rate(d.result.aqi if d.result else None for d in days)
    categories = {c["name"]: 0 for c in aqi.table()["categories"]}
    for d in days:
        if d.result is not None:
            categories[d.result.category] += 1
    o3 = [d.concentrations["O3"] for d in days if "O3" in d.concentrations]
    pm25 = [d.concentrations["PM2.5"] for d in days if "PM2.5" in d.concentrations]
    return Summary(rate, categories, airdays.o3_annual(o3) if o3 else None,
                   sum(pm25) / len(pm25) if pm25 else None, len(days), rate.valid)
