"""The SQL that makes the ledger's movements append-only, per database (used by migration
0002 and by the rights tests' flush), on the pattern of core's audit trail."""

SQLITE_UP = [
    """CREATE TRIGGER rights_movement_no_update BEFORE UPDATE ON rights_movement
       BEGIN SELECT RAISE(ABORT, 'ledger movements cannot be changed'); END;""",
    """CREATE TRIGGER rights_movement_no_delete BEFORE DELETE ON rights_movement
       BEGIN SELECT RAISE(ABORT, 'ledger movements cannot be deleted'); END;""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS rights_movement_no_update;",
               "DROP TRIGGER IF EXISTS rights_movement_no_delete;"]

POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION rights_movement_refuse() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'ledger movements cannot be changed or deleted'; END;
       $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER rights_movement_append_only BEFORE UPDATE OR DELETE ON rights_movement
       FOR EACH ROW EXECUTE FUNCTION rights_movement_refuse();""",
]
POSTGRES_DOWN = ["DROP TRIGGER IF EXISTS rights_movement_append_only ON rights_movement;",
                 "DROP FUNCTION IF EXISTS rights_movement_refuse();"]
