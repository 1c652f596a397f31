from django.core.management.base import BaseCommand, CommandError

from core.audit import audit_verify
from core.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; report the first row altered, inserted or removed."

    def handle(self, *args, **options):
        problem = audit_verify()
        if problem is not None:
            raise CommandError(f"Audit log broken at row {problem}")
        self.stdout.write(
            self.style.SUCCESS(f"Audit log intact: {AuditEvent.objects.count()} rows verified.")
        )
