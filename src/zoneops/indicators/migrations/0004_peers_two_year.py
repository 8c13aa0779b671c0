import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("indicators", "0003_submission"),
    ]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="uses_two_year_average",
            field=models.BooleanField(default=False, help_text="Where the bureau compares with two years ago (e.g. after a year with an unusual base).", verbose_name="uses the two-year average growth"),
        ),
        migrations.CreateModel(
            name="PeerValue",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("peer", models.CharField(max_length=100, verbose_name="peer zone")),
                ("year", models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2100)], verbose_name="year")),
                ("month", models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(12)], verbose_name="month")),
                ("level", models.DecimalField(blank=True, decimal_places=4, max_digits=18, null=True, verbose_name="published level")),
                ("official_rate_pct", models.DecimalField(blank=True, decimal_places=2, max_digits=7, null=True, verbose_name="official year-on-year rate (%)")),
                ("indicator", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="peer_values", to="indicators.indicator", verbose_name="indicator")),
            ],
            options={
                "verbose_name": "peer zone value",
                "verbose_name_plural": "peer zone values",
                "ordering": ["indicator", "year", "month", "peer"],
                "constraints": [models.UniqueConstraint(fields=("peer", "indicator", "year", "month"), name="indicators_one_peer_value_a_period")],
            },
        ),
    ]
