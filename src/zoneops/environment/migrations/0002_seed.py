"""Seed the factors from the HJ 212 code tables and the default alarm rules (data files)."""

import json
from pathlib import Path

from django.db import migrations

from zoneops.hj212.codes import POLLUTANTS

RULES = Path(__file__).resolve().parent.parent / "data" / "alarm_rules.json"


def seed(apps, schema_editor):
    Factor = apps.get_model("environment", "Factor")
    AlarmRule = apps.get_model("environment", "AlarmRule")
    for p in POLLUTANTS.values():
        Factor.objects.update_or_create(
            code=p.code, defaults={"name_en": p.en, "name_zh": p.zh, "unit": p.unit,
                                   "from_code_table": True})
    # Migrations use historical models, so this mirrors services.load_rules for the
    # shipped file only (later edits go through the service and are audited).
    for item in json.loads(RULES.read_text(encoding="utf-8"))["rules"]:
        factor = Factor.objects.get(code=item["factor"]) if item.get("factor") else None
        AlarmRule.objects.update_or_create(code=item["code"], defaults={
            "name": item["name"], "kind": item["kind"], "factor": factor,
            "reading_kind": item.get("reading_kind") or "rtd", "scope": item.get("scope", "all"),
            "scope_kind": item.get("scope_kind") or "", "tiers": item["tiers"],
            "duration_readings": item.get("duration_readings") or 1,
            "duration_seconds": item.get("duration_seconds") or 0,
            "source": item.get("source") or ""})


class Migration(migrations.Migration):
    dependencies = [("environment", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
