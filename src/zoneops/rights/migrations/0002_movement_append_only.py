"""Make the ledger append-only in the database itself: a balance is the sum of its movements,
so rewriting one would rewrite history."""

from django.db import migrations

from ._movement_sql import POSTGRES_DOWN, POSTGRES_UP, SQLITE_DOWN, SQLITE_UP


def forwards(apps, schema_editor):
    statements = POSTGRES_UP if schema_editor.connection.vendor == "postgresql" else SQLITE_UP
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = POSTGRES_DOWN if schema_editor.connection.vendor == "postgresql" else SQLITE_DOWN
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("rights", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
