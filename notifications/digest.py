"""The daily digest: one e-mail per person per day listing the notices they got, for those who
chose it instead of single e-mails (NotificationPreference.daily_digest). Beat runs it at 18:30."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sipm.i18n import in_company_language

from .channels import absolute_url
from .models import DigestLog, Notification, NotificationPreference
from .workdays import SHANGHAI


def _day_bounds(day):
    start = datetime.combine(day, datetime.min.time(), tzinfo=SHANGHAI)
    return start, start + timedelta(days=1)


@in_company_language
def digests_send(*, now=None) -> int:
    """Send today's digests not sent yet; returns how many went out. Each is recorded (and
    committed) as it is sent, so a rerun — or a worker that died mid-way — sends none twice."""
    now = now or timezone.now()
    day = now.astimezone(SHANGHAI).date()
    start, end = _day_bounds(day)
    sent = 0
    prefs = NotificationPreference.objects.filter(daily_digest=True, user__is_active=True)
    for pref in prefs.select_related("user").order_by("user_id"):
        user = pref.user
        if not user.email:
            continue
        try:
            with transaction.atomic():
                log, _created = DigestLog.objects.get_or_create(user=user, day=day)
        except IntegrityError:  # another worker recorded it at the same moment
            continue
        if log.sent_at is not None:
            continue  # already sent today
        items = list(
            Notification.objects.filter(
                recipient=user, created_at__gte=start, created_at__lt=end
            ).order_by("created_at", "id")
        )
        if not items:
            DigestLog.objects.filter(pk=log.pk).update(sent_at=now)
            continue
        lines = [
            f"· {timezone.localtime(n.created_at, SHANGHAI):%H:%M} {n.title}"
            + (f"\n  {absolute_url(n.url)}" if n.url else "")
            for n in items
        ]
        send_mail(
            _("【SIPM 每日通知汇总】%(day)s（%(n)d 条）")
            % {"day": day.isoformat(), "n": len(items)},
            "\n".join(lines),
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
        DigestLog.objects.filter(pk=log.pk).update(sent_at=timezone.now(), count=len(items))
        sent += 1
    return sent
