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
        from projects.scale_seed.build import seed_scale

        if projects < 1:
            raise CommandError("--projects must be at least 1")
        counts, seconds = seed_scale(projects, seed=seed, stdout=self.stdout)
        for table, n in sorted(counts.items()):
            self.stdout.write(f"{table}: {n}")
        self.stdout.write(self.style.SUCCESS(f"Seeded {projects} projects in {seconds:.1f} s."))
