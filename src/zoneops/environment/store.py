"""The few statements on the ingest hot path, written by hand.

A batch of uploads costs a fixed handful of statements whatever its size: lock the stations'
gateway rows, insert every reading, write back every station's counters and alarm-engine
state. Through the ORM the same work was one round trip (and much Python) per row; here
PostgreSQL gets COPY or arrays (``unnest``) and SQLite, which runs in-process,
``executemany``.
Nothing here decides anything: services.ingest_batch does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, transaction

from .models import GatewayState

_GS = GatewayState._meta.db_table
SQLITE_ROWS = 500  # rows per INSERT on SQLite (3000 parameters, under its limit of 32766)
COPY_FROM_ROWS = 500  # smaller batches: the savepoint round trips cost more than COPY saves


# (station id, factor id, time (aware UTC), kind, value, flag): a plain tuple, since a batch
# holds thousands and building an object per row was a tenth of the gateway's Python time.
ReadingRow = tuple[int, int, datetime, str, float | None, str]
_READING_COLUMNS = "(station_id, factor_id, time, kind, value, flag)"


@dataclass(frozen=True, slots=True)
class StationWrite:
    station_id: int
    packets: int
    readings: int
    address: str  # "" keeps the last one
    alarm_state: dict[str, Any]


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _pg_cursor() -> Any:
    """A server-side-binding cursor on Django's connection (same transaction). Django's own
    psycopg cursors bind on the client, quoting every array element through regular
    expressions: most of the batch's time went there."""
    import psycopg

    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)


def _json() -> str:
    return "%s::jsonb" if _postgres() else "%s"


def lock_stations(station_ids: Sequence[int]) -> dict[int, int]:
    """Lock the stations' gateway rows (in id order, so two gateways never deadlock) and
    return their versions; rows that do not exist yet are created first."""
    ids = sorted(set(station_ids))
    if not ids:
        return {}
    found = _locked_versions(ids)
    if len(found) < len(ids):
        GatewayState.objects.bulk_create(
            [GatewayState(station_id=i) for i in ids if i not in found], ignore_conflicts=True)
        found = _locked_versions(ids)
    return found


def _locked_versions(ids: list[int]) -> dict[int, int]:
    if _postgres():
        with _pg_cursor() as cur:
            cur.execute(f"SELECT station_id, version FROM {_GS} "  # noqa: S608 - table name from the model
                        "WHERE station_id = ANY(%b::bigint[]) ORDER BY station_id FOR UPDATE",
                        [ids])
            return dict(cur.fetchall())
    with connection.cursor() as cur:  # SQLite: the IMMEDIATE transaction holds the only lock
        marks = ",".join("%s" for _ in ids)
        cur.execute(f"SELECT station_id, version FROM {_GS} "  # noqa: S608
                    f"WHERE station_id IN ({marks})", ids)
        return dict(cur.fetchall())


