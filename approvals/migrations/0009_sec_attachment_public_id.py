"""Attachments get a random download id (public_id); the existing rows each get their own."""

import uuid

from django.db import migrations, models


def fill(apps, schema_editor):
    Attachment = apps.get_model("approvals", "Attachment")
    for pk in Attachment.objects.filter(public_id__isnull=True).values_list("pk", flat=True):
        Attachment.objects.filter(pk=pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0008_queue_seats_comments"),
    ]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="public_id",
            field=models.UUIDField(editable=False, null=True, verbose_name="下载编号"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="attachment",
            name="public_id",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="下载编号"
            ),
        ),
    ]
