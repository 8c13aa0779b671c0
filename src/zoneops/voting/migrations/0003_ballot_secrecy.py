from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("voting", "0002_hand_over_status")]

    operations = [
        migrations.AddField(
            model_name="ballot", name="sealed",
            field=models.BooleanField(default=False, editable=False)),
        migrations.AlterField(
            model_name="participation", name="receipt_digest",
            field=models.CharField(blank=True, max_length=128)),
    ]
