"""Median time to render each form kind's PDF, and to re-download a stored one.

    DJANGO_SETTINGS_MODULE=sipm.settings.local .venv/bin/python bench/pdf_render.py [--runs 7]
        [--configured-db]

By default it works in a throwaway SQLite database (migrated on the spot) and a throwaway media
folder. With --configured-db it uses the configured database instead, inside a transaction that
is rolled back at the end, so nothing it creates is left behind.

The forms are benchmark fixtures: approved forms with every field filled and a decision on every
step of the kind's chain, written straight to the database (the approval lifecycle itself is
covered by the test suite; here only the rendering is measured). Target: ≤ 300 ms per render.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TEXT = "某市政务云平台建设项目（一期）"
PARAGRAPH = (
    "建设统一的政务云平台，提供计算、存储、网络与安全服务，"
    "并完成既有业务系统的迁移与等保测评。项目分两期实施，一期完成平台搭建，二期完成系统迁移。"
)


def _setup(configured_db: bool):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sipm.settings.local")
    scratch = Path(tempfile.mkdtemp(prefix="sipm-bench-pdf-"))
    os.environ["SIPM_MEDIA_ROOT"] = str(scratch / "media")
    if not configured_db:
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    import django

    django.setup()
    if not configured_db:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    return scratch


def _sample(spec, refs):
    t = spec.type
    if t == "text":
        return TEXT[: spec.max_length]
    if t == "textarea":
        return PARAGRAPH[: spec.max_length]
    if t == "money":
        return "1234567.89"
    if t in ("rate",):
        return "85.50"
    if t == "decimal":
        return "12.50"
    if t == "int":
        low = int(spec.min_value or 0)
        return max(low, min(int(spec.max_value or 120), 120))
    if t == "date":
        return "2025-06-30"
    if t == "bool":
        return True
    if t == "choice":
        return spec.choices[0][0] if spec.choices else None
    if t == "user":
        return refs["users"][0]
    if t == "users":
        return refs["users"][:3]
    if t == "department":
        return refs["department"]
    if t == "file":
        return refs["file"]
    if t == "rows":
        return [{c.name: _sample(c, refs) for c in spec.columns} for _ in range(8)]
    return None


def _approved_form(kind, org, project, refs, when):
    """An approved form of `kind` with one decision per step (one of them 代签)."""
    from approvals.models import (
        ChainTemplate,
        Decision,
        Form,
        FormCopy,
        FormStatus,
        FormStep,
        StepStatus,
    )
    from core.hashing import data_hash
    from org.models import Department

    data = {s.name: _sample(s, refs) for s in kind.fields}
    data = {k: v for k, v in data.items() if v is not None}
    chain = ChainTemplate.objects.filter(kind=kind.slug, is_active=True).first()
    steps = (
        [(s.order, s.name, s.role_label) for s in chain.steps.order_by("order")]
        if chain
        else [(1, "部门经理审核", "部门经理"), (2, "总监审核", "总监"), (3, "总经理批准", "总经理")]
    )
    form = Form.objects.create(
        kind=kind.slug,
        number=f"BENCH-{kind.prefix}-{Form.objects.count() + 1:04d}",
        project=project,
        data=data,
        submitter=org["sales"],
        department=org["sales"].department,
        round=1,
        submitted_at=when,
    )
    deciders = [org[u] for u in ("mkt_mgr", "cost_dir", "sales_dir", "tech_lead", "gm")]
    for i, (order, name, role) in enumerate(steps):
        step = FormStep.objects.create(
            form=form,
            round=1,
            order=order,
            name=name,
            role_label=role,
            kind="single",
            approvers="bench",
            status=StepStatus.APPROVED,
            passes=1,
        )
        decider = deciders[i % len(deciders)]
        delegated = i == 1
        Decision.objects.create(
            form=form,
            step=step,
            decider=org["finance"] if delegated else decider,
            on_behalf_of=decider if delegated else None,
            principal=decider,
            decision="approve",
            comment="同意。" + PARAGRAPH[: 20 * (i % 3)],
            data_hash=data_hash(data),
            created_at=when + timedelta(hours=i + 1),
        )
    depts = {d.code: d for d in Department.objects.all()}
    for code, copy_kind in kind.copies:
        if code in depts:
            FormCopy.objects.create(form=form, department=depts[code], kind=copy_kind)
    # Benchmark fixture only: the approval itself is not what is measured here.
    Form.objects.filter(pk=form.pk).update(
        status=FormStatus.APPROVED,
        approved_data_hash=data_hash(data),
        closed_at=when + timedelta(days=1),
    )
    return Form.objects.get(pk=form.pk)


def _median_ms(fn, runs):
    """(median wall ms, median CPU ms): CPU time shows the cost on a busy machine too."""
    fn()  # warm-up: fonts, templates, first queries
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def run(runs: int):
    from django.utils import timezone
    from pypdf import PdfReader

    from approvals.kinds import all_kinds
    from approvals.selectors import form_detail_queryset
    from core.models import Attachment
    from documents.render import render_pdf
    from documents.services import document_download, document_issue
    from org.demo import seed_demo_org
    from projects.models import Project

    org = seed_demo_org()
    project = Project.objects.create(
        number="SI-BENCH-0001",
        name=TEXT,
        client_name="某市大数据管理局",
        department=org["sales"].department,
        initiator=org["sales"],
    )
    attachment = Attachment.objects.create(
        file="attachments/bench.pdf",
        original_name="项目估算报告.pdf",
        size=120_000,
        sha256="0" * 64,
        uploaded_by=org["sales"],
    )
    refs = {
        "users": [org[u].pk for u in ("presales", "ts_lead", "pm", "staff")],
        "department": org["sales"].department_id,
        "file": attachment.pk,
    }
    when = timezone.now() - timedelta(days=3)
    kinds = sorted(all_kinds(), key=lambda k: k.slug)
    print(f"PDF rendering, median of {runs} runs (target ≤ 300 ms)")
    print(f"{'kind':<16}{'pages':>6}{'wall ms':>10}{'cpu ms':>10}  title")
    worst = 0.0
    last = None
    for kind in kinds:
        form = _approved_form(kind, org, project, refs, when)

        def render(form_id=form.pk):
            return render_pdf(form_detail_queryset().get(pk=form_id))

        pages = len(PdfReader(io.BytesIO(render())).pages)
        ms, cpu = _median_ms(render, runs)
        worst = max(worst, ms)
        print(f"{kind.slug:<16}{pages:>6}{ms:>10.1f}{cpu:>10.1f}  {kind.title}")
        last = form
    if last is not None:
        document_issue(form_id=last.pk)
        ms, cpu = _median_ms(
            lambda: document_download(acting_user=org["sales"], form_id=last.pk), runs
        )
        print(f"{'stored re-download':<22}{ms:>10.1f}{cpu:>10.1f}")
    verdict = "OK" if worst <= 300 else "over the 300 ms target (check the machine's load)"
    load = os.getloadavg()[0]
    print(f"slowest render: {worst:.1f} ms wall — {verdict}; load average {load:.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--configured-db", action="store_true")
    args = parser.parse_args()
    _setup(args.configured_db)
    from django.db import transaction

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            run(args.runs)
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
