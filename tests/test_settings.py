"""Every setting the settings module reads is listed in .env.example, with its default."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_bodycam_variable_is_listed_in_env_example():
    settings_source = (ROOT / "src" / "bodycam" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'env_\w+\("(BODYCAM_\w+)"', settings_source))
    listed = set(re.findall(r"^(BODYCAM_\w+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read and sorted(read - listed) == []
