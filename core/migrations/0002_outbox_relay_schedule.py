# The outbox relay runs every minute (a django-celery-beat row; admins may change it).

from django.db import migrations
from django.utils import timezone

NAME = "SIPM 事件投递补发"
TASK = "core.tasks.outbox_relay"


def create(apps, schema_editor):
    db = schema_editor.connection.alias
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    if PeriodicTask.objects.using(db).filter(name=NAME).exists():
        return
    every, _ = IntervalSchedule.objects.using(db).get_or_create(every=1, period="minutes")
    PeriodicTask.objects.using(db).create(
        name=NAME,
        task=TASK,
        interval=every,
        enabled=True,
        description="每分钟：补发消息队列中断或工作进程退出时未完成的事件处理（通知、PDF 等）。",
    )
    PeriodicTasks.objects.using(db).update_or_create(
        ident=1, defaults={"last_update": timezone.now()}
    )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.using(schema_editor.connection.alias).filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
