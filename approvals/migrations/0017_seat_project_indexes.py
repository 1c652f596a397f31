"""The (person, project created_at) indexes of seats, built after 0016 filled the column (in
its own transaction: the backfill's deferred constraint checks must be done first)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0016_seat_project_created'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='stepassignee',
            index=models.Index(condition=models.Q(('project__isnull', False)), fields=['user', '-project_created_at', '-project'], name='stepassignee_user_project'),
        ),
        migrations.AddIndex(
            model_name='stepassignee',
            index=models.Index(condition=models.Q(('project__isnull', False), ('transferred_from__isnull', False)), fields=['transferred_from', '-project_created_at', '-project'], name='stepassignee_handed_project'),
        ),
    ]
