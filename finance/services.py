"""Writes to the money side: cost entries, payment terms from the contract, collections.

Every service is one transaction that checks permission, validates, saves and appends its audit
event. Bad input raises InvalidInput naming the field, and nothing is written.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import audit_append
from core.events import emit
from projects.models import Project, Stage
from projects.selectors import project_visible_to
from sipm.errors import Conflict, InvalidInput, NotVisible, Refused
from workcal.calendar import today as shanghai_today

from . import permissions
from .models import CostEntry, Payment, PaymentTerm
from .selectors import payment_status
from .validation import parse_amount, parse_category, parse_date, parse_note

# Costs are booked to approved projects that are not yet archived.
NO_COST_STAGES = {
    Stage.INITIATING: gettext_lazy("项目尚未批准立项，不能录入成本。"),
    Stage.REJECTED: gettext_lazy("项目立项已被驳回，不能录入成本。"),
    Stage.CLOSED: gettext_lazy("项目已归档，不能再录入成本。"),
}


def _project_for(acting_user, project_id, refusal_fn, *, lock=False) -> Project:

    qs = Project.objects.select_for_update() if lock else Project.objects.all()
    project = qs.filter(pk=project_id).first()
    if project is None:
        raise NotVisible(_("项目不存在或无权查看。"))
    refusal = refusal_fn(acting_user, project)
    if refusal:
        if not project_visible_to(acting_user, project):
            raise NotVisible(_("项目不存在或无权查看。"))
        raise Refused(refusal)
    return project


def cost_stage_refusal(project) -> str | None:
    message = NO_COST_STAGES.get(project.stage)
    return str(message) if message else None


def clean_cost_values(*, category, date, amount, note, today) -> tuple[dict, dict]:
    """(values, errors by field) for one cost line; shared with the Excel import."""
    values, errors = {}, {}
    checks = (
        ("category", _("费用类别"), lambda: parse_category(category)),
        ("date", _("发生日期"), lambda: parse_date(date, today=today)),
        ("amount", _("金额"), lambda: parse_amount(amount)),
        ("note", _("说明"), lambda: parse_note(note)),
    )
    for name, label, parse in checks:
        try:
            values[name] = parse()
        except ValueError as exc:
            errors[name] = _("“%(label)s”：%(msg)s") % {"label": label, "msg": exc}
    return values, errors


def _save_cost(*, acting_user, project, values, source="manual") -> CostEntry:
    entry = CostEntry.objects.create(project=project, entered_by=acting_user, **values)
    audit_append(
        verb="cost.created",
        actor=acting_user,
        project=project,
        payload={
            "entry": entry.pk,
            "category": entry.category,
            "date": entry.date.isoformat(),
            "amount": str(entry.amount),
            "note": entry.note,
            "source": source,
        },
    )
    emit(
        "cost.recorded",
        actor=acting_user,
        project=project,
        payload={
            "entry": entry.pk,
            "category": entry.category,
            "date": entry.date.isoformat(),
            "amount": str(entry.amount),
            "source": source,
        },
    )
    return entry


def cost_entry_create(*, acting_user, project_id, category, date, amount, note="") -> CostEntry:
    values, errors = clean_cost_values(
        category=category, date=date, amount=amount, note=note, today=shanghai_today()
    )
    with transaction.atomic():
        project = _project_for(acting_user, project_id, permissions.cost_entry_refusal)
        refusal = cost_stage_refusal(project)
        if refusal:
            raise Conflict(refusal, code="wrong_state")
        if errors:
            raise InvalidInput(_("输入有误：") + "；".join(errors.values()), fields=errors)
        return _save_cost(acting_user=acting_user, project=project, values=values)


# --- payment terms -------------------------------------------------------------------------


def _contract_rows(form) -> list[dict]:
    rows = []
    for i, row in enumerate((form.data or {}).get("payment_terms") or [], start=1):
        try:
            amount = parse_amount(row.get("amount"))
        except ValueError as exc:
            raise InvalidInput(
                _("付款条款第 %(i)d 行“金额”：%(msg)s") % {"i": i, "msg": exc},
                fields={"payment_terms": str(exc)},
            )
        due = row.get("due_date")
        rows.append(
            {
                "position": i,
                "milestone": str(row.get("milestone") or _("第 %(i)d 期") % {"i": i})[:200],
                "amount": amount,
                "due_date": due or None,
            }
        )
    return rows


def payment_terms_from_contract(*, form, acting_user) -> list[PaymentTerm]:
    """Create (or bring up to date) the project's payment terms from an approved contract.

    Called from finance.reactions (form.approved) inside the approval's transaction. Idempotent:
    running it again for the same form changes nothing. A later approved correction of the
    contract updates the terms in place by position; a term may not drop below what has already
    been collected on it, nor disappear once it has a payment (Conflict, the approval is undone).
    """
    if form.project_id is None:
        return []
    rows = _contract_rows(form)
    with transaction.atomic():
        existing = {
            t.position: t
            for t in PaymentTerm.objects.select_for_update().filter(project_id=form.project_id)
        }
        collected = dict(
            Payment.objects.filter(project_id=form.project_id)
            .values("term__position")
            .annotate(total=Sum("amount"))
            .values_list("term__position", "total")
        )
        changed = []
        for row in rows:
            term = existing.pop(row["position"], None)
            paid = collected.get(row["position"]) or Decimal("0")
            if row["amount"] < paid:
                raise Conflict(
                    _("付款条款第 %(i)d 行金额 %(a)s 低于该节点已收款 %(p)s。")
                    % {"i": row["position"], "a": row["amount"], "p": paid},
                    code="term_below_collected",
                )
            if term is None:
                term = PaymentTerm(project_id=form.project_id, contract_form=form, **row)
            elif term.contract_form_id == form.pk and _same(term, row):
                continue
            else:
                term.contract_form = form
                for key, value in row.items():
                    setattr(term, key, value)
            term.save()
            changed.append(term)
        for position, term in existing.items():
            if collected.get(position):
                raise Conflict(
                    _("付款条款第 %(i)d 行已有回款，不能删除。") % {"i": position},
                    code="term_has_payments",
                )
            term.delete()
        if changed or existing:
            audit_append(
                verb="payment_terms.synced",
                actor=acting_user,
                form=form,
                project=form.project_id,
                payload={
                    "terms": [
                        {"position": t.position, "amount": str(t.amount), "milestone": t.milestone}
                        for t in changed
                    ],
                    "removed": sorted(existing),
                },
            )
            emit(
                "payment_terms.synced",
                actor=acting_user,
                form=form,
                project=form.project_id,
                payload={
                    "terms": [{"position": t.position, "amount": str(t.amount)} for t in changed],
                    "removed": sorted(existing),
                },
            )
    return list(PaymentTerm.objects.filter(project_id=form.project_id))


def _same(term, row) -> bool:
    return (
        term.milestone == row["milestone"]
        and term.amount == row["amount"]
        and (term.due_date.isoformat() if term.due_date else None) == row["due_date"]
    )


# --- collections ---------------------------------------------------------------------------


def payment_record(*, acting_user, project_id, term, amount, date, note="") -> Payment:
    """Record a collection (回款) against a payment term; never more than it still owes."""

    errors = {}
    parsed = {}
    for name, label, parse in (
        ("amount", _("金额"), lambda: parse_amount(amount)),
        ("date", _("收款日期"), lambda: parse_date(date, today=shanghai_today())),
        ("note", _("说明"), lambda: parse_note(note)),
    ):
        try:
            parsed[name] = parse()
        except ValueError as exc:
            errors[name] = _("“%(label)s”：%(msg)s") % {"label": label, "msg": exc}
    with transaction.atomic():
        project = _project_for(
            acting_user, project_id, lambda u, _p: permissions.payment_refusal(u), lock=True
        )
        term_obj = None
        if term in (None, ""):
            errors["term"] = _("“付款条款”：必填。")
        else:
            try:
                term_obj = (
                    PaymentTerm.objects.select_for_update()
                    .filter(pk=int(term), project=project)
                    .first()
                )
            except (TypeError, ValueError):
                term_obj = None
            if term_obj is None:
                errors["term"] = _("“付款条款”：该项目没有这个付款条款。")
        if errors or term_obj is None:  # (a missing term is among the errors)
            raise InvalidInput(_("输入有误：") + "；".join(errors.values()), fields=errors)
        payment = Payment(term=term_obj, project=project, entered_by=acting_user, **parsed)
        paid = term_obj.payments.aggregate(total=Sum("amount"))["total"] or Decimal("0")
        outstanding = term_obj.amount - paid
        if payment.amount > outstanding:
            message = _(
                "“金额”：本次回款 %(amount)s 超过该付款节点的未收金额 %(outstanding)s。"
            ) % {"amount": payment.amount, "outstanding": outstanding}
            raise InvalidInput(message, fields={"amount": message})
        payment.save(force_insert=True)
        audit_append(
            verb="payment.recorded",
            actor=acting_user,
            project=project,
            payload={
                "payment": payment.pk,
                "term": term_obj.pk,
                "amount": str(payment.amount),
                "date": payment.date.isoformat(),
                "note": payment.note,
            },
        )
        status = payment_status(project)
        emit(
            "payment.recorded",
            actor=acting_user,
            project=project,
            payload={
                "payment": payment.pk,
                "term": term_obj.pk,
                "amount": str(payment.amount),
                "date": payment.date.isoformat(),
                "collected": str(status["collected"]),
                "outstanding": str(status["outstanding"]),
                "all_collected": status["all_collected"],
            },
        )
        if status["all_collected"]:
            # §27's trigger: 财务部 may start the 决算表 now (5 working days).
            emit(
                "payments.all_collected",
                actor=acting_user,
                project=project,
                payload={
                    "collected": str(status["collected"]),
                    "last_payment": payment.date.isoformat(),
                },
            )
    return payment
