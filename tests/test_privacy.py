"""The data folder is the service's alone: created private, and start-up refuses one that
other users could read, saying how to fix it in Chinese and English."""

import stat

from tests.commands import run_bodycam


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_data_folder_and_its_database_and_keys_are_private(tmp_path):
    data = tmp_path / "fresh" / "var"
    done = run_bodycam(data, "migrate", "--noinput")
    assert done.returncode == 0, done.stderr
    assert run_bodycam(data, "ledger", "key").returncode == 0
    assert _mode(data) == 0o700
    for name in ("bodycam.sqlite3", "secret_key", "ledger_signing_key.pem"):
        assert _mode(data / name) & 0o077 == 0, name


def test_start_up_refuses_a_data_folder_others_can_read(tmp_path):
    data = tmp_path / "exposed"
    data.mkdir()
    data.chmod(0o755)
    refused = run_bodycam(data, "check")
    assert refused.returncode == 2
    assert "其他用户可以读取" in refused.stderr and "readable by other users" in refused.stderr
    assert f"chmod 700 {data}" in refused.stderr


def test_start_up_refuses_a_readable_secret_key(tmp_path):
    data = tmp_path / "own"
    assert run_bodycam(data, "check").returncode == 0
    (data / "secret_key").chmod(0o644)
    refused = run_bodycam(data, "check")
    assert refused.returncode == 2 and f"chmod 600 {data / 'secret_key'}" in refused.stderr
