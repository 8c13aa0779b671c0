"""The SQL that makes the audit trail append-only, per database (used by migration 0002 and
by the test suite's flush)."""

SQLITE_UP = [
    """CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit entries cannot be changed'); END;""",
    """CREATE TRIGGER core_auditentry_no_delete BEFORE DELETE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit entries cannot be deleted'); END;""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS core_auditentry_no_update;",
               "DROP TRIGGER IF EXISTS core_auditentry_no_delete;"]

POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION core_auditentry_refuse() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit entries cannot be changed or deleted'; END;
       $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER core_auditentry_append_only BEFORE UPDATE OR DELETE ON core_auditentry
       FOR EACH ROW EXECUTE FUNCTION core_auditentry_refuse();""",
]
POSTGRES_DOWN = ["DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;",
                 "DROP FUNCTION IF EXISTS core_auditentry_refuse();"]

# TRUNCATE bypasses row triggers (issue 17): a statement trigger refuses it. SQLite has no
# TRUNCATE (its "DELETE FROM" without WHERE fires the row trigger above), so nothing to add.
POSTGRES_NO_TRUNCATE_UP = [
    """CREATE TRIGGER core_auditentry_no_truncate BEFORE TRUNCATE ON core_auditentry
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditentry_refuse();""",
]
POSTGRES_NO_TRUNCATE_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry;"]
