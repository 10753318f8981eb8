"""The admin site is for administrators only: people, units and roles, never recordings.

Every change made here goes through the same domain functions as everywhere else and is a
ledger entry: profile edits, deactivation, password resets, roles (which, for the roles that
see or approve content, only become pending grants a second person must confirm), and token
revocation. Nobody changes their own roles here, and no token key can be read.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from bodycam.accounts import people, tokens
from bodycam.accounts.grants import OWN_ROLES
from bodycam.accounts.models import ApiToken, GrantStatus, RoleGrant, Unit, User
from bodycam.accounts.roles import Role
from bodycam.lib.errors import Refused

VIA = "admin"


class RolesField(forms.MultipleChoiceField):
    def __init__(self, **kwargs) -> None:
        super().__init__(
            choices=Role.choices,
            widget=forms.CheckboxSelectMultiple,
            required=False,
            label=_("角色"),
            help_text=_(
                "主要负责人、综合科、督察人员、审计人员、保密员和系统管理员角色须经第二人确认后生效。"
            ),
            **kwargs,
        )


class PersonChangeForm(UserChangeForm):
    roles = RolesField()
    acting: User | None = None  # the administrator filling the form (set by the admin)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        pending = self.instance.role_grants.filter(status=GrantStatus.PENDING)
        self.initial["roles"] = sorted(self.instance.roles | {g.role for g in pending})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        own = self.acting is not None and self.acting.pk == self.instance.pk
        if own and set(data.get("roles", [])) != set(self.initial["roles"]):
            raise forms.ValidationError(OWN_ROLES)
        if own and not data.get("is_active", True):
            raise forms.ValidationError(_("不能停用自己的账户。"))
        return data


class PersonCreationForm(UserCreationForm):
    roles = RolesField()
    acting: User | None = None


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = PersonChangeForm
    add_form = PersonCreationForm
    list_display = ["username", "full_name", "badge_number", "unit", "is_active"]
    list_filter = ["is_active", "unit", "role_assignments__role"]
    search_fields = ["username", "full_name", "badge_number"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("个人信息"), {"fields": ["full_name", "badge_number", "unit"]}),
        (_("角色"), {"fields": ["roles"]}),
        (_("状态"), {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username", "full_name", "badge_number", "unit", "roles",
                    "password1", "password2",
                ],
            },
        ),
    ]  # fmt: skip
    readonly_fields = ["last_login", "date_joined"]

    def get_form(
        self, request: HttpRequest, obj: User | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[User]]:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"acting": request.user})

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            password = form.cleaned_data.get("password1") or None
            created = people.add_person(
                obj.username, password, full_name=obj.full_name,
                badge_number=obj.badge_number, unit=obj.unit, actor=request.user, via=VIA,
            )  # fmt: skip
            obj.pk, obj._state.adding = created.pk, False
            obj.refresh_from_db()
            return
        before = people.profile_of(User.objects.get(pk=obj.pk))
        super().save_model(request, obj, form, change)
        people.record_profile_change(obj, before, request.user, via=VIA)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        try:
            outcome = people.set_roles(
                form.instance, form.cleaned_data.get("roles", []), request.user, via=VIA
            )
        except Refused as refusal:
            messages.error(request, refusal.text())
            return
        if outcome.pending:
            labels = "、".join(str(Role(role).label) for role in outcome.pending)
            messages.warning(
                request,
                gettext_now("角色“%(roles)s”须经第二人确认后生效，已提交确认。")
                % {"roles": labels},
            )

    def user_change_password(self, request, id, form_url=""):
        request.bodycam_password_change = True
        with transaction.atomic():  # the new password and its ledger entry, together
            return super().user_change_password(request, id, form_url)

    def log_change(self, request, obj, message):
        if getattr(request, "bodycam_password_change", False):
            people.record_password_set(obj, request.user, via=VIA)
        return super().log_change(request, obj, message)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # people leave by being deactivated: their history stays attributable


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent"]
    search_fields = ["code", "name"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens by their prefix only (the key is not stored); revoking is the one change."""

    list_display = ["prefix", "user", "name", "created_at", "expires_at", "last_used_at",
                    "revoked_at"]  # fmt: skip
    list_filter = ["revoked_at"]
    search_fields = ["prefix", "user__username", "name"]
    readonly_fields = [field.name for field in ApiToken._meta.fields if field.name != "digest"]
    exclude = ["digest"]
    actions = ["revoke"]

    @admin.action(description=_("吊销所选令牌"))
    def revoke(self, request, queryset) -> None:
        done = 0
        for token in queryset.filter(revoked_at__isnull=True):
            tokens.revoke_token(token, request.user)
            done += 1
        messages.success(request, gettext_now("已吊销 %(count)d 个令牌。") % {"count": done})

    def has_add_permission(self, request) -> bool:
        return False  # a key is issued to its owner, never by someone else

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("accounts.revoke_apitoken"):
            actions.pop("revoke", None)
        return actions


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    """Grants awaiting or past confirmation; confirming is done on the product's page."""

    list_display = ["user", "role", "status", "requested_by", "requested_at", "decided_by"]
    list_filter = ["status", "role"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
