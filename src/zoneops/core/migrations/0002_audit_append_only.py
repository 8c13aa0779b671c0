"""Make the audit trail append-only in the database itself, so that not even a raw SQL
session of the application's own user can rewrite history."""

from django.db import migrations

from ._audit_sql import POSTGRES_DOWN, POSTGRES_UP, SQLITE_DOWN, SQLITE_UP

def forwards(apps, schema_editor):
    statements = POSTGRES_UP if schema_editor.connection.vendor == "postgresql" else SQLITE_UP
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = POSTGRES_DOWN if schema_editor.connection.vendor == "postgresql" else SQLITE_DOWN
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
