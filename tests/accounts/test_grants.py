"""Separation of duties: nobody changes their own roles; roles that see or approve content
take effect only when a second person confirms them; every step is in the ledger."""

import pytest

from bodycam.accounts import grants
from bodycam.accounts.models import GrantStatus, RoleGrant
from bodycam.accounts.roles import Role
from bodycam.ledger.models import Action, LedgerEntry
from bodycam.lib.errors import Refused
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
GRANTS = "/api/v1/role-grants/"


def fresh(user):
    """The user as the database has them now (roles are cached on an instance)."""
    return type(user).objects.get(pk=user.pk)


def _changes(user) -> list[tuple[str, int | None]]:
    """(change, actor id) of every account entry about `user`, oldest first."""
    entries = LedgerEntry.objects.filter(
        action=Action.USER_CHANGE, subject_kind="user", subject_id=str(user.pk)
    ).order_by("seq")
    return [(entry.payload["change"], entry.actor_id) for entry in entries]


@pytest.fixture
def newcomer(db):
    return UserFactory(username="newcomer", full_name="新同事")


@pytest.fixture
def second_admin(db):
    return UserFactory(username="admin_sun", roles=[Role.ADMINISTRATOR])


def test_nobody_changes_their_own_roles_not_even_an_administrator(administrator):
    with pytest.raises(Refused) as refusal:
        grants.change_roles(administrator, [Role.ADMINISTRATOR, Role.HEAD], administrator)
    assert refusal.value.code == "own_roles"
    assert fresh(administrator).roles == {Role.ADMINISTRATOR}
    assert not RoleGrant.objects.exists()


def test_an_ordinary_role_takes_effect_at_once(administrator, newcomer):
    change = grants.change_roles(newcomer, [Role.OFFICER], administrator)
    assert change.assigned == [Role.OFFICER] and change.pending == []
    assert newcomer.has_role(Role.OFFICER)
    assert _changes(newcomer)[-1] == ("roles", administrator.pk)


@pytest.mark.parametrize(
    "role",
    [Role.RECORDS_OFFICE, Role.SUPERVISOR, Role.AUDITOR, Role.SECRECY_OFFICER, Role.ADMINISTRATOR],
)
def test_a_content_role_waits_for_the_heads_confirmation(administrator, head, newcomer, role):
    change = grants.change_roles(newcomer, [role], administrator)
    assert change.pending == [role] and change.assigned == []
    assert not newcomer.has_role(role)
    assert not newcomer.has_perm("recordings.view_recording")
    grant = RoleGrant.objects.get()
    grants.confirm_grant(grant, head, "同意")
    assert fresh(newcomer).has_role(role)
    assert _changes(newcomer)[-2:] == [
        ("role_requested", administrator.pk),
        ("role_confirmed", head.pk),
    ]


def test_the_heads_role_is_confirmed_by_another_administrator(
    administrator, second_admin, head, newcomer
):
    grants.change_roles(newcomer, [Role.HEAD], administrator)
    grant = RoleGrant.objects.get()
    for not_allowed in (administrator, head, newcomer):  # the asker, the head, the grantee
        with pytest.raises(Refused):
            grants.confirm_grant(grant, not_allowed)
    grants.confirm_grant(grant, second_admin)
    assert fresh(newcomer).has_role(Role.HEAD)


def test_the_grantee_never_confirms_their_own_grant(administrator, head):
    grants.change_roles(head, [Role.HEAD, Role.AUDITOR], administrator)
    with pytest.raises(Refused):
        grants.confirm_grant(RoleGrant.objects.get(), head)
    assert not fresh(head).has_role(Role.AUDITOR)


def test_a_refusal_needs_a_reason_and_is_ledgered(administrator, head, newcomer):
    grants.change_roles(newcomer, [Role.AUDITOR], administrator)
    grant = RoleGrant.objects.get()
    with pytest.raises(Refused):
        grants.refuse_grant(grant, head, "  ")
    grants.refuse_grant(grant, head, "不在审计室工作")
    grant.refresh_from_db()
    assert (grant.status, grant.decided_by, grant.comment) == (
        GrantStatus.REFUSED, head, "不在审计室工作",
    )  # fmt: skip
    assert _changes(newcomer)[-1] == ("role_refused", head.pk)
    assert not fresh(newcomer).has_role(Role.AUDITOR)


def test_a_role_no_longer_wanted_withdraws_its_pending_grant(administrator, newcomer):
    grants.change_roles(newcomer, [Role.AUDITOR], administrator)
    grants.change_roles(newcomer, [], administrator)
    assert RoleGrant.objects.get().status == GrantStatus.WITHDRAWN
    assert _changes(newcomer)[-1] == ("role_withdrawn", administrator.pk)


def test_the_command_line_operator_grants_at_once(newcomer):
    grants.change_roles(newcomer, [Role.HEAD], None, via="command line")
    assert newcomer.has_role(Role.HEAD)
    assert _changes(newcomer)[-1] == ("roles", None)


def test_the_head_confirms_on_the_grants_page(client, administrator, head, newcomer):
    grants.change_roles(newcomer, [Role.SUPERVISOR], administrator)
    grant = RoleGrant.objects.get()
    client.force_login(head)
    home = client.get("/").content.decode()
    assert "1 项角色授予等待您确认" in home
    page = client.get("/people/grants/").content.decode()
    assert "新同事" in page and "督察人员" in page
    client.post(f"/people/grants/{grant.pk}/decide/", {"decision": "confirm"})
    assert fresh(newcomer).has_role(Role.SUPERVISOR)


def test_a_grant_is_decided_through_the_api_by_the_second_person_only(
    api, administrator, head, newcomer
):
    grants.change_roles(newcomer, [Role.RECORDS_OFFICE], administrator)
    grant = RoleGrant.objects.get()
    api.force_authenticate(administrator)  # the one who asked
    assert api.post(f"{GRANTS}{grant.pk}/confirm/").status_code in (403, 404)
    api.force_authenticate(newcomer)
    assert api.post(f"{GRANTS}{grant.pk}/confirm/").status_code == 403
    api.force_authenticate(head)
    assert [row["id"] for row in api.get(GRANTS).json()["results"]] == [grant.pk]
    confirmed = api.post(f"{GRANTS}{grant.pk}/confirm/", {"comment": "同意"}, format="json")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert fresh(newcomer).has_role(Role.RECORDS_OFFICE)
