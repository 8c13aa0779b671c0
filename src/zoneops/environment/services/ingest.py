"""Ingest of readings (machines: idempotent, one transaction per batch), hourly means, gateway
counters and rejects."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from zoneops.core.services.audit import record
from zoneops.hj212.codes import pollutant

from .. import alarms, hourly, store
from ..convert import BEIJING, ReadingIn, Upload
from ..models import (
    DeviceStatus,
    Factor,
    GatewayState,
    Reading,
    ReadingDetail,
    RejectCount,
    Station,
    StationFactor,
)

# --- ingest ------------------------------------------------------------------------------------

@dataclass
class IngestResult:
    received: int
    transitions: list[Any] = field(default_factory=list)
    stored: int = 0  # readings stored by this upload (resends and rejected values are not)


_device_codes: set[tuple[int, int, str]] = set()  # (station, factor, 2005 code) recorded
LOGGED_CONFLICTS = 5  # conflicting resends logged one by one per batch; the rest counted
log = logging.getLogger("zoneops.ingest")


def ingest(station_id: int, readings: Sequence[ReadingIn], *, address: str = "",
           now: datetime | None = None) -> IngestResult:
    """Store one upload's readings and evaluate the station's alarm rules (see ingest_batch)."""
    return ingest_batch([Upload(station_id, readings, address)], now=now)[0]


class _ValueCounts(dict):
    """(station, reason) -> [count, last message]: values left out of kept packets."""

    def add(self, station_id: int, reason: str, message: str, count: int = 1) -> None:
        counted = self.setdefault((station_id, reason), [0, ""])
        counted[0] += count
        counted[1] = message


def _accepted(u: Upload, info: Any, counts: _ValueCounts) -> list[ReadingIn]:
    """The readings of an upload whose factor is registered for the station; the others are
    counted by reason (a code the HJ 212 tables do not know, or a factor of no concern to
    this station) and left out. The list itself when every reading is."""
    registered = info.factor_ids if info is not None else {}
    for r in u.readings:
        if r[0] not in registered:  # by index: a NamedTuple's field lookup is a call
            break
    else:
        return u.readings
    kept = []
    for r in u.readings:
        if r.factor in registered:
            kept.append(r)
            continue
        reason = "unknown_factor" if pollutant(r.factor) is None else "unregistered_factor"
        counts.add(u.station_id, reason, f"{r.factor} ({r.kind}, {r.time.isoformat()})")
    return kept


def ingest_batch(uploads: Sequence[Upload], *, now: datetime | None = None
                 ) -> list[IngestResult]:
    """Store many uploads' readings, then evaluate their stations' alarm rules - all in one
    transaction, so a caller that acknowledges after this returns has its data committed,
    and a failure stores nothing of the batch.

    Only factors registered for the station are stored: a reading of an unknown code or of
    a factor the station does not measure is left out and counted by reason (the rest of
    the upload is kept). A value the device sent that was not a number is stored without a
    value, marked Reading.QC_BAD_VALUE and counted. What readings carry besides value and
    flag is stored as ReadingDetail; equipment reports (CN 2021/2041/2081) as DeviceStatus.

    Idempotent: the same station, factor, time and kind is stored once, and the alarm engine
    ignores readings no newer than the last it saw, so a resent upload changes nothing. A
    resend with a different value keeps the first, and is logged and counted ("conflict").
    The station's counters count what was stored. The cost is a fixed handful of statements
    per batch (store.py), which is what lets a gateway commit the uploads of hundreds of
    connections together.
    """
    now = now or timezone.now()
    totals: dict[int, list] = {}  # station -> [packets, readings stored, last address]
    for u in uploads:
        total = totals.setdefault(u.station_id, [0, 0, ""])
        total[0] += 1
        total[2] = u.address or total[2]
    results = []
    counts = _ValueCounts()
    with transaction.atomic():
        versions = store.lock_stations(list(totals))
        infos = alarms.station_rules(totals)
        kept = [_accepted(u, infos.get(u.station_id), counts) for u in uploads]
        rows: list[store.ReadingRow] = [
            (u.station_id, ids[factor], when, kind, value, flag)
            for u, readings in zip(uploads, kept, strict=True)
            for ids in (infos[u.station_id].factor_ids,) if readings
            for factor, when, kind, value, flag in readings]
        states = alarms.STATES.take(versions)
        tiers: list = []
        alerts: list = []
        ahead: list[tuple[int, datetime]] = []  # (station, DataTime) ahead of our clock
        with store.readings_inserted(rows) as inserted:  # evaluated while they are stored
            for u, readings in zip(uploads, kept, strict=True):
                info = infos.get(u.station_id)
                fast: list[datetime] = []
                transitions = (alarms.evaluate(info, states[u.station_id], readings, now,
                                               tiers, alerts, fast)
                               if info is not None else [])
                if fast:
                    ahead.extend((u.station_id, when) for when in fast)
                results.append(IngestResult(len(u.readings), transitions, len(readings)))
        conflicts: set[store.ReadingKey] = set()
        if inserted.new is None:
            for u, readings in zip(uploads, kept, strict=True):
                totals[u.station_id][1] += len(readings)
        else:  # rare: some were stored already (resends; or conflicts)
            conflicts = _resent(rows, inserted.new, totals, results, uploads, counts)
        if ahead:  # rare: flagged after the insert, so the hot path's rows stay as they are
            store.mark_readings(ahead, Reading.QC_CLOCK_AHEAD)
        if any(u.details or u.status for u in uploads):  # rare: more than values and flags
            _store_details(uploads, infos, conflicts, counts, now)
        closed = _hours_closed(uploads, states, now)
        if closed:  # once an hour per station: its real-time readings' 1-hour means
            _store_hourly_means(closed, infos, states, now, tiers, alerts)
        legacy = {(u.station_id, fid, old) for u in uploads if u.raw_codes
                  for new, old in u.raw_codes.items()
                  for fid in (infos[u.station_id].factor_ids.get(new),) if fid} - _device_codes
        for station_id, factor_id, old in legacy:  # rare: 2005 loggers, once per process
            StationFactor.objects.filter(station_id=station_id, factor_id=factor_id).exclude(
                device_code=old).update(device_code=old)
        if counts:
            _count_values(counts, now)
        alarms.emit_alerts(alerts)
        alarms.record_tiers(tiers)
        store.write_stations(
            [store.StationWrite(sid, t[0], t[1], t[2], alarms.dump(states[sid]))
             for sid, t in totals.items()], now)
        alarms.STATES.put_after_commit(states, {sid: v + 1 for sid, v in versions.items()})
        if legacy:
            transaction.on_commit(lambda: _device_codes.update(legacy))
    return results


def _resent(rows: list[store.ReadingRow], new: dict[int, int], totals: dict[int, list],
            results: list[IngestResult], uploads: Sequence[Upload], counts: _ValueCounts
            ) -> set[store.ReadingKey]:
    """After an insert that skipped rows already stored: count what was stored per station,
    and find the resends whose value differs from the stored one (logged and counted as
    "conflict"). Returns their keys."""
    for station_id, n in new.items():
        totals[station_id][1] += n
    short = {sid for sid, n in new.items()
             if n < sum(1 for row in rows if row[0] == sid)}
    mine = [row for row in rows if row[0] in short]
    stored = store.stored_values([row[:4] for row in mine])
    conflicts: set[store.ReadingKey] = set()
    logged = 0
    codes: dict[int, str] = {}
    for row in mine:
        key = row[:4]
        if key not in stored or stored[key] == row[4]:
            continue
        conflicts.add(key)
        if not codes:
            codes = dict(Factor.objects.filter(pk__in={r[1] for r in mine})
                         .values_list("pk", "code"))
        code = codes.get(row[1], "?")
        message = (f"{code} {row[3]} {row[2].astimezone(BEIJING):%Y-%m-%d %H:%M:%S}: stored "
                   f"{stored[key]}, resent {row[4]}")
        counts.add(row[0], "conflict", message)
        if logged < LOGGED_CONFLICTS:
            logged += 1
            log.warning("station %s: a resend conflicts with the stored reading, kept the "
                        "first: %s", row[0], message)
    if len(conflicts) > logged:
        log.warning("%s further conflicting resends not logged one by one",
                    len(conflicts) - logged)
    # The results say what each upload stored: an upload of a short station lost its share.
    per_upload = [u.station_id in short for u in uploads]
    if any(per_upload):
        left = dict(new)
        for u, result, was_short in zip(uploads, results, per_upload, strict=True):
            if was_short:
                result.stored = min(result.stored, left.get(u.station_id, 0))
                left[u.station_id] = left.get(u.station_id, 0) - result.stored
    return conflicts


def _store_details(uploads: Sequence[Upload], infos: dict, conflicts: set,
                   counts: _ValueCounts, now: datetime) -> None:
    """The readings' details (ReadingDetail), bad values marked and counted, and equipment
    reports (DeviceStatus). A detail of a conflicting resend is not kept: the stored reading
    is the first one's."""
    details: list[ReadingDetail] = []
    bad: list[store.ReadingKey] = []
    statuses: list[DeviceStatus] = []
    for u in uploads:
        if u.status is not None:
            statuses.append(DeviceStatus(station_id=u.station_id, cn=u.status.cn,
                                         time=u.status.time or now, values=u.status.values,
                                         received_at=now))
        info = infos.get(u.station_id)
        for d in u.details or ():
            fid = info.factor_ids.get(d.factor) if info is not None else None
            if fid is None or (u.station_id, fid, d.time, d.kind) in conflicts:
                continue
            details.append(ReadingDetail(
                station_id=u.station_id, factor_id=fid, time=d.time, kind=d.kind, zs=d.zs,
                min=d.min, max=d.max, cou=d.cou, eflag=d.eflag, sample_time=d.sample_time,
                problem=d.problem))
            if d.problem:
                bad.append((u.station_id, fid, d.time, d.kind))
                counts.add(u.station_id, "bad_value", d.problem)
    if details:
        ReadingDetail.objects.bulk_create(details, ignore_conflicts=True)
    if bad:
        store.mark_values(bad, Reading.QC_BAD_VALUE)
    if statuses:
        DeviceStatus.objects.bulk_create(statuses, ignore_conflicts=True)


