from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Fill the database with a large company's history for benchmarks: "
        "--projects N projects with forms of every kind, chains, decisions, audit, costs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, required=True)
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, *args, projects, seed, **options):
        from approvals.models import Form, FormStatus
        from notifications.budget_notices import record_told
        from projects.scale_seed.build import seed_scale

        if projects < 1:
            raise CommandError("--projects must be at least 1")
        counts, seconds = seed_scale(projects, seed=seed, stdout=self.stdout)
        # The history's budget changes were told when they were approved, as on a running
        # system: the sweep then measures a day's work, not a backlog the bulk load made.
        changes = Form.objects.filter(kind="budget_change", status=FormStatus.APPROVED)
        counts["notifications_reminderlog"] = record_told(
            list(changes.values_list("pk", flat=True))
        )
        for table, n in sorted(counts.items()):
            self.stdout.write(f"{table}: {n}")
        self.stdout.write(self.style.SUCCESS(f"Seeded {projects} projects in {seconds:.1f} s."))
