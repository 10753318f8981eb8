"""Each person changes their own password; one someone else chose (an import, a reset by an
administrator, the demo if so set) must be replaced at first sign-in before anything else."""

import pytest
from django.urls import reverse

from bodycam.accounts import people
from bodycam.accounts.imports import apply_user_import, plan_user_import
from bodycam.accounts.models import AccountChange, User
from bodycam.ledger.models import Action, LedgerEntry
from bodycam.lib.spreadsheets import read_table
from tests.accounts.test_imports import GOOD, csv_bytes
from tests.factories import PASSWORD, UnitFactory

pytestmark = pytest.mark.django_db

NEW = "Copper-Kettle-Lantern-42"


def _sign_in(client, username, password=PASSWORD):
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302


def _change(client, old, new=NEW, again=None):
    return client.post(
        reverse("account-password"),
        {"old_password": old, "new_password1": new, "new_password2": again or new},
    )


def test_everyone_changes_their_own_password_with_a_ledger_entry(client, officer):
    _sign_in(client, officer.username)
    response = _change(client, PASSWORD)
    assert response.status_code == 302
    page = client.get(reverse("account")).content.decode()
    assert "密码已修改" in page
    officer.refresh_from_db()
    assert officer.check_password(NEW) and not officer.must_change_password
    entries = LedgerEntry.objects.filter(action=Action.USER_CHANGE, subject_id=str(officer.pk))
    entry = entries.order_by("seq").last()
    assert (
        entry.payload["change"] == AccountChange.PASSWORD_CHANGED and NEW not in entry.payload_json
    )


def test_a_wrong_old_password_or_a_mismatch_is_said_beside_the_field(client, officer):
    _sign_in(client, officer.username)
    wrong = _change(client, "not-my-password")
    assert wrong.status_code == 200
    assert "old_password" in wrong.context["password_form"].errors
    mismatch = _change(client, PASSWORD, again="Something-Else-99")
    assert "new_password2" in mismatch.context["password_form"].errors
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


@pytest.mark.parametrize("page", ["home", "recordings", "activities", "devices"])
def test_after_a_reset_every_page_asks_for_a_new_password_first(
    client, officer, administrator, page
):
    people.reset_password(officer, "Handed-Out-Once-77", administrator, via="people")
    _sign_in(client, officer.username, "Handed-Out-Once-77")
    response = client.get(reverse(page))
    assert response.status_code == 302 and response.url == reverse("account")
    account = client.get(reverse("account")).content.decode()
    assert "初始密码" in account
    _change(client, "Handed-Out-Once-77")
    assert client.get(reverse(page)).status_code == 200


def test_the_api_is_not_held_back_by_a_password_to_change(client, officer, administrator):
    people.reset_password(officer, "Handed-Out-Once-77", administrator, via="people")
    _sign_in(client, officer.username, "Handed-Out-Once-77")
    assert client.get("/api/v1/activities/").status_code == 200


def test_imported_users_must_change_their_password_unless_turned_off(
    client, administrator, settings
):
    UnitFactory(code="CD01", name="城东执法大队")
    plan = plan_user_import(read_table(csv_bytes(GOOD, "gb18030"), "用户.csv"))
    apply_user_import(plan, administrator)
    assert User.objects.get(username="zhou_jie").must_change_password
    _sign_in(client, "zhou_jie", "Ledger-Keeper-2024")
    assert client.get(reverse("home")).url == reverse("account")
    settings.IMPORTED_MUST_CHANGE_PASSWORD = False
    rows = [GOOD[0], ["wu_lei", "吴磊", "JX1009", "", "执法人员", "Quiet-River-Stone-8"]]
    plan = plan_user_import(read_table(csv_bytes(rows, "utf-8"), "u.csv"))
    apply_user_import(plan, administrator)
    assert not User.objects.get(username="wu_lei").must_change_password


def test_demo_users_keep_their_password_by_default():
    from bodycam.accounts.demo import create_demo_bureau

    create_demo_bureau()
    assert User.objects.exists() and not User.objects.filter(must_change_password=True).exists()


def test_demo_users_change_their_password_when_the_setting_says_so(settings):
    from bodycam.accounts.demo import create_demo_bureau

    settings.DEMO_MUST_CHANGE_PASSWORD = True
    create_demo_bureau()
    assert not User.objects.filter(must_change_password=False).exists()
