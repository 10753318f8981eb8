"""The `bodycam` command: demo, token, configuration errors."""

import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from bodycam.accounts.models import Unit, User
from bodycam.accounts.roles import Role


@pytest.mark.django_db
def test_demo_creates_one_user_per_role_and_prints_json(capsys):
    call_command("demo", as_json=True)
    logins = json.loads(capsys.readouterr().out)
    assert sorted(login["role"] for login in logins) == sorted(Role.values)
    for login in logins:
        user = User.objects.get(username=login["username"])
        assert user.check_password(login["password"])
        assert user.has_role(login["role"])


@pytest.mark.django_db
def test_demo_twice_does_no_harm(capsys):
    call_command("demo")
    users, units = User.objects.count(), Unit.objects.count()
    call_command("demo")
    assert (User.objects.count(), Unit.objects.count()) == (users, units)
    assert "demo2026" in capsys.readouterr().out


@pytest.mark.django_db
def test_demo_if_empty_leaves_an_existing_bureau_alone(officer, capsys):
    call_command("demo", if_empty=True)
    assert User.objects.count() == 1
    assert "未创建" in capsys.readouterr().out


def _bodycam(*args, **env):
    return subprocess.run(
        [sys.executable, "-m", "bodycam", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )


def test_bad_configuration_stops_start_up_with_a_clear_message(tmp_path):
    result = _bodycam("check", BODYCAM_DATA_DIR=str(tmp_path), BODYCAM_LOGIN_FAILURE_LIMIT="many")
    assert result.returncode == 2
    assert "配置错误" in result.stderr and "BODYCAM_LOGIN_FAILURE_LIMIT" in result.stderr
    assert "Configuration error" in result.stderr


def test_a_database_url_of_another_kind_is_refused(tmp_path):
    result = _bodycam("check", BODYCAM_DATA_DIR=str(tmp_path), DATABASE_URL="mysql://u@h/db")
    assert result.returncode == 2
    assert "postgres://" in result.stderr


def test_first_start_creates_the_secret_key_privately(tmp_path):
    env = {"BODYCAM_DATA_DIR": str(tmp_path)}
    env.pop("BODYCAM_SECRET_KEY", None)
    assert _bodycam("check", **env).returncode == 0
    key_file = tmp_path / "secret_key"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    first = key_file.read_text()
    assert _bodycam("check", **env).returncode == 0
    assert key_file.read_text() == first  # persisted, not regenerated
