# The 统计看板 snapshot is built every 5 minutes (a django-celery-beat row; admins may change it
# under 周期性任务). An existing row of the same name is left alone.

from django.db import migrations
from django.utils import timezone

NAME = "SIPM 统计看板快照"
TASK = "projects.tasks.dashboard_snapshot_build"


def create(apps, schema_editor):
    db = schema_editor.connection.alias
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    if PeriodicTask.objects.using(db).filter(name=NAME).exists():
        return
    every, _ = IntervalSchedule.objects.using(db).get_or_create(every=5, period="minutes")
    PeriodicTask.objects.using(db).create(
        name=NAME,
        task=TASK,
        interval=every,
        enabled=True,
        description="每5分钟：重新统计统计看板的数字（各阶段项目数、待审批与超期、项目储备金额）。",
    )
    # Tell a running beat (DatabaseScheduler) to reload its schedule.
    PeriodicTasks.objects.using(db).update_or_create(
        ident=1, defaults={"last_update": timezone.now()}
    )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.using(schema_editor.connection.alias).filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0009_dashboard_snapshot"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
