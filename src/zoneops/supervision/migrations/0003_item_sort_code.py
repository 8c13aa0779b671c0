"""Items keep their code in natural order (codes.sort_code) so that lists order ZD-2 before
ZD-10."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from zoneops.supervision.codes import sort_code

    Item = apps.get_model("supervision", "Item")
    items = list(Item.objects.only("pk", "code"))
    for item in items:
        item.sort_code = sort_code(item.code)
    Item.objects.bulk_update(items, ["sort_code"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("supervision", "0002_report_draft"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="item",
            options={"ordering": ["supervision_list", "sort_code"],
                     "verbose_name": "supervision item",
                     "verbose_name_plural": "supervision items"},
        ),
        migrations.AddField(
            model_name="item",
            name="sort_code",
            field=models.CharField(default="", editable=False, max_length=255),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
