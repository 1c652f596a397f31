"""统计看板: given projects at several stages, corrections, waiting and overdue steps, when the
snapshot is built, then its figures are those of a direct count; the page shows the latest
snapshot and when it was built, and a missing or stale one is rebuilt once."""

import json
import re
from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone, translation

from approvals.models import Form, FormStatus, FormStep, StepStatus
from approvals.services import form_correct
from projects import dashboard
from projects.demo import future
from projects.models import OPEN_STAGES, DashboardSnapshot, Project, Stage
from projects.services import project_terminate
from projects.tasks import dashboard_snapshot_build
from sipm.values import to_decimal
from tests.seeds import ensure_migration_seeds


@pytest.fixture
def scene(d, org):
    """Approved and waiting initiations, a corrected one, an overdue step, a project without an
    amount of its own, a terminated project and a presales form waiting."""
    d.initiate("已立项一")
    d.initiate("已立项二")
    waiting = d.start("initiation", "sales", data=d.initiation_data("待审项目", amount="800000.00"))
    # one overdue step
    FormStep.objects.filter(form=waiting, status=StepStatus.ACTIVE).update(
        due_at=timezone.now() - timedelta(days=2)
    )
    corrected = d.initiate("更正项目")
    correction = form_correct(acting_user=org["sales"], form_id=corrected.pk)
    # a correction under review (data as written, status set directly: the gate refuses a
    # resubmission once the project is initiated)
    Form.objects.filter(pk=correction.pk).update(
        data={**correction.data, "expected_sign_date": "2031-03-15"}, status=FormStatus.IN_REVIEW
    )
    no_amount = d.initiate("无金额项目", approve=False)
    Project.objects.filter(pk=no_amount.project_id).update(estimated_amount=None)
    gone = d.initiate("终止项目")
    project_terminate(acting_user=org["gm"], project_id=gone.project_id, reason="客户取消")
    d.presales(d.initiate("售前项目").project)
    d.start(
        "presales", "sales", corrected.project, {"work_content": "方案", "required_by": future(10)}
    )
    return org


def direct_figures(now):
    """The same figures counted one row at a time in Python."""
    stages = Counter(Project.objects.values_list("stage", flat=True))
    approvals = defaultdict(lambda: [0, 0])
    for step in FormStep.objects.select_related("form"):
        if step.status == StepStatus.ACTIVE and step.form.status == FormStatus.IN_REVIEW:
            approvals[step.form.kind][0] += 1
            approvals[step.form.kind][1] += bool(step.due_at and step.due_at < now)
    live = [FormStatus.IN_REVIEW, FormStatus.APPROVED]
    pipeline = defaultdict(Decimal)
    for form in Form.objects.filter(kind="initiation").select_related("project"):
        project = form.project
        if project.stage not in OPEN_STAGES or form.status not in live:
            continue
        if project.stage == Stage.INITIATING and form.status == FormStatus.APPROVED:
            continue  # its correction is waiting: that one counts
        if Form.objects.filter(previous=form, status__in=live).exists():
            continue  # replaced by its correction
        month = (form.data.get("expected_sign_date") or "")[:7]
        amount = project.estimated_amount
        if amount is None:
            amount = to_decimal(form.data.get("estimated_amount"))
        if len(month) == 7 and amount is not None:
            pipeline[month] += amount
    return {
        "v": dashboard.FIGURES_VERSION,
        "stages": dict(stages),
        "approvals": sorted([kind, n, late] for kind, (n, late) in approvals.items()),
        "pipeline": {m: str(pipeline[m].quantize(Decimal("0.01"))) for m in sorted(pipeline)},
    }


def test_snapshot_figures_equal_a_direct_count(scene):
    snap = dashboard.snapshot_build()
    expected = direct_figures(snap.built_at)
    assert snap.figures == expected
    # the scene covers what the figures distinguish
    assert {"initiated", "initiating", "terminated", "presales"} <= set(snap.figures["stages"])
    initiation = {k: (n, late) for k, n, late in snap.figures["approvals"]}["initiation"]
    assert initiation == (2, 1)  # two waiting initiations, one of them overdue
    assert "2031-03" in snap.figures["pipeline"]  # the correction's month, not the original's
    assert DashboardSnapshot.objects.get() == snap and snap.took_ms >= 0


def test_the_beat_task_stores_a_snapshot_and_old_ones_go(scene):
    old = DashboardSnapshot.objects.create(
        built_at=timezone.now() - timedelta(days=2), figures={"v": dashboard.FIGURES_VERSION}
    )
    snap_id = dashboard_snapshot_build.delay().get()
    snap = DashboardSnapshot.objects.get()
    assert snap.pk == snap_id != old.pk
    assert snap.figures == direct_figures(snap.built_at)


def test_the_beat_task_is_scheduled(db):
    from django_celery_beat.models import PeriodicTask

    row = PeriodicTask.objects.select_related("interval").get(task=dashboard_snapshot_build.name)
    assert row.enabled and (row.interval.every, row.interval.period) == (5, "minutes")
    assert timedelta(minutes=5) < dashboard.max_age()  # beat keeps it fresh; pages never build


def _chart(html, name):
    match = re.search(rf'<script id="data-{name}" type="application/json">(.*?)</script>', html)
    return json.loads(match.group(1))


@pytest.fixture
def page(scene, client):
    ensure_migration_seeds()

    def get(username="finance", language=None):
        client.force_login(scene[username])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language or settings.LANGUAGE_CODE
        response = client.get("/dashboard/")
        assert response.status_code == 200
        return response.content.decode()

    return get


