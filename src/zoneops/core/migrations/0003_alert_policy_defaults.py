import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "alert_policy.json"


def load(apps, schema_editor):
    AlertPolicy = apps.get_model("core", "AlertPolicy")
    for row in json.loads(DATA.read_text(encoding="utf-8"))["levels"]:
        AlertPolicy.objects.get_or_create(level=row["level"], defaults={
            "acknowledge_minutes": row["acknowledge_minutes"],
            "resolve_minutes": row["resolve_minutes"]})


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