def _count_values(counts: _ValueCounts, now: datetime) -> None:
    """Add to the stations' counters of values left out or in conflict (RejectCount under
    VALUE_REASONS; the packets were kept, so no reject streak)."""
    for (station_id, code), (count, message) in sorted(counts.items()):
        changes = {"count": F("count") + count, "last_at": now, "last_message": message[:300]}
        if not RejectCount.objects.filter(station_id=station_id, code=code).update(**changes):
            RejectCount.objects.bulk_create([RejectCount(station_id=station_id, code=code)],
                                            ignore_conflicts=True)
            RejectCount.objects.filter(station_id=station_id, code=code).update(**changes)


_OPEN_HOUR = "~hour"  # station state key: the hour its real-time readings are in


def _hours_closed(uploads: Sequence[Upload], states: dict, now: datetime
                  ) -> list[tuple[int, datetime]]:
    """Stations whose real-time readings moved into a later hour: (station, the hour they
    left). One look at each upload's first reading (an upload is one CN and one time)."""
    closed = []
    for u in uploads:
        if not u.readings or u.readings[0][2] != "rtd":
            continue
        when = min(u.readings[0][1], now)
        hour = when.timestamp() // 3600 * 3600
        mine = states[u.station_id]
        open_hour = mine.get(_OPEN_HOUR)
        if open_hour is None:
            mine[_OPEN_HOUR] = alarms.engine.State(last_t=hour)
        elif hour > (open_hour.last_t or 0):
            closed.append((u.station_id, datetime.fromtimestamp(open_hour.last_t or 0, UTC)))
            mine[_OPEN_HOUR] = alarms.engine.State(last_t=hour)
    return closed


