"""Transactional tests (threads, subprocesses) must work on both databases even though the
audit trail refuses DELETE: the suite's flush lifts the triggers on the test database only.

Every transactional test in this suite uses serialized_rollback=True: a flush without it
re-creates content types and drops the rows migrations seed (alert policies, factors), which
breaks the transactional tests that come after it."""

import threading

import pytest
from django.db import DatabaseError, connection, transaction

from zoneops.core.models import AuditEntry, Role
from zoneops.core.services.people import create_user


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_writes_from_other_threads_are_audited_and_the_trail_stays_append_only():
    errors = []

    def create(n):
        try:
            create_user(None, {"username": f"t{n}", "role": Role.LEADER}, password="Long-enough-9!")
        except Exception as exc:  # surfaced below; a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connection.close()

    # One after another: SQLite's shared in-memory test database has no busy timeout.
    for n in range(3):
        thread = threading.Thread(target=create, args=(n,))
        thread.start()
        thread.join()
    assert errors == []
    assert AuditEntry.objects.filter(action="create").count() == 3
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_next_transactional_test_starts_clean():
    """Nothing is left from the last test, and what migrations seed is back."""
    from zoneops.core.models import AlertPolicy, User

    assert not User.objects.exists()
    assert AlertPolicy.objects.count() == 4