def load_alarm_states(station_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The saved alarm-engine state of each station (rule id:factor → state dict)."""
    ids = sorted(set(station_ids))
    if not ids:
        return {}
    marks = ",".join("%s" for _ in ids)
    with connection.cursor() as cur:
        cur.execute(f"SELECT station_id, alarm_state FROM {_GS} "  # noqa: S608
                    f"WHERE station_id IN ({marks})", ids)
        rows = cur.fetchall()
    return {sid: (json.loads(blob) if isinstance(blob, str | bytes) else blob) or {}
            for sid, blob in rows}


class Inserted:
    """What ``readings_inserted`` stored: ``new`` is None when every row was new, else the
    new rows per station (the others were stored already: resends, or conflicts)."""

    __slots__ = ("new",)

    def __init__(self) -> None:
        self.new: dict[int, int] | None = None


@contextmanager
def readings_inserted(rows: Sequence[ReadingRow]) -> Iterator[Inserted]:
    """Insert readings around the with-block; one already stored (same station, factor,
    time, kind) is skipped, and the yielded Inserted says how many were new after the
    block. The block must not use the database: on PostgreSQL it runs while the server
    stores a large batch.

    There a large batch is COPYed, which costs the server about half of an
    ``INSERT ... ON CONFLICT`` per row, inside a savepoint; only a batch holding a resent
    reading (after a logger reconnects) fails that and then takes the INSERT that skips it. A
    small batch goes straight to that INSERT: one round trip instead of the savepoint's
    three. The block runs between sending the rows and ending the COPY, so the batch's
    Python work (alarm evaluation) overlaps the server's."""
    from .models import Reading

    table = Reading._meta.db_table
    result = Inserted()
    if not rows or not _postgres() or len(rows) < COPY_FROM_ROWS:
        if rows:
            result.new = _insert_rows(table, rows)
        yield result
        return
    import psycopg

    body_done = False
    try:
        with transaction.atomic(), _pg_cursor() as cur, cur.copy(  # atomic: the savepoint
                f"COPY {table} {_READING_COLUMNS} FROM STDIN") as copy:
            copy.write(copy_text(rows))
            yield result
            body_done = True
    except psycopg.errors.UniqueViolation:
        if not body_done:
            raise
        result.new = _insert_readings_skipping_stored(table, rows)


def _insert_rows(table: str, rows: Sequence[ReadingRow]) -> dict[int, int] | None:
    """Insert, skipping rows already stored; None if every row was new, else the new rows
    per station."""
    if _postgres():
        return _insert_readings_skipping_stored(table, rows)
    adapt = connection.ops.adapt_datetimefield_value
    new: dict[int, int] = {}
    with connection.cursor() as cur:  # RETURNING (SQLite 3.35+) names the rows stored
        for at in range(0, len(rows), SQLITE_ROWS):
            chunk = rows[at:at + SQLITE_ROWS]
            marks = ",".join(["(%s, %s, %s, %s, %s, %s)"] * len(chunk))
            cur.execute(f"INSERT OR IGNORE INTO {table} {_READING_COLUMNS} "  # noqa: S608
                        f"VALUES {marks} RETURNING station_id",
                        [x for station, factor, when, kind, value, flag in chunk
                         for x in (station, factor, adapt(when), kind, value, flag)])
            for (station,) in cur.fetchall():
                new[station] = new.get(station, 0) + 1
    if sum(new.values()) == len(rows):
        return None
    return {station: new.get(station, 0) for station, *_rest in rows}


_NULL = "\\N"
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(rows: Sequence[ReadingRow]) -> str:
    """The rows in COPY's text format, formatted here in one pass: psycopg's per-row
    ``write_row`` adapts value by value and was most of COPY's cost on our side. Floats are
    written by ``repr`` (exact round trip); flags (from the device) are escaped. An upload's
    readings share one datetime object, whose ``isoformat`` (slow for an aware datetime) is
    taken once."""
    out: list[str] = []
    append = out.append
    last_when = when_text = None
    for station, factor, when, kind, value, flag in rows:
        if when is not last_when:
            last_when, when_text = when, when.isoformat()
        append(f"{station}\t{factor}\t{when_text}\t{kind}\t"
               f"{_NULL if value is None else repr(value)}\t"
               f"{flag if flag.isalnum() else flag.translate(_COPY_ESCAPES)}\n")
    return "".join(out)


def _insert_readings_skipping_stored(table: str, rows: Sequence[ReadingRow]
                                     ) -> dict[int, int] | None:
    station, factor, when, kind, value, flag = (list(column) for column in zip(*rows,
                                                                               strict=True))
    with _pg_cursor() as cur:
        cur.execute(
            f"WITH new AS (INSERT INTO {table} {_READING_COLUMNS} "  # noqa: S608
            "SELECT * FROM unnest(%b::bigint[], %b::bigint[], %b::timestamptz[], "
            "%b::varchar[], %b::float8[], %b::varchar[]) "
            "ON CONFLICT (station_id, factor_id, time, kind) DO NOTHING "
            "RETURNING station_id) SELECT station_id, count(*) FROM new GROUP BY station_id",
            [station, factor, when, kind, value, flag])
        new = dict(cur.fetchall())
    if sum(new.values()) == len(rows):
        return None
    return {s: new.get(s, 0) for s in set(station)}


ReadingKey = tuple[int, int, datetime, str]  # station, factor, time, kind


def stored_values(keys: Sequence[ReadingKey]) -> dict[ReadingKey, float | None]:
    """The values stored under these keys (the ones stored)."""
    from .models import Reading

    table = Reading._meta.db_table
    if not keys:
        return {}
    if _postgres():
        station, factor, when, kind = (list(c) for c in zip(*keys, strict=True))
        with _pg_cursor() as cur:
            cur.execute(
                f"SELECT r.station_id, r.factor_id, r.time, r.kind, r.value "  # noqa: S608
                f"FROM {table} r JOIN unnest(%b::bigint[], %b::bigint[], "
                "%b::timestamptz[], %b::varchar[]) AS k(s, f, t, kd) ON r.station_id = k.s "
                "AND r.factor_id = k.f AND r.time = k.t AND r.kind = k.kd",
                [station, factor, when, kind])
            return {(s, f, t, k): v for s, f, t, k, v in cur.fetchall()}
    out: dict[ReadingKey, float | None] = {}
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cur:
        for key in set(keys):
            s, f, t, k = key
            cur.execute(f"SELECT value FROM {table} WHERE station_id = %s "  # noqa: S608
                        "AND factor_id = %s AND time = %s AND kind = %s",
                        [s, f, adapt(t), k])
            row = cur.fetchone()
            if row is not None:
                out[key] = row[0]
    return out


def mark_values(keys: Sequence[ReadingKey], bit: int) -> None:
    """Set a platform quality bit (Reading.QC_*) on these readings (factor by factor)."""
    from .models import Reading

    table = Reading._meta.db_table
    adapt = (lambda when: when) if _postgres() else connection.ops.adapt_datetimefield_value
    with connection.cursor() as cur:
        cur.executemany(f"UPDATE {table} SET qc = qc | %s WHERE station_id = %s "  # noqa: S608
                        "AND factor_id = %s AND time = %s AND kind = %s",
                        [(bit, s, f, adapt(t), k) for s, f, t, k in set(keys)])


def mark_readings(readings: Sequence[tuple[int, datetime]], bit: int, kind: str = ""
                  ) -> None:
    """Set a platform quality bit (Reading.QC_*) on every reading of these stations at these
    times (all factors; all kinds, or only ``kind``)."""
    from .models import Reading

    table = Reading._meta.db_table
    adapt = (lambda when: when) if _postgres() else connection.ops.adapt_datetimefield_value
    only = " AND kind = %s" if kind else ""
    with connection.cursor() as cur:
        cur.executemany(f"UPDATE {table} SET qc = qc | %s "  # noqa: S608 - model's table
                        f"WHERE station_id = %s AND time = %s{only}",
                        [(bit, sid, adapt(when), *([kind] if kind else []))
                         for sid, when in sorted(set(readings))])


def insert_readings(rows: Sequence[ReadingRow]) -> None:
    """Insert readings, skipping any already stored (off the hot path: computed means)."""
    from .models import Reading

    _insert_rows(Reading._meta.db_table, rows)


def write_stations(writes: Sequence[StationWrite], now: datetime) -> None:
    """Add to each station's counters, mark it seen now (ending its reject streak), store its
    alarm-engine state and bump its version (which tells other gateways their copy is old)."""
    if not writes:
        return
    blobs = [json.dumps(w.alarm_state, separators=(",", ":")) for w in writes]
    if _postgres():
        with _pg_cursor() as cur:
            cur.execute(
                f"UPDATE {_GS} AS g SET packets = g.packets + v.packets, "  # noqa: S608
                "readings = g.readings + v.readings, last_seen = %s, reject_streak = 0, "
                "last_address = CASE WHEN v.address = '' THEN g.last_address "
                "ELSE v.address END, alarm_state = v.state, version = g.version + 1 "
                "FROM unnest(%b::bigint[], %b::bigint[], %b::bigint[], %b::varchar[], "
                "%b::text[]::jsonb[]) AS v(station_id, packets, readings, address, state) "
                "WHERE g.station_id = v.station_id",
                [now, [w.station_id for w in writes], [w.packets for w in writes],
                 [w.readings for w in writes], [w.address[:64] for w in writes], blobs])
        return
    with connection.cursor() as cur:
        seen = connection.ops.adapt_datetimefield_value(now)
        cur.executemany(
            f"UPDATE {_GS} SET packets = packets + %s, readings = readings + %s, "  # noqa: S608
            "last_seen = %s, reject_streak = 0, "
            "last_address = CASE WHEN %s = '' THEN last_address ELSE %s END, "
            "alarm_state = %s, version = version + 1 WHERE station_id = %s",
            [(w.packets, w.readings, seen, w.address[:64], w.address[:64], blob,
              w.station_id) for w, blob in zip(writes, blobs, strict=True)])


def write_alarm_state(station_id: int, alarm_state: dict[str, Any]) -> None:
    """Store one station's alarm-engine state alone (rejects, no-data checks)."""
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {_GS} SET alarm_state = {_json()}, version = version + 1 "  # noqa: S608
                    "WHERE station_id = %s",
                    [json.dumps(alarm_state, separators=(",", ":")), station_id])
