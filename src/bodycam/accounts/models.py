"""People and organisation: units, users with badge numbers, their roles (and the grants of a
role still awaiting a second person), API tokens, failed logins."""

from functools import cached_property
from typing import Any, ClassVar, Self

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from bodycam.access.levels import SecrecyLevel
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


class UserQuerySet(RestrictedQuerySet["User"]):
    def scope(self, user: Any, action: str) -> Self:
        """Everyone sees themselves; seeing others needs the permission."""
        if user.has_perm(f"accounts.{action}_user"):
            return self
        return self.filter(pk=user.pk) if action == "view" else self.none()


# Migrations name a manager by its class, so the class from_queryset() makes is subclassed.
_UserManagerFromQuerySet = UserManager.from_queryset(UserQuerySet)


# The django-stubs plugin turns the base into a class, but mypy has already judged it a variable
# on an earlier pass (python/mypy#17402); the class it ends up with is fully typed all the same.
class BodycamUserManager(_UserManagerFromQuerySet["User"]):  # type: ignore[valid-type]
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
    clearance = models.PositiveSmallIntegerField(
        _("涉密资格"),
        choices=SecrecyLevel.choices,
        default=SecrecyLevel.ORDINARY,
        help_text=_("可以看到的最高密级；由保密员设定（R-19）。"),
    )

    # A password someone else chose (an import, a reset, the demo): pages ask for a new one
    # before anything else, so that only the person knows it.
    must_change_password = models.BooleanField(_("须修改初始密码"), default=False)

    objects: ClassVar[BodycamUserManager] = BodycamUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]
        permissions = [("change_clearance", "Set a user's secrecy clearance (R-19)")]

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


class AccountChange(models.TextChoices):
    """What a `user_change` ledger entry says happened to an account (its payload's `change`)."""

    CREATED = "created", _("创建账户")
    UPDATED = "updated", _("修改信息")
    ROLES = "roles", _("角色变更")
    ROLE_REQUESTED = "role_requested", _("申请授予角色")
    ROLE_CONFIRMED = "role_confirmed", _("确认授予角色")
    ROLE_REFUSED = "role_refused", _("拒绝授予角色")
    ROLE_WITHDRAWN = "role_withdrawn", _("撤回角色申请")
    PASSWORD_RESET = "password_reset", _("重置密码")
    PASSWORD_CHANGED = "password_changed", _("本人修改密码")
    DEACTIVATED = "deactivated", _("停用账户")
    REACTIVATED = "reactivated", _("启用账户")
    UNIT_CREATED = "unit_created", _("新增单位")
    UNIT_UPDATED = "unit_updated", _("修改单位")
    TOKEN_ISSUED = "token_issued", _("签发 API 令牌")
    TOKEN_REVOKED = "token_revoked", _("吊销 API 令牌")
    CLEARANCE = "clearance", _("变更涉密资格")


class GrantStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REFUSED = "refused", _("已拒绝")
    WITHDRAWN = "withdrawn", _("已撤回")


class RoleGrantQuerySet(RestrictedQuerySet["RoleGrant"]):
    def scope(self, user: Any, action: str) -> Self:
        """view/confirm: the pending grants this user may decide: the head those of every role
        but the head's, an administrator those of the head's role; never a grant they asked
        for or would receive."""
        if action not in ("view", "confirm"):
            return self.none()
        pending = self.filter(status="pending").exclude(
            models.Q(user=user) | models.Q(requested_by=user)
        )
        head, admin = user.has_role(Role.HEAD), user.has_role(Role.ADMINISTRATOR)
        if head and admin:
            return pending
        if head:
            return pending.exclude(role=Role.HEAD)
        if admin:
            return pending.filter(role=Role.HEAD)
        return self.none()


class RoleGrant(models.Model):
    """A role given to someone that takes effect only when a second person confirms it
    (separation of duties; see grants.py for who may confirm).

    pending --confirm--> confirmed (the RoleAssignment exists from then on)
    pending --refuse--> refused;  pending --withdraw--> withdrawn (role no longer wanted)
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_grants")
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    status = models.CharField(
        _("状态"), max_length=12, choices=GrantStatus.choices, default=GrantStatus.PENDING
    )
    requested_by = models.ForeignKey(
        User, verbose_name=_("申请人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"))
    decided_by = models.ForeignKey(
        User, verbose_name=_("确认人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    comment = models.TextField(_("意见"), blank=True)

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色授予")
        verbose_name_plural = _("角色授予")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(status="pending"),
                name="one_pending_grant_per_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.get_status_display()}"


class ApiTokenQuerySet(RestrictedQuerySet["ApiToken"]):
    def scope(self, user: Any, action: str) -> Self:
        """Everyone sees and revokes their own tokens; administrators everyone's (still only
        the prefix: no one can read a key)."""
        if user.has_perm(f"accounts.{action}_apitoken"):
            return self
        return self.filter(user=user) if action in ("view", "revoke") else self.none()


class ApiToken(models.Model):
    """A key a program signs in with (`Authorization: Token <key>`), acting as its owner.

    Only the SHA-256 of the key is stored, with its first characters to recognise it by: the
    key itself is shown once, when it is issued, and can never be read again by anyone.
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100, blank=True)
    prefix = models.CharField(_("令牌前缀"), max_length=16, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("签发时间"))
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField(_("到期时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at"]
        permissions = [("revoke_apitoken", "Revoke anyone's API token")]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


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
