"""Administrators manage people and units on the product's own pages: add, correct, deactivate,
reset a password, assign roles (under the separation of duties), each a ledger entry."""

import re

import pytest
from django.urls import reverse

from bodycam.accounts.models import AccountChange, GrantStatus, Unit, User
from bodycam.ledger.models import Action, LedgerEntry
from tests.factories import PASSWORD, UnitFactory

pytestmark = pytest.mark.django_db


def _changes(user) -> list[str]:
    entries = LedgerEntry.objects.filter(action=Action.USER_CHANGE, subject_kind="user",
                                         subject_id=str(user.pk)).order_by("seq")  # fmt: skip
    return [e.payload["change"] for e in entries]


def _handed_password(page: str) -> str:
    found = re.search(r'id="handed-password">.*?<pre class="mono">([^<]+)</pre>', page, re.S)
    assert found, "the first password is shown to hand over"
    return found.group(1)


@pytest.fixture
def squad():
    return UnitFactory(code="CD01", name="城东执法大队")


def test_the_administrator_adds_a_person_whose_first_password_is_shown_once(
    client, administrator, squad
):
    client.force_login(administrator)
    form = {"username": "sun_li", "full_name": "孙丽", "badge_number": "JX2001",
            "unit": squad.pk, "email": "", "roles": ["officer", "records_office"]}  # fmt: skip
    page = client.post(reverse("person-new"), form, follow=True).content.decode()
    person = User.objects.get(username="sun_li")
    assert "孙丽（JX2001）" in page and "城东执法大队" in page
    assert "综合科须经主要负责人确认后生效" in page  # a role that sees content waits for the head
    assert person.has_role("officer") and not person.has_role("records_office")
    assert person.role_grants.get().status == GrantStatus.PENDING
    password = _handed_password(page)
    assert person.check_password(password) and person.must_change_password
    again = client.get(reverse("person", args=[person.pk])).content.decode()
    assert password not in again  # once only
    changes = _changes(person)
    assert changes[0] == AccountChange.CREATED
    assert {AccountChange.ROLES, AccountChange.ROLE_REQUESTED} <= set(changes)


def test_a_badge_number_someone_has_is_said_beside_that_field(client, administrator, officer):
    client.force_login(administrator)
    form = {"username": "zhao_yun", "full_name": "赵云", "badge_number": officer.badge_number}
    response = client.post(reverse("person-new"), form)
    assert response.status_code == 200
    assert "另一位人员" in response.context["form"].errors["badge_number"][0]
    assert not User.objects.filter(username="zhao_yun").exists()


def test_correcting_a_name_keeps_the_old_one_in_the_ledger(client, administrator, officer):
    client.force_login(administrator)
    form = {"username": officer.username, "full_name": "李明明", "badge_number": "JX0227",
            "unit": officer.unit_id or "", "email": ""}  # fmt: skip
    client.post(reverse("person-edit", args=[officer.pk]), form)
    officer.refresh_from_db()
    assert officer.full_name == "李明明" and officer.username == "officer_li"
    entry = LedgerEntry.objects.filter(subject_id=str(officer.pk)).order_by("seq").last()
    assert entry.payload["fields"] == {"full_name": ["李明", "李明明"]}


def test_a_deactivated_person_cannot_sign_in_and_is_listed_apart(client, administrator, officer):
    client.force_login(administrator)
    client.post(reverse("person-active", args=[officer.pk]), {"active": "0"})
    officer.refresh_from_db()
    assert not officer.is_active and _changes(officer)[-1] == AccountChange.DEACTIVATED
    assert "李明" not in client.get(reverse("people")).content.decode()
    assert "李明" in client.get(reverse("people") + "?show=inactive").content.decode()
    client.logout()
    login = {"username": officer.username, "password": PASSWORD}
    assert client.post(reverse("login"), login).status_code == 200  # refused


def test_nobody_deactivates_their_own_account(client, administrator):
    client.force_login(administrator)
    page = client.post(
        reverse("person-active", args=[administrator.pk]), {"active": "0"}, follow=True
    ).content.decode()
    assert "不能停用自己的账户" in page
    administrator.refresh_from_db()
    assert administrator.is_active


def test_a_reset_password_is_handed_over_once_and_must_be_changed(client, administrator, officer):
    client.force_login(administrator)
    page = client.post(reverse("person-password", args=[officer.pk]), follow=True)
    password = _handed_password(page.content.decode())
    officer.refresh_from_db()
    assert officer.check_password(password) and not officer.check_password(PASSWORD)
    assert officer.must_change_password
    assert _changes(officer)[-1] == AccountChange.PASSWORD_RESET


def test_roles_are_assigned_on_the_page_but_never_ones_own(client, administrator, custodian):
    client.force_login(administrator)
    client.post(reverse("person-roles", args=[custodian.pk]), {"roles": ["custodian", "officer"]})
    custodian.refresh_from_db()
    assert {"custodian", "officer"} <= set(
        custodian.role_assignments.values_list("role", flat=True)
    )
    page = client.post(
        reverse("person-roles", args=[administrator.pk]), {"roles": []}, follow=True
    ).content.decode()
    assert "不能更改自己的角色" in page
    assert administrator.has_role("administrator")


@pytest.mark.parametrize("who", ["officer", "head", "records_clerk"])
def test_only_administrators_manage_people(client, request, who, custodian):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("person-new")).status_code == 403
    for name in ("person-edit", "person-roles", "person-active", "person-password"):
        assert client.post(reverse(name, args=[custodian.pk]), {"active": "0"}).status_code == 403
    custodian.refresh_from_db()
    assert custodian.is_active and not custodian.must_change_password


def test_units_are_added_and_renamed_but_never_put_under_themselves(client, administrator, squad):
    client.force_login(administrator)
    client.post(reverse("units"), {"code": "CD0101", "name": "城东一中队", "parent": squad.pk})
    child = Unit.objects.get(code="CD0101")
    assert child.parent == squad
    response = client.post(
        reverse("unit-edit", args=[squad.pk]), {"code": "CD01", "name": "城东大队",
                                                 "parent": child.pk},
    )  # fmt: skip
    assert "上级单位不能是它自己或它的下级" in response.context["form"].errors["parent"][0]
    client.post(reverse("unit-edit", args=[squad.pk]), {"code": "CD01", "name": "城东大队"})
    squad.refresh_from_db()
    assert squad.name == "城东大队" and squad.parent is None
    duplicate = client.post(reverse("units"), {"code": "CD01", "name": "重复"})
    assert "另一个单位" in duplicate.context["form"].errors["code"][0]
    events = LedgerEntry.objects.filter(subject_kind="unit").order_by("seq")
    assert [e.payload["change"] for e in events] == ["unit_created", "unit_updated"]


def test_a_correction_to_a_taken_badge_is_said_beside_it(client, administrator, officer, head):
    client.force_login(administrator)
    form = {"username": head.username, "full_name": head.full_name,
            "badge_number": officer.badge_number, "unit": head.unit_id or ""}  # fmt: skip
    response = client.post(reverse("person-edit", args=[head.pk]), form)
    assert response.status_code == 200
    assert "另一位人员" in response.context["form"].errors["badge_number"][0]
    head.refresh_from_db()
    assert head.badge_number != officer.badge_number
