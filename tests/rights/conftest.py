"""The ledger's append-only triggers, like the audit trail's, would refuse the SQLite flush
after a `transaction=True` test: lift them for the flush of the test database only."""

from __future__ import annotations

import datetime as dt

import pytest

START = dt.date(2026, 1, 1)


@pytest.fixture(autouse=True, scope="session")
def _flush_around_movement_triggers() -> None:
    from django.db import connection

    from zoneops.rights.migrations import _movement_sql

    if connection.vendor != "sqlite":
        return  # PostgreSQL's flush is TRUNCATE, which row triggers do not see
    operations = type(connection.ops)
    original = operations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(self, style, tables, reset_sequences=reset_sequences,
                              allow_cascade=allow_cascade)
        if "rights_movement" not in tables:
            return statements
        return [*_movement_sql.SQLITE_DOWN, *statements, *_movement_sql.SQLITE_UP]

    operations.sql_flush = sql_flush
