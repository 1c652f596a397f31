from django.core.management.base import BaseCommand, CommandError

from workcal import sources
from workcal.calendar import missing_years
from workcal.services import calendar_sync_from_package


def _years(years):
    if len(years) > 5 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return "、".join(map(str, years))


class Command(BaseCommand):
    help = "从 chinesecalendar 软件包载入法定节假日与调休安排（默认：软件包覆盖的所有年份）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--year", type=int, action="append", dest="years", help="只同步这一年（可重复）。"
        )
        parser.add_argument("--force", action="store_true", help="覆盖 CSV 导入或手工维护的年份。")

    def handle(self, *args, years=None, force=False, **options):
        supported = sources.supported_years()
        if years:
            unsupported = [y for y in years if y not in supported]
            if unsupported:
                raise CommandError(
                    f"chinesecalendar 没有 {'、'.join(map(str, unsupported))} 年的数据"
                    f"（支持 {supported[0]}–{supported[-1]} 年）。请升级软件包，或在后台导入 CSV。"
                )
        result = calendar_sync_from_package(years=years, force=force)
        if result.synced:
            self.stdout.write(
                self.style.SUCCESS(f"已同步 {len(result.synced)} 年：{_years(result.synced)}。")
            )
        if result.skipped:
            self.stdout.write(
                self.style.WARNING(
                    f"跳过导入或手工维护的年份：{'、'.join(map(str, result.skipped))}（加 --force 覆盖）。"
                )
            )
        missing = missing_years()
        if missing:
            self.stdout.write(
                self.style.WARNING(
                    f"{'、'.join(map(str, missing))} 年仍无数据，按周一至周五计算工作日。"
                )
            )
