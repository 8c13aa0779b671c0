"""The alarm engine's running state moves from one row per station × rule × factor to one
JSON document per station on GatewayState (written once per ingest batch); AlarmState keeps
the current tier for the map."""

from django.db import migrations, models


def move_states(apps, schema_editor):
    alarm_state = apps.get_model("environment", "AlarmState")
    gateway_state = apps.get_model("environment", "GatewayState")
    by_station: dict[int, dict] = {}
    for row in alarm_state.objects.all().iterator():
        if row.state:
            by_station.setdefault(row.station_id, {})[f"{row.rule_id}:{row.factor_code}"] = \
                row.state
    for station_id, states in by_station.items():
        gateway_state.objects.get_or_create(station_id=station_id)
        gateway_state.objects.filter(station_id=station_id).update(alarm_state=states)


class Migration(migrations.Migration):

    dependencies = [
        ('environment', '0002_seed'),
    ]

    operations = [
        migrations.AddField(
            model_name='gatewaystate',
            name='alarm_state',
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name='gatewaystate',
            name='version',
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.RunPython(move_states, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='alarmstate',
            name='state',
        ),
    ]
