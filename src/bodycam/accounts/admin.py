"""The admin site is for administrators only: people, units and roles, never recordings."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.models import Unit, User
from bodycam.accounts.people import set_roles
from bodycam.accounts.roles import Role
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action


class RolesField(forms.MultipleChoiceField):
    def __init__(self, **kwargs) -> None:
        super().__init__(
            choices=Role.choices,
            widget=forms.CheckboxSelectMultiple,
            required=False,
            label=_("角色"),
            **kwargs,
        )


class PersonChangeForm(UserChangeForm):
    roles = RolesField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.initial["roles"] = sorted(self.instance.roles)


class PersonCreationForm(UserCreationForm):
    roles = RolesField()


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

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        changed = [
            name for name in form.changed_data if name not in ("roles", "password1", "password2")
        ]
        record(
            Action.USER_CHANGE,
            obj,
            request.user,
            change="updated" if change else "created",
            fields=changed,
        )

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        set_roles(form.instance, form.cleaned_data.get("roles", []), request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # people leave by being deactivated: their history stays attributable


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent"]
    search_fields = ["code", "name"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
