"""Periodic reminder: tell the admins (once a day per year) that a holiday schedule is missing."""

import logging

from celery import shared_task
from django.core.mail import mail_admins
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from . import calendar as cal
from .models import CalendarNotice

logger = logging.getLogger(__name__)


@shared_task
def calendar_missing_notice() -> list[int]:
    """Mail the admins about this/next year lacking a schedule; returns the years notified now.

    Idempotent: a CalendarNotice row per (year, day) is written in the same transaction as the
    mail is sent, so reruns the same day (retries, several beat instances) send nothing, and a
    failed mail leaves no row, so the next run tries again.
    """
    day = cal.today()
    notified = []
    for year in cal.missing_years():
        try:
            with transaction.atomic():
                _notice, created = CalendarNotice.objects.get_or_create(year=year, sent_on=day)
                if not created:
                    continue
                logger.warning(
                    "No holiday schedule for %s; working days follow Monday-Friday.", year
                )
                mail_admins(
                    _("%(year)d 年法定节假日安排尚未导入") % {"year": year},
                    _(
                        "%(year)d 年的法定节假日安排尚未导入，系统当前按周一至周五计算工作日，"
                        "审批时限可能不准确。\n\n"
                        "请在国务院办公厅发布安排后，升级 chinesecalendar 并运行 "
                        "`python manage.py sync_calendar`，或在后台“工作日历 › 日历年份”中导入 CSV。"
                    )
                    % {"year": year},
                )
        except IntegrityError:
            continue  # another worker recorded (and sent) it first
        notified.append(year)
    return notified
