"""Who may start each form on a project, and the precondition (gate) each form needs.

`may_start(user, project)` and `gate(project, data, form=None)` return a Chinese message or None.
The engine turns a may_start message into Refused (403) and a gate message into Conflict with
code "precondition" (409). Gates read approved forms, not the stage, so the early-start way
(commission before contract) and a re-estimate after the quote both pass the right gates.
"""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from approvals.kinds import get_kind
from org.codes import RoleCode
from org.selectors import initiation_refusal, user_has_role

from .models import Stage
from .selectors import form_in_review, has_approved, signed_estimate_reports

CLOSED_STAGES = (Stage.CLOSED, Stage.REJECTED, Stage.TERMINATED)


def _title(kind):

    spec = get_kind(kind, missing_ok=True)
    return spec.title if spec else kind


# --- Who may start --------------------------------------------------------------------------


def _in_department(user, code) -> bool:
    return user.department is not None and user.department.code == code


def may_start_initiation(user, project=None):
    return initiation_refusal(user)


def _sales_of_project(user, project) -> bool:
    if project.sales_lead_id == user.pk:
        return True
    return (
        user_has_role(user, RoleCode.SALES)
        and project.department_id is not None
        and user.department_id == project.department_id
    )


def sales_may_start(kind):
    def check(user, project):
        if _sales_of_project(user, project):
            return None
        return _("只有本项目的销售负责人或本部门的销售人员可以发起《%(t)s》。") % {
            "t": _title(kind)
        }

    return check


def may_start_early_start(user, project):
    if project.sales_lead_id == user.pk:
        return None
    return _("只有本项目的销售负责人可以填写《提前开工审批单》。")


def department_may_start(kind, code, who):
    def check(user, project):
        if _in_department(user, code):
            return None
        return _("只有%(who)s可以发起《%(t)s》。") % {"who": who, "t": _title(kind)}

    return check


def may_start_budget_change(user, project):
    if user_has_role(user, RoleCode.COST_DIR):
        return None
    return _("只有成本总监可以发起预算变更。")


def may_start_handover(user, project):
    if project.project_manager_id is not None and project.project_manager_id == user.pk:
        return None
    return _("只有本项目的项目经理可以填写《资料移交表》。")


# --- Preconditions ----------------------------------------------------------------------------


def _exclude(form):
    return (form.pk, form.previous_id) if form is not None else ()


def _closed(project):
    if project.stage in CLOSED_STAGES:
        return _("项目已“%(s)s”，不能再发起表单。") % {"s": project.get_stage_display()}
    return None


def _duplicate(project, kind, form):
    other = form_in_review(project, kind, exclude=_exclude(form))
    if other is not None:
        return _("本项目已有审批中的《%(t)s》（%(n)s），请等待其审批完成。") % {
            "t": _title(kind),
            "n": other.number,
        }
    return None


def _once(project, kind, form):
    if has_approved(project, kind, exclude=_exclude(form)):
        return _("本项目的《%(t)s》已批准，不能重复发起。") % {"t": _title(kind)}
    return _duplicate(project, kind, form)


def _initiated(project, what):
    if not has_approved(project, "initiation"):
        return _("项目尚未立项（立项书未批准），不能%(what)s。") % {"what": what}
    return None


def _first(*checks):
    for check in checks:
        message = check()
        if message:
            return message
    return None


def gate_initiation(project, data, form=None):
    if project.stage != Stage.INITIATING:
        return _("项目已“%(s)s”，立项书不能再提交。") % {"s": project.get_stage_display()}
    return None


def gate_presales(project, data, form=None):
    return _first(
        lambda: _closed(project),
        lambda: _initiated(project, _("申请售前支持")),
        lambda: _duplicate(project, "presales", form),
    )


def gate_early_start(project, data, form=None):
    def no_contract():
        if has_approved(project, "contract"):
            return _("合同已批准，无需提前开工。")
        return None

    def not_yet():
        if project.early_start:
            return _("本项目已批准提前开工。")
        return None

    return _first(
        lambda: _closed(project),
        lambda: _initiated(project, _("申请提前开工")),
        no_contract,
        not_yet,
        lambda: _duplicate(project, "early_start", form),
    )


