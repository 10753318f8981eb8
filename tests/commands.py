"""Running our commands as scripts and operators do, for the command-line tests."""

import json
import os
import re
import subprocess
import sys

import pytest
from django.core.management import call_command

# A message in Chinese, then " / ", then English.
BILINGUAL = re.compile(r"[\u4e00-\u9fff].* / .*[A-Za-z]{3,}")


def run_bodycam(data_dir, *args) -> subprocess.CompletedProcess:
    """`python -m bodycam ARGS` in a process of its own, on its own SQLite file in data_dir."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["BODYCAM_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "bodycam", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def refused_as_json(capsys, command: str, *args) -> str:
    """Run a refused command with --json: exit status 1 and {"ok": false, "error": …}."""
    with pytest.raises(SystemExit) as exit_:
        call_command(command, *args, "--json")
    assert exit_.value.code == 1
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] is False
    return result["error"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, seconds: float = 20.0) -> None:
    """Return once a server accepts connections on 127.0.0.1:`port`."""
    import socket
    import time

    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            assert time.monotonic() < deadline, f"nothing listens on port {port}"
            time.sleep(0.05)
