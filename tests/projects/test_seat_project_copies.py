"""Every seat, open or closed, and every copy (抄送/存档) carries its form's project and that
project's creation time (the project lists read a person's newest projects from their seats and
their department's copies in that order): written when a step opens its seats and when an
approved form is copied, by the scale seed, and by the backfills of migrations 0016 and 0018."""

import importlib
from io import StringIO
from types import SimpleNamespace

from django.apps import apps
from django.core.management import call_command
from django.db import connection

from approvals.models import FormCopy, StepAssignee
from org.models import User
from projects.selectors import newest_visible_ids

migrations = "approvals.migrations."
backfill = importlib.import_module(migrations + "0016_seat_project_created").backfill
backfill_copies = importlib.import_module(migrations + "0018_copy_project_created").backfill


def wrong_copies():
    seats = StepAssignee.objects.select_related("step__form__project")
    copies = FormCopy.objects.select_related("form__project")
    assert seats.exists() and copies.exists()
    out = []
    for row, form in [(s, s.step.form) for s in seats] + [(c, c.form) for c in copies]:
        project = form.project
        want = (project.pk, project.created_at) if project else (None, None)
        if (row.project_id, row.project_created_at) != want:
            out.append((type(row).__name__, row.pk, row.project_id, row.project_created_at, want))
    return out


def test_seats_opened_by_the_services_carry_the_project_and_its_creation(d, quoted):
    project = quoted
    closed = StepAssignee.objects.filter(project=project, is_open=False)
    assert closed.count() >= 4  # the seats of the approved 立项书, 售前 and 报价 forms
    assert wrong_copies() == []
    # A person who only ever held a seat on the project's forms finds it in their list.
    holder = User.objects.get(pk=closed.values_list("user_id", flat=True).first())
    assert project.pk in newest_visible_ids(holder, 50)
    # So does whoever works in a department that got a copy of one of them.
    copy = FormCopy.objects.filter(project=project).select_related("department").first()
    reader = User.objects.create_user("reader", password="x", department=copy.department)
    assert newest_visible_ids(reader, 50) == [project.pk]


def test_the_scale_seed_writes_the_copies_on_every_seat(db):
    call_command("seed_scale", projects=12, seed=5, stdout=StringIO())
    assert StepAssignee.objects.filter(is_open=False).exists()
    assert wrong_copies() == []


def test_the_migration_backfills_seats_that_lack_the_copies(db):
    call_command("seed_scale", projects=8, seed=2, stdout=StringIO())
    # Seats closed before 0015 had no project; none had the creation time.
    StepAssignee.objects.filter(is_open=False).update(project=None, project_created_at=None)
    StepAssignee.objects.update(project_created_at=None)
    FormCopy.objects.update(project=None, project_created_at=None)
    editor = SimpleNamespace(connection=connection)  # the backfills use only the connection
    backfill(apps, editor)
    backfill_copies(apps, editor)
    assert wrong_copies() == []
