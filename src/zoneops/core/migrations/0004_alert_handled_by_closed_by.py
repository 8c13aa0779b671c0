import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_alert_policy_defaults"),
    ]

    operations = [
        migrations.AddField(
            model_name="alert",
            name="handled_by",
            field=models.ForeignKey(blank=True, null=True,
                                    on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to=settings.AUTH_USER_MODEL,
                                    verbose_name="handled by"),
        ),
        migrations.AddField(
            model_name="alert",
            name="closed_by",
            field=models.ForeignKey(blank=True, null=True,
                                    on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to=settings.AUTH_USER_MODEL,
                                    verbose_name="closed by"),
        ),
    ]
