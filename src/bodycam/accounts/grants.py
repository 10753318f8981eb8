"""Separation of duties for roles: nobody changes their own roles, and a role that sees or
approves content (roles.CONFIRMED_ROLES) takes effect only when a second person confirms it —
the bureau head, or for the head's role another administrator; never the one who asked, never
the one who receives it. Every step is a ledger entry.

The command line (actor None) is the server's operator, who already holds the database: its
grants take effect at once, and say so in the ledger.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.models import AccountChange, GrantStatus, RoleAssignment, RoleGrant, User
from bodycam.accounts.roles import CONFIRMED_ROLES, Role
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action
from bodycam.lib.errors import Refused

OWN_ROLES = _("不能更改自己的角色：请另一位系统管理员办理。")


@dataclass
class RoleChange:
    """What a change of roles did: roles given at once, roles awaiting confirmation, removed."""

    assigned: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _forget_roles(user: User) -> None:
    user.__dict__.pop("roles", None)
    user.__dict__.pop("granted_permissions", None)


def _held(user: User) -> set[str]:
    return set(user.role_assignments.values_list("role", flat=True))


def _assign(user: User, roles: set[str]) -> None:
    for role in roles:
        RoleAssignment.objects.get_or_create(user=user, role=role)
    user.is_staff = Role.ADMINISTRATOR in _held(user) or user.is_superuser
    user.save(update_fields=["is_staff"])
    _forget_roles(user)


@transaction.atomic
def change_roles(
    user: User, roles: Iterable[str], actor: User | None, *, via: str = ""
) -> RoleChange:
    """Make `user`'s roles these: removals and ordinary roles at once, confirmed roles as
    pending grants (unless the operator on the command line gives them)."""
    wanted = {Role(role).value for role in roles}
    if actor is not None:
        if actor.pk == user.pk:
            raise Refused(OWN_ROLES, code="own_roles", http_status=403)
        if not actor.has_perm("accounts.change_user"):
            raise Refused(_("只有系统管理员可以更改角色。"), code="not_permitted", http_status=403)
    User.objects.select_for_update().filter(pk=user.pk).first()  # one change at a time
    held = _held(user)
    change = RoleChange(removed=sorted(held - wanted))
    user.role_assignments.filter(role__in=change.removed).delete()
    _withdraw(user, exclude=wanted, actor=actor)
    for role in sorted(wanted - held):
        if actor is not None and role in CONFIRMED_ROLES:
            if _request(user, role, actor):
                change.pending.append(role)
        else:
            change.assigned.append(role)
    _assign(user, set(change.assigned))
    if change.removed or change.assigned:
        record(Action.USER_CHANGE, user, actor, change=AccountChange.ROLES, via=via,
               before=sorted(held), after=sorted(_held(user)))  # fmt: skip
    return change


def _request(user: User, role: str, actor: User) -> bool:
    """A pending grant of `role` (False if one is already pending)."""
    if RoleGrant.objects.filter(user=user, role=role, status=GrantStatus.PENDING).exists():
        return False
    try:
        with transaction.atomic():
            grant = RoleGrant.objects.create(
                user=user, role=role, requested_by=actor, requested_at=timezone.now()
            )
    except IntegrityError:  # requested concurrently
        return False
    record(Action.USER_CHANGE, user, actor, change=AccountChange.ROLE_REQUESTED,
           role=role, grant=grant.pk)  # fmt: skip
    return True


def _withdraw(user: User, exclude: set[str], actor: User | None) -> None:
    """Pending grants of roles no longer wanted are withdrawn."""
    stale = RoleGrant.objects.filter(user=user, status=GrantStatus.PENDING).exclude(
        role__in=exclude
    )
    for grant in stale:
        _decide(grant, GrantStatus.WITHDRAWN, actor, "")
        record(Action.USER_CHANGE, user, actor, change=AccountChange.ROLE_WITHDRAWN,
               role=grant.role, grant=grant.pk)  # fmt: skip


def _decide(grant: RoleGrant, status: str, actor: User | None, comment: str) -> None:
    grant.status = status
    grant.decided_by = actor
    grant.decided_at = timezone.now()
    grant.comment = comment.strip()
    grant.save(update_fields=["status", "decided_by", "decided_at", "comment"])


def confirmable_by(user: User) -> QuerySet[RoleGrant]:
    """The pending grants `user` may confirm or refuse (RoleGrantQuerySet.scope)."""
    return RoleGrant.objects.restrict(user, "confirm")


def _pending_for(grant: RoleGrant, actor: User) -> RoleGrant:
    locked = RoleGrant.objects.select_for_update().filter(pk=grant.pk).first()
    if locked is None or not confirmable_by(actor).filter(pk=grant.pk).exists():
        if locked is not None and locked.status != GrantStatus.PENDING:
            raise Refused(_("这项角色授予已经处理过了（%(state)s）。"), code="already_decided",
                          http_status=409, state=GrantStatus(locked.status).label)  # fmt: skip
        raise Refused(WHO_CONFIRMS, code="not_permitted", http_status=403)
    return locked


WHO_CONFIRMS = _(
    "角色授予须由第二人确认：主要负责人角色由另一位系统管理员确认，其他角色由主要负责人确认；"
    "申请人和被授予人本人都不能确认。"
)


@transaction.atomic
def confirm_grant(grant: RoleGrant, actor: User, comment: str = "") -> RoleGrant:
    """The second person confirms: the role takes effect now."""
    grant = _pending_for(grant, actor)
    _decide(grant, GrantStatus.CONFIRMED, actor, comment)
    before = sorted(_held(grant.user))
    _assign(grant.user, {grant.role})
    record(Action.USER_CHANGE, grant.user, actor, change=AccountChange.ROLE_CONFIRMED,
           role=grant.role, grant=grant.pk, requested_by=_name(grant.requested_by),
           before=before, after=sorted(_held(grant.user)))  # fmt: skip
    return grant


@transaction.atomic
def refuse_grant(grant: RoleGrant, actor: User, comment: str) -> RoleGrant:
    """The second person refuses, saying why."""
    grant = _pending_for(grant, actor)
    if not comment.strip():
        raise Refused(_("拒绝时请写明理由。"), code="reason_required")
    _decide(grant, GrantStatus.REFUSED, actor, comment)
    record(Action.USER_CHANGE, grant.user, actor, change=AccountChange.ROLE_REFUSED,
           role=grant.role, grant=grant.pk, comment=grant.comment)  # fmt: skip
    return grant


def _name(user: User | None) -> str:
    return user.username if user is not None else ""