def test_the_page_reads_the_snapshot_not_the_tables(page, django_assert_max_num_queries):
    snap = dashboard.snapshot_build()
    # a snapshot of made-up figures: the page shows them as they are
    DashboardSnapshot.objects.filter(pk=snap.pk).update(
        figures={
            "v": dashboard.FIGURES_VERSION,
            "stages": {"quoting": 7, "closed": 2},
            "approvals": [["contract", 5, 2]],
            "pipeline": {"2030-01": "10.00"},
        }
    )
    html = page()
    assert _chart(html, "stages") == {"labels": ["报价", "归档"], "values": [7, 2]}
    assert _chart(html, "approvals") == {
        "labels": ["合同审批表"],
        "waiting": [3],
        "overdue": [2],
    }
    assert _chart(html, "pipeline") == {"labels": ["2030-01"], "values": ["10.00"]}
    assert DashboardSnapshot.objects.count() == 1  # fresh: nothing rebuilt
    totals = re.findall(r'<div class="fs-3 fw-semibold[^"]*">(\d+)</div>', html)
    assert totals == ["7", "5", "2"]  # open projects, waiting, overdue


def test_the_page_shows_when_the_figures_were_built(page):
    built = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=3)
    DashboardSnapshot.objects.create(built_at=built, figures=direct_figures(built))
    hhmm = timezone.localtime(built).strftime("%H:%M")
    if timezone.localtime(built).date() != timezone.localdate():
        hhmm = timezone.localtime(built).strftime("%Y-%m-%d %H:%M")
    assert f"数据更新于 {hhmm}" in page()
    english = page(language="en")
    assert f"Updated at {hhmm}" in english and "数据更新于" not in english
    assert "Projects by stage" in english
    assert _chart(english, "stages")["labels"][0] == "Initiation requested"


def test_a_missing_snapshot_is_built_on_the_first_view(page):
    assert not DashboardSnapshot.objects.exists()
    html = page()
    snap = DashboardSnapshot.objects.get()
    assert _chart(html, "stages")["values"] == [
        snap.figures["stages"][v] for v, _l in Stage.choices if snap.figures["stages"].get(v)
    ]
    page()
    assert DashboardSnapshot.objects.count() == 1  # the second view reads it


def test_a_stale_snapshot_is_rebuilt_once(page):
    stale = timezone.now() - dashboard.max_age() - timedelta(minutes=1)
    DashboardSnapshot.objects.create(
        built_at=stale,
        figures={"v": dashboard.FIGURES_VERSION, "stages": {}, "approvals": [], "pipeline": {}},
    )
    html = page()
    assert DashboardSnapshot.objects.count() == 2
    newest = DashboardSnapshot.objects.order_by("-built_at").first()
    assert newest.built_at > stale and newest.figures == direct_figures(newest.built_at)
    assert _chart(html, "stages")["values"]  # the new figures, not the empty old ones
    page()
    assert DashboardSnapshot.objects.count() == 2


def test_a_snapshot_of_another_shape_is_not_read(page):
    DashboardSnapshot.objects.create(built_at=timezone.now(), figures={"v": 0, "old": True})
    page()
    assert dashboard.latest_snapshot().figures["v"] == dashboard.FIGURES_VERSION


def test_while_another_build_runs_the_page_shows_the_older_snapshot(page, monkeypatch):
    stale = timezone.now() - dashboard.max_age() - timedelta(minutes=1)
    DashboardSnapshot.objects.create(built_at=stale, figures=direct_figures(stale))
    assert dashboard._thread_lock.acquire()  # another request of this process is building
    try:
        monkeypatch.setattr(dashboard, "snapshot_build", lambda: pytest.fail("built twice"))
        html = page()
    finally:
        dashboard._thread_lock.release()
    assert DashboardSnapshot.objects.count() == 1
    assert "数据更新于" in html and _chart(html, "stages")["values"]


def test_a_failed_rebuild_shows_the_older_snapshot(page, monkeypatch):
    from django.db import DatabaseError

    stale = timezone.now() - dashboard.max_age() - timedelta(minutes=1)
    DashboardSnapshot.objects.create(built_at=stale, figures=direct_figures(stale))

    def broken():
        raise DatabaseError("statement timeout")

    monkeypatch.setattr(dashboard, "snapshot_build", broken)
    html = page()
    assert _chart(html, "stages")["values"] and DashboardSnapshot.objects.count() == 1


def test_only_finance_and_directors_see_it(page, scene, client):
    client.force_login(scene["sales"])
    assert client.get("/dashboard/").status_code == 403
    with translation.override("zh-hans"):
        assert "统计看板" in page("gm")


@pytest.mark.postgres
def test_a_build_going_on_in_another_process_is_not_repeated(page):
    """PostgreSQL: while another session holds the build lock, the beat task skips and a page
    with a stale snapshot shows it instead of building a second one."""
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    stale = timezone.now() - dashboard.max_age() - timedelta(minutes=1)
    DashboardSnapshot.objects.create(built_at=stale, figures=direct_figures(stale))
    other = connections.create_connection("default")
    try:
        with other.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", [dashboard.BUILD_LOCK])
        assert dashboard_snapshot_build.delay().get() is None
        html = page()
        assert DashboardSnapshot.objects.count() == 1 and "数据更新于" in html
    finally:
        with other.cursor() as cur:
            cur.execute("SELECT pg_advisory_unlock(%s)", [dashboard.BUILD_LOCK])
        other.close()
    page()
    assert DashboardSnapshot.objects.count() == 2  # free again: rebuilt
