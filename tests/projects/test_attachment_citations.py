"""Which files a form may cite, and who downloads them.

Given files uploaded by different people on different projects; when a form of every kind that
has a file field cites one; then only the author's own upload or a record of the same project the
author sees is accepted — anything else is a 400 naming the field, with nothing saved — and
downloads go by the unguessable public id only."""

import pytest
from rest_framework.test import APIClient

from approvals.attachments import refuse_foreign_files
from approvals.kinds import all_kinds
from approvals.models import Form
from approvals.services import form_update
from projects.demo import pdf_upload
from sipm.errors import InvalidInput

pytestmark = pytest.mark.django_db

KNOWN_FILE_FIELDS = {("quotation", "estimate_report"), ("contract", "contract_file")}


def file_fields():
    return [(kind, f.name) for kind in all_kinds() for f in kind.fields if f.type == "file"]


def test_the_company_kinds_with_file_fields_are_all_covered():
    found = {(kind.slug, name) for kind, name in file_fields()}
    assert found >= KNOWN_FILE_FIELDS
    assert any(name == "archive" for _slug, name in found)  # 资料移交表's 电子资料


@pytest.fixture
def world(org, d):
    own = d.initiate("甲项目").project
    other = d.initiate("乙项目").project
    d.presales(own)
    d.presales(other)
    return {
        "own": own,
        "other": other,
        "mine": pdf_upload(org["sales"], "我的.pdf"),
        "foreign": pdf_upload(org["cs_sales"], "别人的.pdf"),
        "own_report": d.estimate(own).attachment,
        "other_report": d.estimate(other).attachment,
    }


def draft_of(kind, user, project, n):
    return Form.objects.create(
        kind=kind.slug,
        number=f"CITE-{kind.slug}-{n}",
        project=project,
        data={},
        submitter=user,
        department=user.department,
    )


def test_every_file_field_refuses_a_file_of_someone_else_and_saves_nothing(world, org):
    sales = org["sales"]
    for n, (kind, name) in enumerate(file_fields()):
        form = draft_of(kind, sales, world["own"], n)
        with pytest.raises(InvalidInput) as exc:
            form_update(acting_user=sales, form_id=form.pk, data={name: world["foreign"].pk})
        assert name in exc.value.fields, (kind.slug, name)
        assert "本人上传" in exc.value.fields[name]
        form.refresh_from_db()
        assert name not in form.data, (kind.slug, name)


def test_every_file_field_accepts_the_authors_own_upload(world, org):
    sales = org["sales"]
    for n, (kind, name) in enumerate(file_fields()):
        form = draft_of(kind, sales, world["own"], n)
        form_update(acting_user=sales, form_id=form.pk, data={name: world["mine"].pk})
        form.refresh_from_db()
        assert form.data[name] == world["mine"].pk, (kind.slug, name)


@pytest.mark.parametrize(
    "which, allowed",
    [
        ("mine", True),  # own upload
        ("own_report", True),  # the project's estimate report, which sales sees
        ("other_report", False),  # another project's record
        ("foreign", False),  # someone else's loose upload
    ],
)
def test_every_file_field_follows_the_rule_for_each_kind_of_file(world, org, which, allowed):
    sales = org["sales"]
    for kind, name in file_fields():
        values = {name: world[which].pk}
        if allowed:
            refuse_foreign_files(acting_user=sales, spec=kind, project=world["own"], values=values)
        else:
            with pytest.raises(InvalidInput) as exc:
                refuse_foreign_files(
                    acting_user=sales, spec=kind, project=world["own"], values=values
                )
            assert name in exc.value.fields


def test_a_file_another_visible_form_of_the_project_cites_may_be_cited_again(world, org, d):
    """The contract text `sales` filed is cited by an approved form; 项目管理部's `pmo` may cite
    it on that project, but `cs_sales` (who does not see the form) may not."""
    contract_file = world["mine"]
    project = world["own"]
    cited = draft_of(
        next(k for k, n in file_fields() if n == "contract_file"), org["sales"], project, 99
    )
    Form.objects.filter(pk=cited.pk).update(
        data={"contract_file": contract_file.pk}, status="approved"
    )
    kind = next(k for k, n in file_fields() if n == "archive")
    values = {"archive": contract_file.pk}
    refuse_foreign_files(acting_user=org["pmo"], spec=kind, project=project, values=values)
    with pytest.raises(InvalidInput):
        refuse_foreign_files(acting_user=org["cs_sales"], spec=kind, project=project, values=values)
    with pytest.raises(InvalidInput):  # not on another project
        refuse_foreign_files(
            acting_user=org["pmo"], spec=kind, project=world["other"], values=values
        )


def test_the_reported_attack_is_refused(world, org, d):
    """cs_sales uploads a file; sales cites it in his quotation draft by its id (400), and can
    neither download it by that id nor by its public id (404)."""
    project = world["own"]
    report = d.estimate(project)
    draft = d.start("quotation", "sales", project, d.quotation_data(report), submit=False)
    client = APIClient()
    client.force_authenticate(org["sales"])
    secret = world["foreign"]
    response = client.patch(
        f"/api/v1/forms/{draft.pk}/", {"data": {"estimate_report": secret.pk}}, format="json"
    )
    assert response.status_code == 400
    assert "estimate_report" in response.json()["fields"]
    draft.refresh_from_db()
    assert draft.data["estimate_report"] == report.attachment_id
    assert client.get(f"/api/v1/files/{secret.pk}/").status_code == 404
    assert client.get(f"/api/v1/files/{secret.public_id}/").status_code == 404
    owner = APIClient()
    owner.force_authenticate(org["cs_sales"])
    assert owner.get(f"/api/v1/files/{secret.public_id}/").status_code == 200


def test_a_draft_citing_a_file_from_before_the_rule_gives_no_access(world, org):
    """Data written before the citing rule: a draft that cites someone else's file does not open
    it, neither on the API nor on the form's page."""
    kind = next(k for k, n in file_fields() if n == "contract_file")
    draft = draft_of(kind, org["sales"], world["own"], 7)
    secret = world["foreign"]
    Form.objects.filter(pk=draft.pk).update(data={"contract_file": secret.pk})
    client = APIClient()
    client.force_authenticate(org["sales"])
    assert client.get(f"/api/v1/files/{secret.public_id}/").status_code == 404
    from django.test import Client

    web = Client()
    web.force_login(org["sales"])
    assert web.get(f"/forms/{draft.pk}/files/{secret.public_id}/").status_code == 404
