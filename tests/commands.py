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
