"""Roles decide what people see: navigation, pages, API rows; administrators get no extra."""

import pytest
from django.urls import reverse

from bodycam.accounts.models import User
from bodycam.accounts.roles import EVERYONE, ROLE_PERMISSIONS, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _nav_labels(client, user) -> list[str]:
    client.force_login(user)
    return [item["label"] for item in client.get(reverse("home")).context["navigation"]]


def test_each_role_sees_its_own_navigation(
    client, officer, head, auditor, administrator, oversight
):
    oversee = ["首页", "执法活动", "记录仪台账", "音像记录", "合规问题", "查阅申请",
               "查阅登记簿", "统计图表", "抽查", "过错追究", "案卷", "销毁清单", "监管链日志",
               "人员名录", "帮助"]  # fmt: skip
    assert _nav_labels(client, officer) == [
        "首页", "我的记录仪", "执法活动", "我的音像记录", "合规问题", "查阅申请", "帮助",
    ]  # fmt: skip
    assert _nav_labels(client, head) == oversee
    assert _nav_labels(client, auditor) == oversee
    assert _nav_labels(client, administrator) == [
        "首页", "记录仪台账", "查阅申请", "人员名录", "单位", "帮助",
    ]  # fmt: skip
    assert _nav_labels(client, oversight) == [
        "首页", "不予记录签收", "查阅申请", "过错追究", "人员名录", "帮助",
    ]  # fmt: skip


@pytest.mark.parametrize("role", Role.values)
def test_home_page_tells_each_role_what_to_do_next(client, role):
    user = UserFactory(roles=[role])
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    assert str(Role(role).label) in page
    assert "R-" in page  # guidance names the regulation's article


def test_a_user_without_roles_is_told_to_ask_for_one(client):
    client.force_login(UserFactory())
    assert "尚未分配角色" in client.get(reverse("home")).content.decode()


def test_directory_is_refused_to_officers(client, officer):
    client.force_login(officer)
    response = client.get(reverse("people"))
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


def test_directory_lists_people_for_the_head(client, head, officer):
    client.force_login(head)
    page = client.get(reverse("people")).content.decode()
    assert "李明" in page and "JX0227" in page and "执法人员" in page


def test_restrict_lets_an_officer_see_only_themselves(officer, head):
    assert list(User.objects.restrict(officer, "view")) == [officer]
    assert set(User.objects.restrict(head, "view")) == {officer, head}
    assert not User.objects.restrict(officer, "change").exists()


def test_restrict_gives_anonymous_users_nothing(officer):
    from django.contrib.auth.models import AnonymousUser

    assert not User.objects.restrict(AnonymousUser(), "view").exists()


def test_superuser_flag_grants_no_more_than_the_administrator_role(db):
    root = User.objects.create_superuser("root", password="x-long-password-1")
    assert root.has_role(Role.ADMINISTRATOR)
    assert root.granted_permissions == ROLE_PERMISSIONS[Role.ADMINISTRATOR] | EVERYONE
    # hard rule 2: no recording rights come from being the administrator; like everyone, the
    # administrator may only ask to view, which the head then decides
    assert not any(
        p.startswith(("recordings.", "access.", "evidence."))
        for p in root.granted_permissions - EVERYONE
    )
    assert {p for p in EVERYONE if p.startswith("access.")} == {"access.add_viewingrequest"}
    assert not root.has_perm("recordings.view_recording")


def test_only_the_superuser_opens_the_user_admin(client, administrator):
    client.force_login(administrator)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 302
    administrator.is_superuser = True
    administrator.save(update_fields=["is_superuser"])
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200


def test_head_cannot_open_the_admin_site(client, head):
    client.force_login(head)
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302  # admin sends non-staff to its login


def test_inactive_user_has_no_permissions(head):
    head.is_active = False
    assert not head.has_perm("accounts.view_user")
