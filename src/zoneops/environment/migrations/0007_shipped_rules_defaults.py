"""Bring a running deployment's shipped alarm rules to the current data file: add rules it
does not have (the logger-clock rule), and give the shipped level rules their hysteresis,
persistence and clear delay - but only where the deployment has not changed the limits (the
tiers' ``on`` values still equal the file's): an edited rule is the deployment's to keep."""

import json
from pathlib import Path

from django.db import migrations

RULES = Path(__file__).resolve().parent.parent / "data" / "alarm_rules.json"


def forward(apps, schema_editor):
    Factor = apps.get_model("environment", "Factor")
    AlarmRule = apps.get_model("environment", "AlarmRule")
    for item in json.loads(RULES.read_text(encoding="utf-8"))["rules"]:
        existing = AlarmRule.objects.filter(code=item["code"]).first()
        fields = {"tiers": item["tiers"],
                  "duration_readings": item.get("duration_readings") or 1,
                  "duration_seconds": item.get("duration_seconds") or 0,
                  "clear_seconds": item.get("clear_seconds") or 0}
        if existing is None:
            factor = Factor.objects.get(code=item["factor"]) if item.get("factor") else None
            AlarmRule.objects.create(
                code=item["code"], name=item["name"], kind=item["kind"], factor=factor,
                reading_kind=item.get("reading_kind") or "rtd",
                scope=item.get("scope", "all"), scope_kind=item.get("scope_kind") or "",
                source=item.get("source") or "", **fields)
        elif ([float(t["on"]) for t in existing.tiers] == [float(t["on"]) for t in item["tiers"]]
              and existing.kind == "level"):
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.save(update_fields=list(fields))


class Migration(migrations.Migration):
    dependencies = [("environment", "0006_clock_sanity_and_clear_delay")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
