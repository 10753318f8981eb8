from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bodycam.accounts import throttling
from bodycam.accounts.models import Unit, User
from bodycam.accounts.roles import Role
from bodycam.lib.forms import Form


class LoginForm(AuthenticationForm):
    """Sign-in that says plainly when, and why, it is locked."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy(
            "用户名或密码不正确，请重新输入。连续多次失败后账户将被暂时锁定。"
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = throttling.client_address(self.request)
        self._refuse_if_locked(username, address)
        try:
            return super().clean()
        except forms.ValidationError:
            self._refuse_if_locked(username, address)  # this failure may have set the lock
            raise

    def _refuse_if_locked(self, username: str, address: str | None) -> None:
        lock = throttling.current_lock(username, address)
        if lock is None:
            return
        until = timezone.localtime(lock.until).strftime("%H:%M")
        if lock.reason == "account":
            message = _(
                "登录失败次数过多，该账户已被锁定，请于 %(until)s 后再试，或联系系统管理员。"
            )
        else:
            message = _(
                "本机地址登录失败次数过多，已被暂时锁定，请于 %(until)s 后再试，或联系系统管理员。"
            )
        raise forms.ValidationError(message % {"until": until}, code="locked")


class TokenForm(Form):
    """A new API token of one's own: what it is for and how long it lasts."""

    name = forms.CharField(
        label=gettext_lazy("用途"), max_length=100, required=False,
        help_text=gettext_lazy("例如“一大队采集站”，便于日后识别和吊销。"),
    )  # fmt: skip
    days = forms.IntegerField(label=gettext_lazy("有效天数"), min_value=1)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        days = self.fields["days"]
        assert isinstance(days, forms.IntegerField)
        days.initial = settings.API_TOKEN_DAYS
        days.max_value = settings.API_TOKEN_MAX_DAYS
        days.widget.attrs["max"] = settings.API_TOKEN_MAX_DAYS


class PersonForm(forms.ModelForm):
    """Who someone is: the administrator adds and corrects it on the people pages."""

    class Meta:
        model = User
        fields = ["username", "full_name", "badge_number", "unit", "email"]
        help_texts = {"username": gettext_lazy("登录用；字母、数字和 @ . + - _。")}
        error_messages = {
            "username": {"unique": gettext_lazy("该用户名已被使用，请换一个。")},
            "badge_number": {"unique": gettext_lazy("该警号已属于另一位人员，请检查。")},
        }

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.order_by("code")  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["username"].disabled = True  # the name people sign in with stays

    def clean_badge_number(self) -> str | None:
        return (self.cleaned_data.get("badge_number") or "").strip() or None


class RolesForm(Form):
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("角色"), choices=Role.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("能查看或审批音像记录内容的角色，须经主要负责人确认后生效。"),
    )  # fmt: skip


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["code", "name", "parent"]
        error_messages = {
            "code": {"unique": gettext_lazy("该代码已被另一个单位使用。")},
            "name": {"unique": gettext_lazy("已有同名单位。")},
        }

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        parents = Unit.objects.order_by("code")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