def _store_hourly_means(closed: list[tuple[int, datetime]], infos: dict, states: dict,
                        now: datetime, tiers: list, alerts: list) -> None:
    """Compute, store (marked Reading.QC_COMPUTED) and judge the 1-hour means of the hours
    the stations' real-time data left. A factor whose logger sent its own hourly value for
    that hour keeps it. Two queries per hour closed, aggregated by the database: at an
    hour's turn every station of a park closes its hour at once, and reading each one's
    hour of rows back was a second's delay for the batches then."""
    from datetime import timedelta

    from django.db.models import Avg, Count, Max, Min, Q

    by_hour: dict[datetime, list[int]] = {}  # a park's stations close the same hour
    for station_id, start in closed:
        by_hour.setdefault(start, []).append(station_id)
    codes = dict(Factor.objects.values_list("id", "code"))
    valid = Q(flag__in=("N", "T", "n", "t"), value__isnull=False)
    rows: list[store.ReadingRow] = []
    means: dict[tuple[int, datetime], list[ReadingIn]] = {}
    for start, station_ids in sorted(by_hour.items()):
        sent = set(Reading.objects.filter(station_id__in=station_ids, kind="hour", time=start)
                   .values_list("station_id", "factor_id"))
        summary = (Reading.objects.filter(station_id__in=station_ids, kind="rtd",
                                          time__gte=start,
                                          time__lt=start + timedelta(hours=1))
                   .values("station_id", "factor_id")
                   .annotate(n=Count("id"), n_valid=Count("id", filter=valid),
                             mean=Avg("value", filter=valid), first=Min("time"),
                             last=Max("time")).order_by("station_id", "factor_id"))
        for row in summary:
            sid, fid = row["station_id"], row["factor_id"]
            if (sid, fid) in sent:
                continue
            mean = hourly.hourly_mean(row["n"], row["n_valid"], row["mean"],
                                      (row["last"] - row["first"]).total_seconds())
            if mean is not None:
                rows.append((sid, fid, start, "hour", mean, "N"))
                means.setdefault((sid, start), []).append(
                    ReadingIn(codes[fid], start, "hour", mean, "N"))
    if rows:
        store.insert_readings(rows)
        store.mark_readings(list(means), Reading.QC_COMPUTED, kind="hour")
    for (sid, _start), readings in means.items():
        info = infos.get(sid)
        if info is not None:
            alarms.evaluate(info, states[sid], readings, now, tiers, alerts,
                            station_wide=False)


