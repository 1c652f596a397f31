"""The risk and issue register, its periodic reviews, and the daily scan that reminds overdue
reviews and reports slipped milestones (idempotent: each is reported once per due date)."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_append
from core.events import emit
from org.models import User
from sipm.errors import InvalidInput
from workcal.calendar import add_working_days
from workcal.calendar import today as shanghai_today

from .. import permissions
from ..models import OPEN_RISK_STATUSES, Milestone, Risk, RiskKind, RiskStatus
from .common import project_for


def _clean(values, risk=None) -> dict:
    errors, out = {}, {}

    def pick(name, default=None):
        return values[name] if name in values else getattr(risk, name, default)

    kind = pick("kind", RiskKind.RISK)
    if kind not in RiskKind.values:
        errors["kind"] = _("类型须为风险或问题。")
    out["kind"] = kind
    description = str(pick("description", "") or "").strip()
    if not description:
        errors["description"] = _("请填写描述。")
    out["description"] = description[:4000]
    for name, label in (("probability", _("可能性")), ("impact", _("影响"))):
        try:
            value = int(pick(name))
            if not 1 <= value <= 5:
                raise ValueError
            out[name] = value
        except (TypeError, ValueError):
            errors[name] = _("%(l)s须为 1–5 的整数。") % {"l": label}
    owner = pick("owner_id") if "owner" not in values else values.get("owner")
    out["owner"] = User.objects.filter(pk=owner, is_active=True).first() if owner else None
    if out["owner"] is None:
        errors["owner"] = _("请选择责任人。")
    out["response"] = str(pick("response", "") or "").strip()[:4000]
    status = pick("status", RiskStatus.OPEN)
    if status not in RiskStatus.values:
        errors["status"] = _("状态无效。")
    out["status"] = status
    try:
        every = int(pick("review_every", 5))
        if not 1 <= every <= 60:
            raise ValueError
        out["review_every"] = every
    except (TypeError, ValueError):
        errors["review_every"] = _("复查周期须为 1–60 个工作日。")
    if errors:
        raise InvalidInput(_("风险登记有误：") + "；".join(errors.values()), fields=errors)
    return out


def risk_create(*, acting_user, project_id, values: dict) -> Risk:
    with transaction.atomic():
        project = project_for(acting_user, project_id, permissions.risk_refusal)
        clean = _clean(values)
        clean["next_review"] = add_working_days(shanghai_today(), clean["review_every"])
        risk = Risk.objects.create(project=project, created_by=acting_user, **clean)
        payload = {"risk": risk.pk, "kind": risk.kind, "score": risk.score}
        audit_append(verb="risk.created", actor=acting_user, project=project, payload=payload)
        emit("risk.created", actor=acting_user, project=project, payload=payload)
        return risk


def risk_update(*, acting_user, project_id, risk_id, values: dict) -> Risk:
    with transaction.atomic():
        project = project_for(acting_user, project_id, permissions.risk_refusal)
        risk = Risk.objects.select_for_update().filter(project=project, pk=risk_id).first()
        if risk is None:
            raise InvalidInput(_("风险不存在。"), fields={"risk": _("风险不存在。")})
        old = {"status": risk.status, "probability": risk.probability, "impact": risk.impact}
        for key, value in _clean(values, risk).items():
            setattr(risk, key, value)
        risk.save()
        payload = {"risk": risk.pk, "old": old, "status": risk.status, "score": risk.score}
        audit_append(verb="risk.updated", actor=acting_user, project=project, payload=payload)
        emit("risk.updated", actor=acting_user, project=project, payload=payload)
        return risk


def risk_review(*, acting_user, project_id, risk_id, note="") -> Risk:
    """A periodic review done: the next one is `review_every` working days from today."""
    with transaction.atomic():
        project = project_for(acting_user, project_id, permissions.risk_refusal)
        risk = Risk.objects.select_for_update().filter(project=project, pk=risk_id).first()
        if risk is None:
            raise InvalidInput(_("风险不存在。"), fields={"risk": _("风险不存在。")})
        risk.next_review = add_working_days(shanghai_today(), risk.review_every)
        if note:
            risk.response = (risk.response + "\n" + str(note).strip()).strip()[:4000]
        risk.save(update_fields=["next_review", "response", "updated_at"])
        payload = {"risk": risk.pk, "next_review": risk.next_review.isoformat()}
        audit_append(verb="risk.reviewed", actor=acting_user, project=project, payload=payload)
        emit("risk.reviewed", actor=acting_user, project=project, payload=payload)
        return risk


def daily_scan(*, today: date | None = None) -> dict:
    """Remind overdue risk reviews and report slipped milestones; refresh this week's snapshot
    of every implementing project. Running it twice the same day reports nothing twice."""
    from .. import selectors
    from .tracking import snapshots_refresh

    today = today or shanghai_today()
    counts = {"risks": 0, "milestones": 0, "snapshots": 0}
    due = Risk.objects.filter(status__in=OPEN_RISK_STATUSES, next_review__lte=today)
    for risk_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            risk = Risk.objects.select_for_update().get(pk=risk_id)
            if risk.reminded_for == risk.next_review or risk.status not in OPEN_RISK_STATUSES:
                continue
            risk.reminded_for = risk.next_review
            risk.save(update_fields=["reminded_for"])
            emit(
                "risk.review_due",
                project=risk.project_id,
                payload={"risk": risk.pk, "due": risk.next_review.isoformat()},
            )
            counts["risks"] += 1
    slipped = Milestone.objects.filter(
        achieved_on__isnull=True,
        due__lt=today,
        plan__project__in=selectors.implementing_projects(),
    )
    for ms_id in slipped.values_list("pk", flat=True):
        with transaction.atomic():
            ms = Milestone.objects.select_for_update().select_related("plan").get(pk=ms_id)
            if ms.slip_alerted_for == ms.due or ms.achieved_on is not None:
                continue
            ms.slip_alerted_for = ms.due
            ms.save(update_fields=["slip_alerted_for"])
            emit(
                "delivery.deviation",
                project=ms.plan.project_id,
                payload={"metric": "milestone", "milestone": ms.name, "due": ms.due.isoformat()},
            )
            counts["milestones"] += 1
    for project in selectors.implementing_projects().filter(plan__isnull=False):
        with transaction.atomic():
            if snapshots_refresh(project=project, since=today, today=today):
                counts["snapshots"] += 1
    return counts
