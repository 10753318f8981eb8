"""Signing in and out, and the lock after repeated failures."""

from datetime import timedelta

import pytest
from django.urls import reverse

from bodycam.accounts.models import LoginFailure
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_right_password_signs_in_and_lands_on_the_home_page(client, head):
    response = _login(client, head.username, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    page = client.get(reverse("home")).content.decode()
    assert "王建国，您好" in page
    assert "主要负责人" in page


def test_wrong_password_is_refused_in_chinese(client, head):
    response = _login(client, head.username, "wrong")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_even_for_the_right_password(client, settings, head):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        _login(client, head.username, "wrong")
    response = _login(client, head.username, PASSWORD)
    page = response.content.decode()
    assert response.status_code == 200
    assert "登录失败次数过多，该账户已被锁定" in page
    assert "_auth_user_id" not in client.session


def test_the_failure_that_reaches_the_limit_already_says_locked(client, settings, head):
    settings.LOGIN_FAILURE_LIMIT = 2
    _login(client, head.username, "wrong")
    response = _login(client, head.username, "wrong")
    assert "已被锁定" in response.content.decode()


def test_lock_ends_after_the_window(client, settings, head):
    settings.LOGIN_FAILURE_LIMIT = 2
    for _ in range(2):
        _login(client, head.username, "wrong")
    earlier = LoginFailure.objects.first().at - timedelta(minutes=settings.LOGIN_LOCK_MINUTES + 1)
    LoginFailure.objects.update(at=earlier)  # as if the window had passed
    assert _login(client, head.username, PASSWORD).status_code == 302


def test_address_is_locked_after_many_failures_across_accounts(client, settings, head, officer):
    settings.LOGIN_FAILURE_LIMIT = 1  # the address tolerates four times as many
    for name in ["a", "b", "c", "d"]:
        _login(client, name, "wrong")
    response = _login(client, officer.username, PASSWORD)
    assert "本机地址登录失败次数过多" in response.content.decode()


def test_success_clears_earlier_failures(client, settings, head):
    settings.LOGIN_FAILURE_LIMIT = 3
    _login(client, head.username, "wrong")
    _login(client, head.username, "wrong")
    assert _login(client, head.username, PASSWORD).status_code == 302
    assert not LoginFailure.objects.filter(username=head.username).exists()


def test_logout_ends_the_session(client, head):
    client.force_login(head)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_passwords_are_stored_with_argon2(settings):
    from bodycam import settings as configured  # the module, not the per-test override
    from tests.factories import UserFactory

    settings.PASSWORD_HASHERS = configured.PASSWORD_HASHERS
    assert UserFactory().password.startswith("argon2$")
