"""People and organisation: units, users with badge numbers, their roles, failed logins."""

from functools import cached_property
from typing import Any, Self

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.roles import Role, permissions_for_roles
from bodycam.lib.restrict import RestrictedQuerySet


class Unit(models.Model):
    """An organisational unit (单位/科室): the bureau, a squad, the records office."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    code = models.CharField(_("代码"), max_length=30, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class UserQuerySet(RestrictedQuerySet):
    def scope(self, user: Any, action: str) -> Self:
        """Everyone sees themselves; seeing others needs the permission."""
        if user.has_perm(f"accounts.{action}_user"):
            return self
        return self.filter(pk=user.pk) if action == "view" else self.none()


class BodycamUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who signs in: officer, custodian, head … (roles in RoleAssignment).

    `is_superuser` only marks the installation's first administrator; permissions come from
    roles alone, so a superuser is an administrator and sees no recording without approval.
    """

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    badge_number = models.CharField(
        _("警号"),
        max_length=30,
        unique=True,
        null=True,
        blank=True,
        help_text=_("执法证号或警号；记录仪文件名中使用。"),
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT
    )

    objects = BodycamUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """Name and badge number as shown on pages and documents."""
        name = self.full_name or self.username
        return f"{name}（{self.badge_number}）" if self.badge_number else name

    @cached_property
    def roles(self) -> frozenset[str]:
        """The role codes this user holds."""
        held = set(self.role_assignments.values_list("role", flat=True)) if self.pk else set()
        if self.is_superuser:
            held.add(Role.ADMINISTRATOR)
        return frozenset(held)

    @cached_property
    def granted_permissions(self) -> frozenset[str]:
        return permissions_for_roles(set(self.roles))

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return self.is_active and perm in self.granted_permissions

    def has_perms(self, perm_list: Any, obj: Any = None) -> bool:
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label: str) -> bool:
        prefix = f"{app_label}."
        return self.is_active and any(p.startswith(prefix) for p in self.granted_permissions)

    def has_role(self, role: str) -> bool:
        return role in self.roles


class RoleAssignment(models.Model):
    """One role held by one user."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="one_assignment_per_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class LoginFailure(models.Model):
    """A failed sign-in; recent ones lock the account or the address for a while."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.GenericIPAddressField(null=True, db_index=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("登录失败")
        verbose_name_plural = _("登录失败")

    def __str__(self) -> str:
        return f"{self.username} @ {self.address} {self.at:%Y-%m-%d %H:%M:%S}"
