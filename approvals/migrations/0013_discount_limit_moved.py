"""折扣权限 (DiscountLimit) now lives in projects (projects 0006); the table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0012_audit_files_moved"),
        ("projects", "0006_discount_limit_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="DiscountLimit")]
        )
    ]
