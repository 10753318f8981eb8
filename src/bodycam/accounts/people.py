"""Creating and changing people: one place, used by the admin site, the demo, imports and the
command line alike. Every change of an account is a ledger entry, whoever makes it and from
wherever (`via` names the page or command)."""

import secrets
from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.grants import RoleChange, change_roles
from bodycam.accounts.models import AccountChange, Unit, User
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action
from bodycam.lib.errors import Refused

# Fields of an account whose change is recorded with its before and after values.
PROFILE_FIELDS = ("username", "full_name", "badge_number", "unit", "email")
READABLE = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"


def set_roles(
    user: User, roles: Iterable[str], actor: User | None = None, *, via: str = ""
) -> RoleChange:
    """Give `user` these roles, under the separation of duties of grants.change_roles."""
    return change_roles(user, roles, actor, via=via)


@transaction.atomic
def add_person(
    username: str,
    password: str | None,
    *,
    full_name: str = "",
    badge_number: str | None = None,
    unit: Unit | None = None,
    roles: Iterable[str] = (),
    actor: User | None = None,
    via: str = "",
    must_change_password: bool = False,
) -> User:
    """Create a user with a password (None: cannot sign in with one) and roles; ledger
    entries for both. `must_change_password`: someone else chose it, the person replaces it
    at first sign-in."""
    user = User(
        username=username, full_name=full_name, badge_number=badge_number, unit=unit,
        must_change_password=must_change_password and password is not None,
    )  # fmt: skip
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    record(Action.USER_CHANGE, user, actor, change=AccountChange.CREATED, username=username,
           via=via)  # fmt: skip
    set_roles(user, roles, actor, via=via)
    return user


def _shown(user: User, name: str) -> str | None:
    value = getattr(user, name)
    return None if value is None else str(getattr(value, "code", value))


@transaction.atomic
def record_profile_change(user: User, before: dict, actor: User | None, *, via: str = "") -> None:
    """A ledger entry for the profile fields that differ from `before` (as `profile_of` gave
    them), and for a change of `is_active`; nothing when nothing changed."""
    after = profile_of(user)
    changed = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    active = changed.pop("is_active", None)
    if changed:
        record(Action.USER_CHANGE, user, actor, change=AccountChange.UPDATED, via=via,
               fields=changed)  # fmt: skip
    if active is not None:
        if actor is not None and actor.pk == user.pk:
            raise Refused(_("不能停用自己的账户。"), code="own_account", http_status=403)
        change = AccountChange.REACTIVATED if user.is_active else AccountChange.DEACTIVATED
        record(Action.USER_CHANGE, user, actor, change=change, via=via)


def profile_of(user: User) -> dict[str, str | None]:
    """The recorded fields of an account, as text, to compare before and after a change."""
    shown = {name: _shown(user, name) for name in PROFILE_FIELDS}
    return {**shown, "is_active": str(user.is_active)}


@transaction.atomic
def reset_password(user: User, password: str | None, actor: User | None, *, via: str = "") -> None:
    """Set someone's password (None: password sign-in disabled). When it is the user's own,
    the entry says so; set by someone else, the person must replace it at next sign-in. The
    password itself is never recorded."""
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    own = actor is not None and actor.pk == user.pk
    user.must_change_password = password is not None and not own
    user.save(update_fields=["password", "must_change_password"])
    record_password_set(user, actor, via=via)


def record_password_set(user: User, actor: User | None, *, via: str = "") -> None:
    """The ledger entry for a password just set (by the admin site's own form, say)."""
    own = actor is not None and actor.pk == user.pk
    change = AccountChange.PASSWORD_CHANGED if own else AccountChange.PASSWORD_RESET
    record(Action.USER_CHANGE, user, actor, change=change, via=via,
           usable=user.has_usable_password())  # fmt: skip


def _may_manage(actor: User | None) -> None:
    if actor is not None and not actor.has_perm("accounts.change_user"):
        raise Refused(
            _("只有系统管理员可以管理人员和单位。"), code="not_permitted", http_status=403
        )


@transaction.atomic
def change_profile(user: User, actor: User | None, *, via: str = "", **fields: object) -> User:
    """Change name, badge number, unit or e-mail; the ledger holds each before and after."""
    _may_manage(actor)
    before = profile_of(user)
    for name, value in fields.items():
        if name in PROFILE_FIELDS and name != "username":
            setattr(user, name, value)
    user.save()
    record_profile_change(user, before, actor, via=via)
    return user


@transaction.atomic
def set_active(user: User, active: bool, actor: User | None, *, via: str = "") -> User:
    """Deactivate (cannot sign in, kept with everything they did) or reactivate an account."""
    _may_manage(actor)
    before = profile_of(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    record_profile_change(user, before, actor, via=via)
    return user


def generate_password(user: User) -> str:
    """A password that passes the validators, easy to read out (no 0/O, 1/l/I)."""
    while True:
        password = "".join(secrets.choice(READABLE) for position in range(12))
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password


def issue_temporary_password(user: User, actor: User | None, *, via: str = "") -> str:
    """A new password for someone who forgot theirs: shown once to hand over, replaced by the
    person at their next sign-in."""
    _may_manage(actor)
    if actor is not None and actor.pk == user.pk:
        raise Refused(_("请在“我的账户”中修改自己的密码。"), code="own_account", http_status=403)
    password = generate_password(user)
    reset_password(user, password, actor, via=via)
    return password


@transaction.atomic
def save_unit(unit: Unit, actor: User | None) -> Unit:
    """Add or change a unit; a ledger entry with what it now is."""
    _may_manage(actor)
    if unit.parent_id is not None and unit.pk is not None:
        ancestor: Unit | None = unit.parent
        while ancestor is not None:
            if ancestor.pk == unit.pk:
                raise Refused(_("上级单位不能是它自己或它的下级。"), code="unit_cycle")
            ancestor = ancestor.parent
    change = AccountChange.UNIT_CREATED if unit.pk is None else AccountChange.UNIT_UPDATED
    unit.save()
    record(Action.USER_CHANGE, unit, actor, change=change, code=unit.code, name=unit.name,
           parent=unit.parent.code if unit.parent else None)  # fmt: skip
    return unit
