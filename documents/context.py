"""What a form's PDF shows, gathered from the database into plain values for the template."""

import base64
import io
import mimetypes
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import qrcode
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.kinds import get_kind
from approvals.models import CopyKind, DecisionKind, FormStatus, StepStatus
from core.hashing import data_hash
from core.links import site_url
from org.models import Department

from .formatting import FieldCell, References, field_blocks, field_cell

BUSINESS_TZ = ZoneInfo("Asia/Shanghai")
RESULT_LABELS = {
    DecisionKind.APPROVE: gettext_lazy("同意"),
    DecisionKind.REJECT: gettext_lazy("驳回"),
    DecisionKind.RETURN: gettext_lazy("退回"),
}


def local_time(value: datetime | None, fmt="%Y-%m-%d %H:%M") -> str:
    return value.astimezone(BUSINESS_TZ).strftime(fmt) if value else ""


def public_url(path: str) -> str:
    """An absolute link printed on paper, so it must not depend on the request that rendered it:
    the configured site URL (core.links), the same as in e-mails."""
    return site_url(path)


def qr_data_uri(text: str) -> str:
    # A fixed mask skips the search over all eight (most of qrcode's time); any mask is valid.
    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=4, border=2, mask_pattern=0
    )
    qr.add_data(text)
    qr.make(fit=True)
    buffer = io.BytesIO()
    qr.make_image().save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _signature_uri(user, cache: dict) -> str | None:
    """The user's signature image as a data: URI, or None (then the name is typeset)."""
    if user.pk in cache:
        return cache[user.pk]
    uri = None
    if user.signature:
        try:
            with user.signature.open("rb") as fh:
                content = fh.read()
        except OSError:
            content = b""
        mime = mimetypes.guess_type(user.signature.name)[0] or ""
        if content and mime.startswith("image/"):
            uri = f"data:{mime};base64," + base64.b64encode(content).decode("ascii")
    cache[user.pk] = uri
    return uri


@dataclass
class RecordRow:
    role: str
    step: str
    person: str = ""
    result: str = ""
    result_code: str = ""
    comment: str = ""
    when: str = ""
    signer: str = ""
    signature: str | None = None
    delegate: str = ""
    note: str = ""


@dataclass
class Round:
    number: int
    submitted: str
    rows: list[RecordRow] = field(default_factory=list)


def _step_rows(step, decisions, sig_cache) -> list[RecordRow]:
    role = step.role_label or step.name
    if decisions:
        rows = []
        for d in decisions:
            principal = d.on_behalf_of or d.decider
            rows.append(
                RecordRow(
                    role=role,
                    step=step.name,
                    person=str(principal),
                    result=str(RESULT_LABELS.get(d.decision, d.decision)),
                    result_code=d.decision,
                    comment=d.comment,
                    when=local_time(d.created_at),
                    signer=str(d.decider),
                    signature=_signature_uri(d.decider, sig_cache),
                    delegate=(
                        _("由 %(name)s 代签") % {"name": d.decider} if d.on_behalf_of_id else ""
                    ),
                )
            )
        return rows
    waiting = "、".join(str(a.user) for a in step.assignees.all())
    status = {
        StepStatus.SKIPPED: _("不适用"),
        StepStatus.ACTIVE: _("审批中"),
        StepStatus.PENDING: _("待审批"),
        StepStatus.CANCELLED: _("已取消"),
    }.get(step.status, step.get_status_display())
    return [
        RecordRow(
            role=role,
            step=step.name,
            person=waiting if step.status == StepStatus.ACTIVE else "",
            result=str(status),
            result_code=step.status,
            note=step.note if step.status == StepStatus.SKIPPED else "",
        )
    ]


def approval_record(form) -> list[Round]:
    """Every submission round that has a decision, and the current one, step by step."""
    steps = list(form.steps.all())
    decisions = list(form.decisions.all())
    by_step: dict[int, list] = {}
    for d in decisions:
        by_step.setdefault(d.step_id, []).append(d)
    sig_cache: dict = {}
    rounds = []
    for number in sorted({s.round for s in steps}):
        round_steps = [s for s in steps if s.round == number]
        if number != form.round and not any(s.pk in by_step for s in round_steps):
            continue
        first = min(
            (d.created_at for s in round_steps for d in by_step.get(s.pk, [])), default=None
        )
        rnd = Round(number=number, submitted=local_time(first))
        for step in round_steps:
            rnd.rows.extend(_step_rows(step, by_step.get(step.pk, []), sig_cache))
        rounds.append(rnd)
    return rounds


def copy_list(form, kind) -> tuple[list[dict], bool]:
    """(rows, planned): the FormCopy rows of an approved form, else those the kind will send."""
    if form.status == FormStatus.APPROVED:
        rows = [
            {"department": c.department.name, "kind": str(c.get_kind_display())}
            for c in sorted(form.copies.all(), key=lambda c: (c.department.sort_order, c.pk))
        ]
        return rows, False
    names = dict(
        Department.objects.filter(code__in=[code for code, _k in kind.copies]).values_list(
            "code", "name"
        )
    )
    labels = dict(CopyKind.choices)
    rows = [
        {"department": names[code], "kind": str(labels.get(k, k))}
        for code, k in kind.copies
        if code in names
    ]
    return rows, True


def document_hash(form) -> str:
    if form.status == FormStatus.APPROVED and form.approved_data_hash:
        return form.approved_data_hash
    return data_hash(form.data)


def build_context(form) -> dict:
    """`form` comes from approvals.selectors.form_detail_queryset() (steps, decisions, copies)."""
    kind = get_kind(form.kind)
    final = form.status == FormStatus.APPROVED
    refs = References.load(kind.fields, form.data)
    cells = [
        FieldCell(label=_("申请人"), text=str(form.submitter)),
        FieldCell(label=_("申请部门"), text=form.department.name if form.department_id else ""),
        FieldCell(label=_("申请时间"), text=local_time(form.submitted_at)),
    ]
    if form.project_id:
        cells.append(FieldCell(label=_("项目编号"), text=form.project.number))
    cells += [field_cell(spec, form.data.get(spec.name), refs) for spec in kind.fields]
    digest = document_hash(form)
    verify_url = public_url(reverse("document-verify", args=[digest]))
    copies, copies_planned = copy_list(form, kind)
    return {
        "form": form,
        "title": kind.title,
        "final": final,
        "status_label": str(form.get_status_display()),
        "number": form.number,
        "version": form.version,
        "previous_number": form.previous.number if form.previous_id else "",
        "project_number": form.project.number if form.project_id else "",
        "project_name": form.project.name if form.project_id else "",
        "submitter": str(form.submitter),
        "department": form.department.name if form.department_id else "",
        "submitted_at": local_time(form.submitted_at),
        "approved_at": local_time(form.closed_at) if final else "",
        "blocks": field_blocks(cells),
        "rounds": approval_record(form),
        "copies": copies,
        "copies_planned": copies_planned,
        "digest": digest,
        "verify_url": verify_url,
        "qr": qr_data_uri(verify_url),
        "company": getattr(settings, "SIPM_COMPANY_NAME", ""),
        "created_iso": (form.submitted_at or form.created_at).astimezone(BUSINESS_TZ).isoformat(),
        "modified_iso": _modified(form).astimezone(BUSINESS_TZ).isoformat(),
    }


def _modified(form) -> datetime:
    """The approval time of a final document; else the last decision (both stable)."""
    if form.status == FormStatus.APPROVED and form.closed_at:
        return form.closed_at
    times = [d.created_at for d in form.decisions.all()]
    return max(times, default=form.submitted_at or form.created_at)
