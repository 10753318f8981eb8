"""Chinese first, English complete: every string on a page is in the English catalogue."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "bodycam"
CATALOGUE = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_english_entry_is_translated_and_not_fuzzy():
    po = polib.pofile(str(CATALOGUE))
    assert [e.msgid for e in po if not e.translated()] == []
    assert not po.metadata_is_fuzzy


def test_compiled_catalogue_matches_the_source():
    po = polib.pofile(str(CATALOGUE))
    mo = polib.mofile(str(CATALOGUE.with_suffix(".mo")))
    assert {e.msgid: e.msgstr for e in mo} == {e.msgid: e.msgstr for e in po if e.msgid}


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext")
def test_every_marked_string_is_in_the_catalogue(tmp_path):
    copy = tmp_path / "bodycam"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "en", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": ""},
    )
    extracted = {e.msgid for e in polib.pofile(str(copy / CATALOGUE.relative_to(PACKAGE)))}
    committed = {e.msgid for e in polib.pofile(str(CATALOGUE))}
    assert sorted(extracted - committed) == [], "run `make messages` and translate the new strings"
