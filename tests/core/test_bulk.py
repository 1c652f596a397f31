"""bulk_set writes each row's own value of one column, None included, in one statement on
PostgreSQL (and through bulk_update elsewhere); other columns and other rows stay as they were."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.bulk import bulk_set
from projects.models import Project


def make(owner, n):
    return [
        Project.objects.create(
            number=f"SI-2026-{i:05d}",
            name=f"智慧园区{i}",
            client_name="某银行",
            department=owner.department,
            initiator=owner,
            sales_lead=owner,
        )
        for i in range(n)
    ]


def test_each_row_gets_its_own_value_in_one_statement(org):
    projects = make(org["sales"], 5)
    now = timezone.now().replace(microsecond=0)
    Project.objects.update(next_deadline_at=now)
    chosen = projects[:4]
    wanted = [now + timedelta(hours=i) for i in range(3)] + [None]
    for project, value in zip(chosen, wanted, strict=True):
        project.next_deadline_at = value
        project.name = "不应写入"  # only the named column is written
    with CaptureQueriesContext(connection) as ctx:
        assert bulk_set(chosen, "next_deadline_at") == 4
    if connection.vendor == "postgresql":
        assert len(ctx.captured_queries) == 1
    got = dict(Project.objects.values_list("pk", "next_deadline_at"))
    assert [got[p.pk] for p in chosen] == wanted
    assert got[projects[4].pk] == now  # a row not passed is left alone
    assert not Project.objects.filter(name="不应写入").exists()


def test_nothing_to_write_is_no_query(db):
    with CaptureQueriesContext(connection) as ctx:
        assert bulk_set([], "next_deadline_at") == 0
        assert bulk_set([Project(name="未保存")], "next_deadline_at") == 0
    assert ctx.captured_queries == []
