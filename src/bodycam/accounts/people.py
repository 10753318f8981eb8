"""Creating and changing people: one place, used by the admin site, the demo, imports and the
command line alike. Every change of an account is a ledger entry, whoever makes it and from
wherever (`via` names the page or command)."""

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.grants import RoleChange, change_roles
from bodycam.accounts.models import AccountChange, Unit, User
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action
from bodycam.lib.errors import Refused

# Fields of an account whose change is recorded with its before and after values.
PROFILE_FIELDS = ("username", "full_name", "badge_number", "unit", "email")


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
