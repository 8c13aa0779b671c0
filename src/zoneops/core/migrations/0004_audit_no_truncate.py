"""Refuse TRUNCATE of the audit trail on PostgreSQL (row triggers do not see it)."""

from django.db import migrations

from ._audit_sql import POSTGRES_NO_TRUNCATE_DOWN, POSTGRES_NO_TRUNCATE_UP


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_NO_TRUNCATE_UP:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_NO_TRUNCATE_DOWN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_alert_policy_defaults")]
    operations = [migrations.RunPython(forwards, backwards)]
