# The daily digest goes out at 18:30 Shanghai time (a django-celery-beat row; admins may change it).

from django.db import migrations
from django.utils import timezone

NAME = "SIPM 每日通知汇总邮件"
TASK = "notifications.tasks.daily_digest"


def create(apps, schema_editor):
    db = schema_editor.connection.alias
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    if PeriodicTask.objects.using(db).filter(name=NAME).exists():
        return
    cron, _ = CrontabSchedule.objects.using(db).get_or_create(
        minute="30",
        hour="18",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Shanghai",
    )
    PeriodicTask.objects.using(db).create(
        name=NAME,
        task=TASK,
        crontab=cron,
        enabled=True,
        description="每天 18:30：给选择“每日汇总”的用户发一封当天通知的汇总邮件。",
    )
    PeriodicTasks.objects.using(db).update_or_create(
        ident=1, defaults={"last_update": timezone.now()}
    )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.using(schema_editor.connection.alias).filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_ev_outbound_preferences"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
