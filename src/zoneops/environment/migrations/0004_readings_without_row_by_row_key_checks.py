"""Readings lose their foreign-key constraints and single-column key indexes (see
models.Reading for why). On PostgreSQL, triggers take over the one thing the constraints did
that ingest does not: refusing to delete a station or factor that still has readings, even by
raw SQL. On SQLite the ORM's PROTECT does that alone: Django flushes an SQLite test database
with DELETEs in no fixed order, which such a trigger would refuse."""

import django.db.models.deletion
from django.db import migrations, models

_GUARDED = ("environment_station", "environment_factor")

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION environment_refuse_delete_with_readings() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    used boolean;
BEGIN
    -- Two statements, not one with OR: each is planned on its own index.
    IF TG_TABLE_NAME = 'environment_station' THEN
        used := EXISTS (SELECT 1 FROM environment_reading WHERE station_id = OLD.id);
    ELSE
        used := EXISTS (SELECT 1 FROM environment_reading WHERE factor_id = OLD.id);
    END IF;
    IF used THEN
        RAISE EXCEPTION '% % still has readings', TG_TABLE_NAME, OLD.id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN OLD;
END $$;
"""


def add_guards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(_PG_FUNCTION, None)  # no parameters: the % in RAISE stays as is
    for table in _GUARDED:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_keeps_readings BEFORE DELETE ON {table} FOR EACH ROW "
            "EXECUTE FUNCTION environment_refuse_delete_with_readings()")


def drop_guards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in _GUARDED:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_keeps_readings ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS environment_refuse_delete_with_readings()")


class Migration(migrations.Migration):

    dependencies = [
        ('environment', '0003_alarm_state_per_station'),
    ]

    operations = [
        migrations.AlterField(
            model_name='reading',
            name='factor',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='environment.factor'),
        ),
        migrations.AlterField(
            model_name='reading',
            name='station',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='environment.station'),
        ),
        migrations.RunPython(add_guards, drop_guards),
    ]
