"""Open seats: StepAssignee.is_open marks the seats of active steps (kept by FormStep.save), with
a partial index for the queues; the seats of the steps active now are marked here."""

from django.conf import settings
from django.db import migrations, models

MARK_OPEN = """
UPDATE approvals_stepassignee SET is_open = TRUE
WHERE step_id IN (SELECT id FROM approvals_formstep WHERE status = 'active')
"""


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0013_discount_limit_moved'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='stepassignee',
            name='is_open',
            field=models.BooleanField(default=False),
        ),
        migrations.RunSQL(MARK_OPEN, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name='stepassignee',
            index=models.Index(condition=models.Q(('is_open', True)), fields=['user', 'step'], name='stepassignee_open_user'),
        ),
    ]
