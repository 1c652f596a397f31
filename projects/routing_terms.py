"""Who may act for a project: the approver terms of its people (`project:pm`,
`project:presales_lead`, `project:sales_lead`), registered with the engine's routing in
ProjectsConfig.ready, and who may be picked for its forms' person fields."""

from django.utils.translation import gettext_lazy as _

from org.codes import Dept, RoleCode

# term argument -> the Project field holding that person
ROLE_FIELDS = {
    "pm": "project_manager",
    "presales_lead": "presales_lead",
    "sales_lead": "sales_lead",
}


PROJECT_SEATS = (
    ("pm", _("项目经理")),
    ("presales_lead", _("售前负责人")),
    ("sales_lead", _("销售负责人")),
)


def project_term_label(arg: str) -> str:
    return str(dict(PROJECT_SEATS).get(arg, arg))


def project_term_users(arg: str, form) -> list:
    project = form.project
    field = ROLE_FIELDS.get(arg)
    user = getattr(project, field, None) if project is not None and field else None
    return [user] if user is not None and user.is_active else []


# Who may be picked for the person fields of the company's forms (approvals.webforms).
PEOPLE_SCOPES = {
    "presales_lead": {"dept": Dept.TS},
    "presales_team": {"dept": Dept.TS},
    "project_manager": {"role": RoleCode.PM},
    "dept_manager": {"manages": True},
}
