"""The administrator, through the admin site, cannot become anyone: no token can be read, no
content role given to itself, and every account change it makes is in the ledger."""

import pytest

from bodycam.accounts.models import ApiToken, GrantStatus, RoleGrant, User
from bodycam.accounts.roles import Role
from bodycam.ledger.models import Action, LedgerEntry
from tests.factories import PASSWORD, UserFactory, api_key

pytestmark = pytest.mark.django_db


def _change_form(user, **changes) -> dict:
    """The admin's change form for `user` as submitted unchanged, with `changes` applied."""
    form = {
        "username": user.username,
        "full_name": user.full_name,
        "badge_number": user.badge_number or "",
        "unit": user.unit_id or "",
        "roles": sorted(user.roles),
        "is_active": "on" if user.is_active else "",
    }
    form.update(changes)
    return {key: value for key, value in form.items() if value not in ("", None)}


def _account_entries(user) -> list[tuple[str, int | None, str]]:
    entries = LedgerEntry.objects.filter(
        action=Action.USER_CHANGE, subject_kind="user", subject_id=str(user.pk)
    ).order_by("seq")
    return [(e.payload["change"], e.actor_id, e.payload.get("via", "")) for e in entries]


@pytest.fixture
def admin_client(client, administrator):
    """The installation's superuser: the only one the admin site lets in."""
    User.objects.filter(pk=administrator.pk).update(is_superuser=True)
    client.force_login(administrator)
    return client


def test_the_admin_site_is_for_the_superuser_alone(client, administrator):
    client.force_login(administrator)
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_the_administrator_cannot_read_another_users_token(admin_client, officer):
    key = api_key(officer)
    token = ApiToken.objects.get()
    listing = admin_client.get("/admin/accounts/apitoken/").content.decode()
    assert token.prefix in listing and key not in listing
    detail = admin_client.get(f"/admin/accounts/apitoken/{token.pk}/change/")
    assert detail.status_code == 200
    assert key not in detail.content.decode() and token.digest not in detail.content.decode()
    assert admin_client.get("/admin/accounts/apitoken/add/").status_code == 403


def test_the_administrator_revokes_a_token_with_a_ledger_entry(
    admin_client, administrator, officer
):
    api_key(officer)
    token = ApiToken.objects.get()
    admin_client.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_by == administrator
    assert _account_entries(officer)[-1] == ("token_revoked", administrator.pk, "")


def test_the_administrator_cannot_give_itself_a_content_role(admin_client, administrator):
    url = f"/admin/accounts/user/{administrator.pk}/change/"
    response = admin_client.post(url, _change_form(administrator, roles=["administrator", "head"]))
    assert response.status_code == 200  # the form again, with the refusal
    assert "不能更改自己的角色" in response.content.decode()
    assert User.objects.get(pk=administrator.pk).roles == {Role.ADMINISTRATOR}
    assert not RoleGrant.objects.exists()


def test_a_content_role_given_in_the_admin_site_only_awaits_the_head(
    admin_client, administrator, officer
):
    url = f"/admin/accounts/user/{officer.pk}/change/"
    response = admin_client.post(url, _change_form(officer, roles=["officer", "records_office"]))
    assert response.status_code == 302
    assert User.objects.get(pk=officer.pk).roles == {Role.OFFICER}
    grant = RoleGrant.objects.get()
    assert (grant.role, grant.status, grant.requested_by) == (
        Role.RECORDS_OFFICE, GrantStatus.PENDING, administrator,
    )  # fmt: skip
    assert ("role_requested", administrator.pk) in [e[:2] for e in _account_entries(officer)]


def test_every_account_change_the_administrator_makes_is_in_the_ledger(
    admin_client, administrator, officer
):
    url = f"/admin/accounts/user/{officer.pk}/change/"
    admin_client.post(url, _change_form(officer, full_name="李明明"))
    admin_client.post(url, _change_form(User.objects.get(pk=officer.pk), is_active=""))
    admin_client.post(
        f"/admin/accounts/user/{officer.pk}/password/",
        {"password1": "Another-Secret-77", "password2": "Another-Secret-77",
         "set_usable_password": "true"},
    )  # fmt: skip
    created = admin_client.post(
        "/admin/accounts/user/add/",
        {"username": "wang_wu", "full_name": "王五", "roles": ["custodian"],
         "password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"},
    )  # fmt: skip
    assert created.status_code == 302, created.content.decode()[:2000]
    officer = User.objects.get(pk=officer.pk)
    assert officer.full_name == "李明明" and not officer.is_active
    assert officer.check_password("Another-Secret-77")
    changes = [entry for entry in _account_entries(officer) if entry[1] == administrator.pk]
    assert [change for change, _actor, _via in changes] == [
        "updated", "deactivated", "password_reset",
    ]  # fmt: skip
    assert {via for _change, _actor, via in changes} == {"admin"}
    updated = LedgerEntry.objects.filter(payload_json__contains='"updated"').get()
    assert updated.payload["fields"] == {"full_name": ["李明", "李明明"]}
    wang_wu = User.objects.get(username="wang_wu")
    assert [e[:2] for e in _account_entries(wang_wu)] == [
        ("created", administrator.pk), ("roles", administrator.pk),
    ]  # fmt: skip
    assert wang_wu.has_role(Role.CUSTODIAN)
    for entry in LedgerEntry.objects.filter(action=Action.USER_CHANGE):
        assert "Another-Secret-77" not in entry.payload_json and PASSWORD not in entry.payload_json


def test_the_administrator_cannot_deactivate_itself(admin_client, administrator):
    url = f"/admin/accounts/user/{administrator.pk}/change/"
    response = admin_client.post(url, _change_form(administrator, is_active=""))
    assert "不能停用自己的账户" in response.content.decode()
    assert User.objects.get(pk=administrator.pk).is_active


def test_an_administrator_made_by_an_administrator_waits_for_the_head(admin_client):
    # a second administrator account is no way around the head: it needs them too
    sock = UserFactory(username="sock")
    url = f"/admin/accounts/user/{sock.pk}/change/"
    admin_client.post(url, _change_form(sock, roles=["administrator"]))
    assert User.objects.get(pk=sock.pk).roles == set()
    assert RoleGrant.objects.get().role == Role.ADMINISTRATOR
