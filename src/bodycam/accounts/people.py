"""Creating people and giving them roles: one place, used by admin, demo and import alike."""

from collections.abc import Iterable

from django.db import transaction

from bodycam.accounts.models import RoleAssignment, Unit, User
from bodycam.accounts.roles import Role
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action


@transaction.atomic
def set_roles(user: User, roles: Iterable[str], actor: User | None = None) -> None:
    """Give `user` exactly these roles (administrators may open the admin site); the change
    is a ledger entry."""
    wanted = {Role(role) for role in roles}
    before = sorted(user.role_assignments.values_list("role", flat=True))
    user.role_assignments.exclude(role__in=wanted).delete()
    for role in wanted:
        RoleAssignment.objects.get_or_create(user=user, role=role)
    user.is_staff = Role.ADMINISTRATOR in wanted or user.is_superuser
    user.save(update_fields=["is_staff"])
    user.__dict__.pop("roles", None)
    user.__dict__.pop("granted_permissions", None)
    if before != sorted(wanted):
        record(Action.USER_CHANGE, user, actor, change="roles", before=before, after=sorted(wanted))


@transaction.atomic
def add_person(
    username: str,
    password: str,
    *,
    full_name: str = "",
    badge_number: str | None = None,
    unit: Unit | None = None,
    roles: Iterable[str] = (),
    actor: User | None = None,
) -> User:
    """Create a user with a password and roles; both are ledger entries."""
    user = User(username=username, full_name=full_name, badge_number=badge_number, unit=unit)
    user.set_password(password)
    user.save()
    record(Action.USER_CHANGE, user, actor, change="created", username=username)
    set_roles(user, roles, actor)
    return user
