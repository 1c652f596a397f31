"""To-do notices written before they recorded their step get it from their event, so that
notifications.todo closes them once their work is done; those whose work is already done (their
step is no longer active, or the recipient has decided on it) are marked read now."""

from django.db import migrations, models


def backfill(apps, schema_editor):
    ReminderLog = apps.get_model("notifications", "ReminderLog")
    todo = ReminderLog.objects.filter(step_id__isnull=True, event__isnull=False).filter(
        key__regex=r"^event:[0-9]+:(todo|transferred)$"
    )
    FormStep = apps.get_model("approvals", "FormStep")
    batch = []
    for log in todo.select_related("event").iterator(chunk_size=2000):
        step_id = (log.event.payload or {}).get("step")
        if isinstance(step_id, int):
            log.step_id = step_id
            batch.append(log)
        if len(batch) >= 2000:
            _save(ReminderLog, FormStep, batch)
            batch = []
    _save(ReminderLog, FormStep, batch)
    _close_done(apps)


def _close_done(apps):
    Notification = apps.get_model("notifications", "Notification")
    Decision = apps.get_model("approvals", "Decision")
    todo = Notification.objects.filter(
        read_at__isnull=True,
        reminder__step__isnull=False,
        reminder__key__regex=r"^event:[0-9]+:(todo|transferred)$",
    )
    todo.exclude(reminder__step__status="active").update(read_at=models.F("created_at"))
    decided = Decision.objects.filter(
        step_id=models.OuterRef("reminder__step_id"),
        principal_id=models.OuterRef("recipient_id"),
        step_pass=models.OuterRef("reminder__step__passes"),
    )
    todo.filter(models.Exists(decided)).update(read_at=models.F("created_at"))


def _save(ReminderLog, FormStep, batch):
    existing = set(
        FormStep.objects.filter(pk__in=[log.step_id for log in batch]).values_list("pk", flat=True)
    )
    ReminderLog.objects.bulk_update([log for log in batch if log.step_id in existing], ["step_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0004_ev_digest_schedule"),
        ("approvals", "0014_open_seats"),
        ("core", "0003_audit_files_moved"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
