"""The admin site is for administrators only: people, units and roles, never recordings."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.models import RoleAssignment, Unit, User
from bodycam.accounts.people import set_roles


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [RoleInline]
    list_display = ["username", "full_name", "badge_number", "unit", "is_active"]
    list_filter = ["is_active", "unit", "role_assignments__role"]
    search_fields = ["username", "full_name", "badge_number"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("个人信息"), {"fields": ["full_name", "badge_number", "unit"]}),
        (_("状态"), {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "full_name",
                    "badge_number",
                    "unit",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]
    readonly_fields = ["last_login", "date_joined"]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        user = form.instance
        set_roles(user, user.role_assignments.values_list("role", flat=True))

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # people leave by being deactivated: their history stays attributable


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent"]
    search_fields = ["code", "name"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
