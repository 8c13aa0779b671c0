"""TRUNCATE of the audit trail is refused on PostgreSQL (issue 17, item 5). SQLite has no
TRUNCATE statement: its nearest, DELETE without WHERE, is refused by the row trigger that
tests/core/test_audit.py exercises."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from zoneops.core.models import AuditEntry


def test_truncate_is_refused_and_nothing_is_lost(world):
    before = AuditEntry.objects.count()
    assert before > 0
    statement = ("TRUNCATE core_auditentry" if connection.vendor == "postgresql"
                 else "DELETE FROM core_auditentry")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_test_suite_can_still_empty_the_database_between_tests(world):
    """pytest-django's flush after this test lifts the trigger for itself and puts it back."""
    assert AuditEntry.objects.exists()


def test_the_trigger_is_back_after_a_flush(world):
    if connection.vendor != "postgresql":
        return  # SQLite: see the module docstring
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname = %s",
                       ["core_auditentry_no_truncate"])
        assert cursor.fetchone()[0] == 1
