"""The inbox rows of a batch of notices (notifications.batch.notify_many): one per recipient,
carrying its notice's title, body and link, whether they are copied from
their ReminderLog rows in one statement (PostgreSQL) or written by bulk_create (elsewhere)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.batch import Notice, notify_many
from notifications.models import Notification, ReminderLog


def notices(org, prefix, n):
    people = [org["gm"], org["sales"], org["pm"], org["finance"]]
    return [
        Notice(
            key=f"{prefix}:{i}",
            kind="step",
            stage="overdue",
            # 1 to 3 recipients each, a duplicate and a None dropped.
            recipients=[*people[i % 2 : i % 2 + 1 + i % 3], people[i % 2], None],
            title=f"【审批逾期】第{i}号 “智慧园区” 's",
            body=f"请尽快处理。\n第 {i} 行，含 ' 和 \\ 与 %s",
            url=f"/forms/{i}/",
        )
        for i in range(n)
    ]


def test_each_recipient_gets_the_notice_once_with_its_texts(org):
    now = timezone.now()
    batch = notices(org, "inbox", 7)
    recorded = notify_many(batch, now=now)
    assert sorted(recorded) == sorted(n.key for n in batch)
    for notice in batch:
        log = ReminderLog.objects.get(key=notice.key)
        rows = list(Notification.objects.filter(reminder=log).order_by("id"))
        assert [r.recipient_id for r in rows] == [u.pk for u in notice.recipients]
        for row in rows:
            assert (row.title, row.body, row.url) == (notice.title, notice.body, notice.url)
            assert (row.title, row.body, row.url) == (log.title, log.body, log.url)
            assert row.created_at == now and row.read_at is None
    assert Notification.objects.count() == sum(len(n.recipients) for n in batch)


def test_the_inbox_rows_cost_one_statement_however_many(org):
    now = timezone.now()

    def inserts(batch):
        with CaptureQueriesContext(connection) as ctx:
            notify_many(batch, now=now)
        return sum('INSERT INTO "notifications_notification"' in q["sql"] for q in ctx)

    assert inserts(notices(org, "few", 2)) == inserts(notices(org, "many", 40)) == 1


def test_a_rerun_records_nothing_twice(org):
    now = timezone.now()
    batch = notices(org, "again", 3)
    notify_many(batch, now=now)
    before = Notification.objects.count()
    assert notify_many(notices(org, "again", 3), now=now) == []
    assert Notification.objects.count() == before
