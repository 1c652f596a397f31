"""`manage.py seed_demo [--force]`: the demo organisation, its projects and their 实施 data.

It seeds every app's demo data, so it lives at the top (the `sipm` app), above them all."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from delivery.demo import seed_demo_delivery
from org.demo import demo_logins_table, seed_demo_org
from projects.demo import seed_demo_projects


class Command(BaseCommand):
    help = "创建演示用户（密码均为 sipm-demo）和演示项目；可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="即使 DEBUG 关闭（生产环境）也创建演示数据。",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                _(
                    "DEBUG 已关闭，疑似生产环境：演示账号使用公开密码，拒绝创建。"
                    "确需创建请加 --force。"
                )
            )
        users = seed_demo_org()
        self.stdout.write(self.style.SUCCESS(_("演示用户已就绪：%(n)d 个。") % {"n": len(users)}))

        seed_demo_projects(self.stdout)
        seed_demo_delivery(self.stdout)

        self.stdout.write("")
        self.stdout.write(demo_logins_table())