def record_reject(station_id: int, code: str, message: str = "",
                  now: datetime | None = None, count: int = 1) -> int:
    """Count ``count`` rejected packets of a known station by reason; returns the rejects in
    a row (which the ``rejects`` alarm rules judge)."""
    now = now or timezone.now()
    with transaction.atomic():
        versions = store.lock_stations([station_id])
        GatewayState.objects.filter(station_id=station_id).update(
            rejects=F("rejects") + count, reject_streak=F("reject_streak") + count)
        streak = GatewayState.objects.values_list("reject_streak", flat=True).get(
            station_id=station_id)
        changes = {"count": F("count") + count, "last_at": now, "last_message": message[:300]}
        if not RejectCount.objects.filter(station_id=station_id, code=code).update(**changes):
            RejectCount.objects.bulk_create([RejectCount(station_id=station_id, code=code)],
                                            ignore_conflicts=True)
            RejectCount.objects.filter(station_id=station_id, code=code).update(**changes)
        alarms.evaluate_rejects(station_id, streak, now, versions)
    return streak


def check_silence(now: datetime | None = None) -> int:
    """Evaluate every station's no-data rules; returns how many alarms changed."""
    return alarms.check_silence(now or timezone.now())


def record_gateway_throttle(station_id: int, *, key: str, address: str, failures: int,
                            window: float) -> None:
    """Audit that the gateway started slowing down password attempts for a station's MN
    (``key``: "mn_address", "address" or "mn", the limit reached; see gateway_guard)."""
    from ..audit import EnvironmentAction

    station = Station.objects.filter(pk=station_id).first()
    if station is not None:
        record("gateway", EnvironmentAction.GATEWAY_THROTTLED, station, None,
               {"limit": key, "address": address, "failures": failures,
                "window_seconds": window})


