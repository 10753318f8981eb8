"""The standalone verifier, copied alone as onto an evidence disc, checks what the API serves."""

import base64
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.test import APIClient

import bodycam.ledger.verify_offline as offline
from bodycam.ledger import heads
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action

pytestmark = pytest.mark.django_db


def _run(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-I", str(folder / "verify_offline.py"), *args],
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=60,
    )


def test_an_entry_served_by_the_api_verifies_offline_and_a_forged_one_does_not(auditor, tmp_path):
    for i in range(23):
        record(Action.VIEW, None, None, i=i, note="复核")
    heads.sign_head()
    api = APIClient()
    api.force_authenticate(auditor)
    entry = api.get("/api/v1/ledger/entries/11/").json()
    proof = api.get("/api/v1/ledger/proof/inclusion?seq=11").json()
    disc = tmp_path / "disc"
    disc.mkdir()
    shutil.copy(offline.__file__, disc / "verify_offline.py")
    (disc / "checkpoint.txt").write_text(proof["checkpoint"], encoding="utf-8")
    (disc / "entry.json").write_text(entry["canonical"] + "\n", encoding="utf-8")
    args = ["inclusion", "--checkpoint", "checkpoint.txt", "--key", heads.verifier_key(),
            "--entry", "entry.json", "--index", "11",
            "--proof", ",".join(proof["proof"])]  # fmt: skip
    result = _run(disc, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "验证通过" in result.stdout

    forged = entry["canonical"].replace("复核", "删除")
    (disc / "entry.json").write_text(forged, encoding="utf-8")
    result = _run(disc, *args)
    assert result.returncode == 1
    assert "验证失败" in result.stdout


def test_a_checkpoint_from_another_key_is_refused_offline(auditor, tmp_path):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from bodycam.ledger import notes

    record(Action.VIEW, None, None)
    head = heads.sign_head()
    impostor = Ed25519PrivateKey.generate()
    text = head.note.split("\n\n")[0] + "\n"
    forged = notes.sign_note(text, heads.key_name(), impostor)
    (tmp_path / "verify_offline.py").write_bytes(Path(offline.__file__).read_bytes())
    (tmp_path / "checkpoint.txt").write_text(forged, encoding="utf-8")
    leaf = base64.b64encode(b"\x00" * 32).decode()
    result = _run(tmp_path, "inclusion", "--checkpoint", "checkpoint.txt", "--key",
                  heads.verifier_key(), "--leaf-hash", leaf, "--index", "0")  # fmt: skip
    assert result.returncode == 1
