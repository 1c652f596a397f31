"""Browser pages of the money side: a project's cost ledger (entry, Excel import, template),
its payment terms and collections, its final-accounts figures, and the monthly cost report with
on-demand Excel/PDF builds polled by htmx.

Thin: parse, call one service or selector, render. Who may do what is decided by
finance.permissions and enforced again by the services.
"""

import io
import time
import uuid
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, Max, Sum
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from projects.models import Project
from projects.selectors import project_visible_to
from sipm.errors import DomainError, InvalidInput
from workcal.calendar import today as shanghai_today

from . import permissions, selectors, services
from .categories import categories
from .imports import HEADERS, cost_entries_import
from .models import CostEntry, MonthlyReport
from .reports import data as report_data
from .reports.services import XLSX_TYPE, file_name
from .tasks import BUILD_FORMATS, build_path, month_due, monthly_report_build

COST_PAGE_SIZE = 25
TOP_PROJECTS = 20
BUILD_TIMEOUT = 15 * 60  # seconds a build may stay pending before the page calls it failed
SESSION_BUILDS = "finance_report_builds"
CONTENT_TYPES = {"xlsx": XLSX_TYPE, "pdf": "application/pdf"}


def _refused(request, message):
    return render(request, "finance/refused.html", {"message": message}, status=403)


def _project(request, pk, refusal_fn):
    """(project, refusal): 404 unless the user sees the project or may do this on it."""

    project = Project.objects.select_related("department").filter(pk=pk).first()
    if project is None:
        raise Http404(_("项目不存在或无权查看。"))
    refusal = refusal_fn(request.user, project)
    if refusal and not project_visible_to(request.user, project):
        raise Http404(_("项目不存在或无权查看。"))
    return project, refusal


def _form_state(errors, posted) -> dict:
    """A ledger page's entry form: its errors and what was posted (a fresh one dated today)."""
    return {"errors": errors or {}, "posted": posted or {"date": shanghai_today().isoformat()}}


# --- 成本台账 ---------------------------------------------------------------------------------


def _cost_error(request, project, refusal, exc):
    """A failed cost write: 404, the refusal page if `refusal`, else the ledger with a message."""
    if exc.status == 404:
        raise Http404(exc.message)
    if refusal:
        return _refused(request, exc.message)
    messages.error(request, exc.message)
    return redirect("project-costs", pk=project.pk)


def _costs_page(request, project, *, errors=None, posted=None, report=None, status=200):
    from .money import category_filter

    entries = selectors.project_costs(project)
    shown_category = category_filter(request.GET.get("category"))
    if shown_category:
        entries = entries.filter(category=shown_category)
    page = Paginator(entries, COST_PAGE_SIZE).get_page(request.GET.get("page"))
    totals = entries.order_by().aggregate(total=Sum("amount"), n=Count("id"))
    entry_refusal = permissions.cost_entry_refusal(request.user, project)
    stage_refusal = services.cost_stage_refusal(project)
    by_category = selectors.actual_costs(project)
    active = set(categories.active_values)
    return render(
        request,
        "finance/costs.html",
        {
            "project": project,
            "page": page,
            "total": totals["total"] or Decimal("0"),
            "count": totals["n"],
            "by_category": [(label, by_category[value]) for value, label in categories.choices],
            "categories": [(v, label) for v, label in categories.choices if v in active],
            "may_enter": entry_refusal is None and stage_refusal is None,
            "entry_note": entry_refusal or stage_refusal,
            **_form_state(errors, posted),
            "report": report,
            "shown_category": categories.label(shown_category) if shown_category else "",
        },
        status=status,
    )


@login_required
def project_costs(request, pk):
    project, refusal = _project(request, pk, permissions.cost_view_refusal)
    if request.method != "POST":
        if refusal:
            return _refused(request, refusal)
        return _costs_page(request, project)
    fields = ("category", "date", "amount", "note")
    posted = {name: request.POST.get(name, "") for name in fields}
    try:
        services.cost_entry_create(acting_user=request.user, project_id=project.pk, **posted)
    except InvalidInput as exc:
        return _costs_page(
            request, project, errors={**exc.fields, "top": exc.message}, posted=posted, status=400
        )
    except DomainError as exc:
        return _cost_error(request, project, refusal, exc)
    messages.success(request, _("成本记录已保存。"))
    return redirect("project-costs", pk=project.pk)


@login_required
@require_POST
def project_costs_import(request, pk):
    project, refusal = _project(request, pk, permissions.cost_entry_refusal)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            message = _("“文件”：请选择要导入的 Excel（.xlsx）文件。")
            raise InvalidInput(message, fields={"file": message})
        report = cost_entries_import(acting_user=request.user, project_id=project.pk, upload=upload)
    except InvalidInput as exc:
        errors = {"import": exc.fields.get("file") or exc.message}
        return _costs_page(request, project, errors=errors, status=400)
    except DomainError as exc:
        return _cost_error(request, project, refusal, exc)
    return _costs_page(request, project, report=report)


