"""The (department, project created_at) index of copies, built after 0018 filled the columns (in
its own transaction: the backfill's deferred constraint checks must be done first)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0018_copy_project_created'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='formcopy',
            index=models.Index(condition=models.Q(('project__isnull', False)), fields=['department', '-project_created_at', '-project'], name='formcopy_dept_project'),
        ),
    ]
