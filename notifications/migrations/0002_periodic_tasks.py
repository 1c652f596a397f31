# The schedules of every SIPM periodic task, as django-celery-beat rows (one beat scheduler,
# DatabaseScheduler; admins edit the times under 周期性任务 in the admin). Existing rows with the
# same name are left alone, so a schedule changed by an admin survives a re-run.

from zoneinfo import ZoneInfo

from django.db import migrations
from django.utils import timezone

TZ = "Asia/Shanghai"

SCHEDULES = [
    # name, task, crontab (minute, hour), description
    (
        "SIPM 到期提醒扫描",
        "notifications.tasks.reminders_scan",
        ("*/15", "*"),
        "每15分钟：审批时限与制度时限的提前、当天、逾期提醒及升级；预算变更通知补发；失败重发。",
    ),
    (
        "SIPM 节假日数据缺失提醒",
        "workcal.tasks.calendar_missing_notice",
        ("0", "9"),
        "每天 09:00：今年或明年的法定节假日安排未导入时邮件提醒管理员。",
    ),
    (
        "SIPM 月度成本报告",
        "finance.tasks.monthly_cost_report",
        ("0", "20"),
        "每天 20:00：任务自行判断是否已过本月最后一个工作日，然后生成并发送月度成本报告。",
    ),
]


def create(apps, schema_editor):
    db = schema_editor.connection.alias
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for name, task, (minute, hour), description in SCHEDULES:
        if PeriodicTask.objects.using(db).filter(name=name).exists():
            continue
        crontab, _ = CrontabSchedule.objects.using(db).get_or_create(
            minute=minute,
            hour=hour,
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone=ZoneInfo(TZ),
        )
        PeriodicTask.objects.using(db).create(
            name=name, task=task, crontab=crontab, enabled=True, description=description
        )
    # Tell a running beat (DatabaseScheduler) to reload its schedule.
    PeriodicTasks.objects.using(db).update_or_create(
        ident=1, defaults={"last_update": timezone.now()}
    )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.using(schema_editor.connection.alias).filter(
        name__in=[name for name, *_rest in SCHEDULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
