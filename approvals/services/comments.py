"""Comments on a form with @mentions. A comment is seen by everyone who can see the form; the
people mentioned who can see it are notified."""

import re

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_append
from org.models import User
from sipm.errors import InvalidInput, NotVisible

from ..models import Form, FormComment
from ..selectors import forms_visible_to
from .common import emit_form

COMMENT_MAX = 2000
MENTION = re.compile(r"@([\w\u4e00-\u9fff.\-]{1,50})")


def mentioned_in(body: str):
    """People named as @username or @显示名 in the text (active, never the superuser)."""
    names = set(MENTION.findall(body or ""))
    if not names:
        return User.objects.none()
    return User.objects.filter(is_active=True, is_superuser=False).filter(
        Q(username__in=names) | Q(display_name__in=names)
    )


def form_comment_add(*, acting_user, form_id, body, mention_ids=()) -> tuple[FormComment, list]:
    """Add a comment; returns it and the mentioned people who cannot see the form (not told)."""
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("请填写评论内容。"), fields={"body": _("必填。")})
    if len(body) > COMMENT_MAX:
        raise InvalidInput(
            _("评论不能超过 %(n)d 字。") % {"n": COMMENT_MAX}, fields={"body": _("太长。")}
        )
    try:
        ids = {int(i) for i in mention_ids or () if str(i).strip()}
    except (TypeError, ValueError):
        raise InvalidInput(_("所提到的人员无效。"), fields={"mentions": _("无效。")})
    with transaction.atomic():
        form = forms_visible_to(acting_user, Form.objects.select_for_update()).filter(pk=form_id)
        form = form.first()
        if form is None:
            raise NotVisible(_("表单不存在或无权查看。"))
        people = {u.pk: u for u in mentioned_in(body)}
        people.update(
            {u.pk: u for u in User.objects.filter(pk__in=ids, is_active=True, is_superuser=False)}
        )
        people.pop(acting_user.pk, None)
        seeing, unseeing = [], []
        for user in people.values():
            (
                seeing
                if forms_visible_to(user, Form.objects.filter(pk=form.pk)).exists()
                else unseeing
            ).append(user)
        comment = FormComment.objects.create(
            form=form, author=acting_user, body=body, created_at=timezone.now()
        )
        comment.mentions.set(seeing)
        audit_append(
            verb="form.commented",
            actor=acting_user,
            form=form,
            project=form.project_id,
            payload={"comment": comment.pk, "mentions": [u.pk for u in seeing]},
        )
        emit_form(
            "form.commented",
            form,
            actor=acting_user,
            payload={"comment": comment.pk, "body": body[:500], "mentions": [u.pk for u in seeing]},
        )
    return comment, unseeing