@login_required
@require_GET
def project_costs_template(request, pk):
    """An empty import sheet with the expected headers and a drop-down of the categories."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    project, refusal = _project(request, pk, permissions.cost_entry_refusal)
    if refusal:
        return _refused(request, refusal)
    book = Workbook()
    sheet = book.active
    sheet.title = _("成本导入")
    headers = [HEADERS[name][0] for name in ("date", "category", "amount", "note")]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for column, width in zip("ABCD", (14, 16, 16, 40), strict=True):
        sheet.column_dimensions[column].width = width
    active = set(categories.active_values)
    labels = ",".join(str(label) for v, label in categories.choices if v in active)
    choice = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=False)
    choice.error = _("请从列表中选择费用类别。")
    sheet.add_data_validation(choice)
    choice.add("B2:B5000")
    for row in range(2, 5001):
        sheet.cell(row=row, column=1).number_format = "yyyy-mm-dd"
        sheet.cell(row=row, column=3).number_format = "#,##0.00"
    sheet.freeze_panes = "A2"
    notes = book.create_sheet(_("说明"))
    for line in (
        _("第一行为表头，请勿修改；从第二行起每行一笔成本。"),
        _("日期：发生日期，格式 YYYY-MM-DD，不能晚于今天。"),
        _("费用类别：%(labels)s。") % {"labels": "、".join(labels.split(","))},
        _("金额：大于 0，最多 2 位小数，单位元。"),
        _("说明：可选，不超过 300 字。"),
        _("有错误的行不会导入，导入后页面会逐行列出错误。"),
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 70
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="cost-import-{project.number}.xlsx"'
    return response


# --- 付款条款与回款 ----------------------------------------------------------------------------


def _payments_page(request, project, *, errors=None, posted=None, status=200):
    terms = selectors.payment_terms(project)
    return render(
        request,
        "finance/payments.html",
        {
            "project": project,
            "status": selectors.payment_status(project),
            "final_due": selectors.final_accounts_due(project),
            "terms": terms,
            "open_terms": [t for t in terms if t["outstanding"] > 0],
            "payments": list(selectors.project_payments(project)),
            "may_record": permissions.payment_refusal(request.user) is None,
            **_form_state(errors, posted),
        },
        status=status,
    )


@login_required
def project_payments(request, pk):
    project, refusal = _project(request, pk, permissions.cost_view_refusal)
    if request.method != "POST":
        if refusal:
            return _refused(request, refusal)
        return _payments_page(request, project)
    posted = {name: request.POST.get(name, "") for name in ("term", "amount", "date", "note")}
    try:
        services.payment_record(acting_user=request.user, project_id=project.pk, **posted)
    except InvalidInput as exc:
        errors = {**exc.fields, "top": exc.message}
        return _payments_page(request, project, errors=errors, posted=posted, status=400)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(exc.message)
        return _refused(request, exc.message)
    messages.success(request, _("回款已登记。"))
    return redirect("project-payments", pk=project.pk)


# --- 项目决算表 -------------------------------------------------------------------------------


@login_required
@require_GET
def project_final_accounts(request, pk):
    project, refusal = _project(request, pk, permissions.cost_view_refusal)
    if refusal:
        return _refused(request, refusal)
    from approvals.kinds import get_kind  # the registered kind's own may_start and gate

    from .proposals import evaluation_state

    kind = get_kind("final_accounts")
    may_start = kind.may_start(request.user, project) is None and not kind.gate(project, {})
    return render(
        request,
        "finance/final_accounts.html",
        {
            "project": project,
            "fa": selectors.final_accounts(project),
            "due": selectors.final_accounts_due(project),
            "final_days": selectors.final_accounts_days(),
            "may_start": may_start,
            "evaluation_state": evaluation_state(project),
        },
    )


# --- 资金链 -----------------------------------------------------------------------------------


@login_required
@require_GET
def project_money(request, pk):
    from .money import money_trail

    project, refusal = _project(request, pk, permissions.cost_view_refusal)
    if refusal:
        return _refused(request, refusal)
    return render(
        request,
        "finance/money.html",
        {"project": project, "sections": money_trail(project)},
    )


@login_required
@require_GET
def project_money_xlsx(request, pk):
    from .money import money_trail, money_trail_xlsx

    project, refusal = _project(request, pk, permissions.cost_view_refusal)
    if refusal:
        return _refused(request, refusal)
    content = money_trail_xlsx(
        project, money_trail(project), base_url=request.build_absolute_uri("/").rstrip("/")
    )
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="money-{project.number}.xlsx"'
    return response


# --- 月度成本报告 -----------------------------------------------------------------------------


def _latest_month_with_data():
    """月度成本 opens on the latest month with cost lines up to today (indexed MAX on the
    date), or on the month due when there is none."""
    today = shanghai_today()
    latest = CostEntry.objects.filter(date__lte=today).aggregate(d=Max("date"))["d"]
    return report_data.Month(latest.replace(day=1)) if latest else month_due(today)


@login_required
@require_GET
def monthly_report(request):
    refusal = permissions.report_refusal(request.user)
    if refusal:
        return _refused(request, refusal)
    raw = request.GET.get("month")
    error = None
    try:
        month = report_data.parse_month(raw) if raw else _latest_month_with_data()
    except InvalidInput as exc:
        error, month = exc.fields.get("month", exc.message), None
    context = {"month": month, "month_text": raw or month.label, "error": error}
    if month is not None:
        acc = report_data.run(month, top=TOP_PROJECTS)
        context.update(
            {
                "categories": [str(label) for _v, label in categories.choices],
                "grand": acc.grand,
                "departments": sorted(acc.departments.values(), key=lambda t: t.name),
                "top": acc.top_rows(),
                "active_projects": acc.active_projects,
                "archived": MonthlyReport.objects.filter(month=month.start).first(),
                # The ledger's own month total: the report lists every project with lines up
                # to the month's end (立项前成本 included), so the two agree.
                "ledger_total": CostEntry.objects.filter(
                    date__gte=month.start, date__lte=month.end
                ).aggregate(s=Sum("amount"))["s"]
                or Decimal("0.00"),
                "pre_initiation": acc.pre_initiation_projects,
            }
        )
    return render(
        request, "finance/monthly_report_page.html", context, status=400 if error else 200
    )


def _builds(request) -> dict:
    return request.session.get(SESSION_BUILDS, {})


def _build_state(token, info) -> str:
    if default_storage.exists(build_path(token, "done")):
        return "ready"
    if default_storage.exists(build_path(token, "error")):
        return "failed"
    if time.time() - info.get("started", 0) > BUILD_TIMEOUT:
        return "failed"
    return "pending"


def _build_partial(request, token, info, *, state=None):
    return render(
        request,
        "finance/_report_build.html",
        {"token": token, "info": info, "state": state or _build_state(token, info)},
    )


@login_required
@require_POST
def monthly_report_build_start(request):
    refusal = permissions.report_refusal(request.user)
    if refusal:
        return _refused(request, refusal)
    fmt = request.POST.get("format", "")
    try:
        month = report_data.parse_month(request.POST.get("month"))
        if fmt not in BUILD_FORMATS:
            message = _("“格式”：只支持 xlsx 或 pdf。")
            raise InvalidInput(message, fields={"format": message})
    except InvalidInput as exc:
        return render(
            request, "finance/_report_build.html", {"state": "invalid", "message": exc.message}
        )
    token = uuid.uuid4().hex
    info = {"month": month.label, "format": fmt, "started": time.time()}
    builds = {**_builds(request), token: info}
    # Keep only the user's latest few builds in the session.
    request.session[SESSION_BUILDS] = dict(list(builds.items())[-10:])
    try:
        monthly_report_build.delay(month.label, fmt, token)
    except Exception:  # broker down, or the build failed in eager mode
        state = "ready" if default_storage.exists(build_path(token, "done")) else "failed"
        return _build_partial(request, token, info, state=state)
    return _build_partial(request, token, info)


def _own_build(request, token):
    refusal = permissions.report_refusal(request.user)
    info = _builds(request).get(token)
    if refusal or info is None:
        raise Http404(_("报表文件不存在或已过期。"))
    return info


@login_required
@require_GET
def monthly_report_build_status(request, token):
    return _build_partial(request, token, _own_build(request, token))


@login_required
@require_GET
def monthly_report_build_download(request, token):
    info = _own_build(request, token)
    fmt = info["format"]
    if _build_state(token, info) != "ready":
        raise Http404(_("报表文件尚未生成完成。"))
    month = report_data.parse_month(info["month"])
    return FileResponse(
        default_storage.open(build_path(token, fmt), "rb"),
        as_attachment=True,
        filename=file_name(month, fmt),
        content_type=CONTENT_TYPES[fmt],
    )


@login_required
@require_GET
def monthly_report_archived(request, month, fmt):
    """The stored month-end report's file (generated once when the month was over)."""
    refusal = permissions.report_refusal(request.user)
    if refusal:
        return _refused(request, refusal)
    try:
        parsed = report_data.parse_month(month)
    except InvalidInput:
        raise Http404(_("该月尚无存档报告。"))
    report = MonthlyReport.objects.filter(month=parsed.start).first()
    field = getattr(report, fmt, None) if fmt in BUILD_FORMATS else None
    if not field:
        raise Http404(_("该月尚无存档报告。"))
    return FileResponse(
        field.open("rb"),
        as_attachment=True,
        filename=file_name(parsed, fmt),
        content_type=CONTENT_TYPES[fmt],
    )
