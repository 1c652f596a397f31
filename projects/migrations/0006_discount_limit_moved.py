"""折扣权限 (DiscountLimit) moves from the engine app to projects, the policy's owner. The table
keeps its name and rows: a change of the migration state only (approvals 0013 removes it there)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0005_attachment_in_core'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("approvals", "0012_audit_files_moved"),
    ]

    state = [
        migrations.CreateModel(
            name='DiscountLimit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('min_rate', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='最低折扣率(%)')),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='discount_limit', to=settings.AUTH_USER_MODEL, verbose_name='审批人')),
            ],
            options={
                'verbose_name': '折扣权限',
                'verbose_name_plural': '折扣权限',
                'db_table': 'approvals_discountlimit',
            },
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state)]
