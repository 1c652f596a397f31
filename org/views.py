"""Browser views of the organisation: login/logout and the user's profile (signature, 代签委托)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.config_audit import CHANGED, config_audit
from sipm.errors import DomainError

from . import services
from .models import Delegation, User

SIGNATURE_MAX_BYTES = 2 * 1024 * 1024


class LoginView(auth_views.LoginView):
    template_name = "org/login.html"
    redirect_authenticated_user = True

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["username"].widget.attrs.update({"class": "form-control", "autofocus": True})
        form.fields["password"].widget.attrs.update({"class": "form-control"})
        return form


class LogoutView(auth_views.LogoutView):
    pass


class SignatureForm(forms.Form):
    signature = forms.ImageField(
        label=gettext_lazy("签名图片"),
        help_text=gettext_lazy("PNG 或 JPG，不超过 2 MB；用于审批单打印时的签名。"),
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ".png,.jpg,.jpeg"}
        ),
    )

    def clean_signature(self):
        image = self.cleaned_data["signature"]
        if image.size > SIGNATURE_MAX_BYTES:
            raise forms.ValidationError(_("“签名图片”：文件不能超过 2 MB。"))
        if (getattr(image, "image", None) is not None) and image.image.format not in (
            "PNG",
            "JPEG",
        ):
            raise forms.ValidationError(_("“签名图片”：只接受 PNG 或 JPG 图片。"))
        return image


class DelegationForm(forms.Form):
    delegate = forms.ModelChoiceField(
        label=gettext_lazy("代理人"),
        queryset=User.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    start_date = forms.DateField(
        label=gettext_lazy("开始日期"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "form-control"}),
    )
    end_date = forms.DateField(
        label=gettext_lazy("结束日期"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "form-control"}),
    )
    note = forms.CharField(
        label=gettext_lazy("说明"),
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegate"].queryset = (
            User.objects.filter(is_active=True, is_superuser=False)
            .exclude(pk=user.pk)
            .select_related("department")
            .order_by("department__sort_order", "id")
        )
        # Searchable (Tom Select over the people endpoint); never the superuser.
        self.fields["delegate"].widget.attrs["data-people-url"] = reverse("people-search")
        self.fields["delegate"].label_from_instance = lambda u: (
            f"{u}（{u.department.name}）" if u.department else str(u)
        )


def _password_form(user, data=None):
    form = PasswordChangeForm(user, data)
    for field in form.fields.values():
        field.widget.attrs.update({"class": "form-control form-control-sm"})
    return form


def _profile_page(
    request, *, signature_form=None, delegation_form=None, password_form=None, status=200
):
    user = request.user
    today = timezone.localdate()
    return render(
        request,
        "org/profile.html",
        {
            "signature_form": signature_form or SignatureForm(),
            "delegation_form": delegation_form
            or DelegationForm(user=user, initial={"start_date": today}),
            "given": Delegation.objects.filter(principal=user)
            .select_related("delegate")
            .order_by("-start_date"),
            "taken": Delegation.objects.filter(delegate=user, active=True, end_date__gte=today)
            .select_related("principal")
            .order_by("start_date"),
            "today": today,
            "password_form": password_form or _password_form(user),
        },
        status=status,
    )


@login_required
@require_POST
def password_change(request):
    """The full password validators (settings.AUTH_PASSWORD_VALIDATORS); the API tokens of the
    account are revoked (org.auth), this browser stays logged in."""
    form = _password_form(request.user, request.POST)
    if not form.is_valid():
        messages.error(request, _("密码未修改。"))
        return _profile_page(request, password_form=form, status=400)
    user = form.save()
    update_session_auth_hash(request, user)
    messages.success(request, _("密码已修改。"))
    return redirect("profile")


@login_required
def profile(request):
    return _profile_page(request)


@login_required
@require_POST
def signature_upload(request):
    form = SignatureForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("签名图片未保存。"))
        return _profile_page(request, signature_form=form, status=400)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=request.user.pk)
        old = {"signature": user.signature.name or ""}
        user.signature = form.cleaned_data["signature"]
        user.save(update_fields=["signature"])
        config_audit(
            acting_user=request.user,
            obj=user,
            verb=CHANGED,
            old=old,
            new={"signature": user.signature.name},
        )
    messages.success(request, _("签名图片已更新。"))
    return redirect("profile")


@login_required
@require_POST
def delegation_add(request):
    form = DelegationForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.delegation_create(
                acting_user=request.user,
                principal=request.user,
                delegate=form.cleaned_data["delegate"],
                start_date=form.cleaned_data["start_date"],
                end_date=form.cleaned_data["end_date"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            for name, message in exc.fields.items():
                form.add_error(name if name in form.fields else None, message)
            if not exc.fields:
                form.add_error(None, exc.message)
        else:
            messages.success(request, _("代签委托已设置。"))
            return redirect("profile")
    messages.error(request, _("代签委托未保存，请检查填写的内容。"))
    return _profile_page(request, delegation_form=form, status=400)


@login_required
@require_POST
def delegation_cancel(request, pk):
    delegation = get_object_or_404(Delegation, pk=pk, principal=request.user)
    try:
        services.delegation_cancel(acting_user=request.user, delegation=delegation)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("代签委托已取消。"))
    return redirect("profile")