def gate_quotation(project, data, form=None):
    def estimate():
        if not signed_estimate_reports(project).exists():
            return _("报价前须有技术服务部提交、并经售前负责人签字的项目估算报告。")
        return None

    return _first(
        lambda: _closed(project),
        lambda: _initiated(project, pgettext("verb", "报价")),
        estimate,
        lambda: _duplicate(project, "quotation", form),
    )


def gate_budget(project, data, form=None):
    def quoted():
        if not has_approved(project, "quotation"):
            return _("《报价审批表》批准后才能编制项目预算。")
        return None

    def before_contract():
        if has_approved(project, "contract"):
            return _("合同已批准，项目预算须在合同审批之前发起。")
        return None

    def single():
        if has_approved(project, "budget", exclude=_exclude(form)):
            return _("项目预算已批准；如需变更，请由成本总监发起预算变更。")
        return None

    return _first(
        lambda: _closed(project),
        quoted,
        before_contract,
        single,
        lambda: _duplicate(project, "budget", form),
    )


def gate_budget_change(project, data, form=None):
    def budgeted():
        if not has_approved(project, "budget"):
            return _("项目预算尚未批准，不能变更。")
        return None

    return _first(
        lambda: _closed(project),
        budgeted,
        lambda: _duplicate(project, "budget_change", form),
    )


def gate_contract(project, data, form=None):
    def ready():
        missing = [
            _title(kind) for kind in ("quotation", "budget") if not has_approved(project, kind)
        ]
        if missing:
            return _("合同审批前须先批准：%(list)s。") % {
                "list": "、".join(f"《{t}》" for t in missing)
            }
        return None

    return _first(
        lambda: _closed(project),
        ready,
        lambda: _once(project, "contract", form),
    )


def gate_commission(project, data, form=None):
    def authorised():
        if has_approved(project, "contract") or has_approved(project, "early_start"):
            return None
        return _("合同签订（合同审批表批准）或提前开工获批后，才能发布项目委托书。")

    return _first(
        lambda: _closed(project),
        authorised,
        lambda: _once(project, "commission", form),
    )


def gate_evaluation(project, data, form=None):
    def commissioned():
        if not has_approved(project, "commission"):
            return _("项目委托书批准、项目实施后才能进行项目评估。")
        return None

    return _first(
        lambda: _closed(project),
        commissioned,
        lambda: _once(project, "evaluation", form),
    )


def gate_final_accounts(project, data, form=None):
    # §27's only trigger is that all money is collected: 财务部 may start the 决算表 whether or
    # not the 项目评估 is done (the form shows the evaluation's state).
    from finance.gates import final_accounts_gate

    def commissioned():
        if not has_approved(project, "commission"):
            return _("项目委托书批准后才能进行项目决算。")
        return None

    return _first(
        lambda: _closed(project),
        commissioned,
        lambda: final_accounts_gate(project),
        lambda: _once(project, "final_accounts", form),
    )


def gate_handover(project, data, form=None):
    return _first(lambda: _closed(project), lambda: archive_refusal(project)) or _once(
        project, "handover", form
    )


def archive_refusal(project):
    """What keeps the project from 归档 [§26–§28]: the 决算表 and settled money, the 项目评估,
    and no open pre-sales work (a 售前工作记录 still 待填写)."""
    # finance's money checks (same layer; its gates import projects' selectors at load time)
    from finance.gates import archive_gate, open_presales_work

    def settled():
        if not has_approved(project, "final_accounts"):
            return _("《项目决算表》批准后才能办理资料移交。")
        return archive_gate(project)

    def evaluated():
        if not has_approved(project, "evaluation"):
            return _("项目评估批准后才能归档。")
        return None

    def presales_done():
        numbers = open_presales_work(project)
        if numbers:
            return _("售前支持工作记录尚待填写（%(n)s），不能归档。") % {"n": "、".join(numbers)}
        return None

    return _first(settled, evaluated, presales_done)
