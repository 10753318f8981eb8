"""Checkpoints and signed notes (C2SP tlog-checkpoint and signed-note), against the spec's
example and the Go reference note, and the offline verifier as a program on an evidence disc.
"""

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bodycam.ledger import merkle, notes
from bodycam.ledger import verify_offline as vo
from bodycam.ledger.verify_offline import MissingDependencyError, VerificationError
from tests.ledger.helpers import b64, unb64

SCRIPT = Path(vo.__file__)

# golang.org/x/mod/sumdb/note note_test.go: a published key pair and the note it signs.
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKv"
    "qfqdngotpRZb6KE6RyyBwJnAM=\n"
)


# --- checkpoints ---------------------------------------------------------------------------


def test_the_spec_example_checkpoint_parses():
    text = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    checkpoint = vo.parse_checkpoint(text)
    assert checkpoint.origin == "example.com/behind-the-sofa"
    assert checkpoint.size == 20852163
    assert checkpoint.root_hash == unb64("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
    assert checkpoint.extra_lines == ()


def test_a_checkpoint_round_trips_with_extension_lines():
    text = notes.format_checkpoint("bodycam.local/ledger", 0, bytes(32), ["ext one", "two"])
    assert vo.parse_checkpoint(text) == vo.Checkpoint(
        "bodycam.local/ledger", 0, bytes(32), ("ext one", "two")
    )


ROOT = b64(bytes(range(32)))


@pytest.mark.parametrize(
    "text",
    [
        f"log\n5\n{ROOT}",  # no final newline
        "log\n5\n",  # no root line
        f"\n5\n{ROOT}\n",  # empty origin
        f"log\n05\n{ROOT}\n",  # leading zero
        f"log\n+5\n{ROOT}\n",
        f"log\n 5\n{ROOT}\n",
        f"log\n-1\n{ROOT}\n",
        f"log\n٥\n{ROOT}\n",  # a digit, but not an ASCII one
        f"log\n5\n{b64(bytes(31))}\n",  # root too short
        f"log\n5\n{ROOT[:-1]}\n",  # bad padding
        f"log\n5\n{ROOT}\n\nextension\n",  # empty extension line
        f"log\n5\n {ROOT}\n",
    ],
)
def test_a_malformed_checkpoint_is_refused(text):
    with pytest.raises(VerificationError):
        vo.parse_checkpoint(text)


# --- signed notes --------------------------------------------------------------------------


def test_the_go_reference_note_verifies():
    assert vo.verify_note(GO_NOTE, GO_VKEY) == GO_TEXT
    assert vo.parse_verifier_key(GO_VKEY)[:2] == ("PeterNeumann", 0xC74F20A3)


def test_signing_reproduces_the_go_reference_note_byte_for_byte():
    name, private_key = notes.parse_signer_key(GO_SKEY)
    assert notes.sign_note(GO_TEXT, name, private_key) == GO_NOTE
    assert notes.signer_key(name, private_key) == GO_SKEY
    assert notes.verifier_key(name, private_key.public_key().public_bytes_raw()) == GO_VKEY


def test_every_mangling_of_the_go_verifier_key_is_refused():
    # As golang.org/x/mod/sumdb/note's TestNewVerifier: every proper substring, every byte + 1.
    manglings = {GO_VKEY[i:j] for i in range(len(GO_VKEY)) for j in range(i + 1, len(GO_VKEY) + 1)}
    manglings.discard(GO_VKEY)
    manglings |= {
        GO_VKEY[:i] + chr(ord(GO_VKEY[i]) + 1) + GO_VKEY[i + 1 :] for i in range(len(GO_VKEY))
    }
    manglings |= {
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        GO_SKEY,
    }
    for mangled in manglings:
        with pytest.raises(VerificationError):
            vo.parse_verifier_key(mangled)


@pytest.fixture
def log_key():
    private_key = Ed25519PrivateKey.generate()
    name = "bodycam.test/ledger"
    vkey = notes.verifier_key(name, private_key.public_key().public_bytes_raw())
    return name, private_key, vkey


@pytest.fixture
def signed_checkpoint(log_key):
    name, private_key, _ = log_key
    text = notes.format_checkpoint(name, 8, bytes(range(32)))
    return text, notes.sign_note(text, name, private_key)


def test_a_signed_checkpoint_verifies_and_parses(log_key, signed_checkpoint):
    text, note = signed_checkpoint
    assert vo.verify_note(note, log_key[2]) == text
    assert vo.parse_checkpoint(text).size == 8


def test_changing_any_character_of_a_signed_note_fails(log_key, signed_checkpoint):
    _, note = signed_checkpoint
    for i, ch in enumerate(note):
        if ch == "\n" and i == len(note) - 1:
            continue  # the last newline: covered by the missing signature cases
        tampered = note[:i] + ("Y" if ch == "X" else "X") + note[i + 1 :]
        with pytest.raises(VerificationError):
            vo.verify_note(tampered, log_key[2])


def test_a_note_without_a_signature_by_the_key_fails(log_key, signed_checkpoint):
    name, _, vkey = log_key
    text, note = signed_checkpoint
    other = Ed25519PrivateKey.generate()
    for bad in [
        text,  # no signatures at all
        text + "\n",  # a blank line, then nothing
        note.rstrip("\n"),  # signature line not ended
        notes.sign_note(text, name, other),  # same name, another key
        notes.sign_note(text, "someone.else", other),
    ]:
        with pytest.raises(VerificationError):
            vo.verify_note(bad, vkey)
    with pytest.raises(VerificationError):  # the right signature, but checked with a wrong key
        vo.verify_note(note, notes.verifier_key(name, other.public_key().public_bytes_raw()))


def test_signatures_by_unknown_keys_are_ignored(log_key, signed_checkpoint):
    _, _, vkey = log_key
    text, note = signed_checkpoint
    witness = notes.sign_note(text, "witness.example", Ed25519PrivateKey.generate())
    cosigned = note + witness[len(text) + 1 :]
    assert vo.verify_note(cosigned, vkey) == text


def test_a_bad_signature_by_the_key_rejects_the_note_even_beside_a_good_one(
    log_key, signed_checkpoint
):
    name, _, vkey = log_key
    _, note = signed_checkpoint
    key_id = vo.parse_verifier_key(vkey)[1].to_bytes(4, "big")
    forged = f"— {name} {b64(key_id + bytes(64))}\n"
    with pytest.raises(VerificationError, match="does not match"):
        vo.verify_note(note + forged, vkey)


def test_malformed_notes_are_refused(log_key, signed_checkpoint):
    _, _, vkey = log_key
    text, note = signed_checkpoint
    signature_line = note[len(text) + 1 :]
    for bad in [
        note.replace("\n", "\r\n"),
        note.replace("— ", "-- "),
        note + "— \n",
        text + "\n" + signature_line * 101,
        text + "\n" + signature_line.replace(" ", "  ", 2),
    ]:
        with pytest.raises(VerificationError):
            vo.verify_note(bad, vkey)


def test_sign_note_refuses_what_it_cannot_sign(log_key):
    name, private_key, _ = log_key
    for text, key_name in [("no newline", name), ("tab\there\n", name), ("ok\n", "two words")]:
        with pytest.raises(ValueError):
            notes.sign_note(text, key_name, private_key)


def test_without_cryptography_the_signature_check_says_what_it_needs(monkeypatch):
    monkeypatch.setitem(sys.modules, "cryptography.exceptions", None)
    with pytest.raises(MissingDependencyError, match="cryptography"):
        vo.verify_note(GO_NOTE, GO_VKEY)


# --- the offline verifier as a program ------------------------------------------------------


def test_verify_offline_imports_only_the_standard_library_at_load_time():
    tree = ast.parse(SCRIPT.read_text(encoding="utf-8"))
    top_level = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    modules = {
        alias.name if isinstance(node, ast.Import) else node.module or ""
        for node in top_level
        for alias in node.names
    }
    assert {m.split(".")[0] for m in modules} <= set(sys.stdlib_module_names)


@pytest.fixture
def disc(tmp_path, log_key):
    """An evidence disc: the script alone, a key file, two signed checkpoints, some entries."""
    name, private_key, vkey = log_key
    shutil.copy(SCRIPT, tmp_path / "verify_offline.py")
    entries = [f"custody entry {i}".encode() for i in range(21)]
    src = merkle.ListHashSource.from_entries(entries, cache_levels=[2, 3])
    for size in (13, 21):
        text = notes.format_checkpoint(name, size, merkle.root(src, size))
        (tmp_path / f"checkpoint-{size}.txt").write_text(notes.sign_note(text, name, private_key))
    (tmp_path / "key.txt").write_text(vkey + "\n")
    (tmp_path / "entry-5.bin").write_bytes(entries[5])
    (tmp_path / "wrong.bin").write_bytes(entries[6])
    return tmp_path, src


def run_disc(folder, *args):
    result = subprocess.run(
        [sys.executable, "-I", "verify_offline.py", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONPATH": "", "PYTHONIOENCODING": "utf-8"},
        timeout=60,
    )
    assert result.stdout.count("\n") == 1, result.stdout + result.stderr
    return result.returncode, result.stdout


def proof_arg(hashes):
    return ",".join(b64(h) for h in hashes)


def test_the_program_verifies_an_inclusion_proof(disc):
    folder, src = disc
    proof = proof_arg(merkle.inclusion_proof(src, 5, 21))
    common = ["inclusion", "--checkpoint", "checkpoint-21.txt", "--key", "key.txt", "--index", "5"]
    code, out = run_disc(folder, *common, "--entry", "entry-5.bin", "--proof", proof)
    assert (code, out) == (
        0,
        "验证通过 / verified: leaf 5 is in bodycam.test/ledger at tree size 21\n",
    )
    leaf = b64(src.leaf_hashes(5, 6)[0])
    assert run_disc(folder, *common, "--leaf-hash", leaf, "--proof", proof)[0] == 0
    code, out = run_disc(folder, *common, "--entry", "wrong.bin", "--proof", proof)
    assert code == 1
    assert out.startswith("验证失败 / FAILED: inclusion proof does not lead to the root hash")
    code, out = run_disc(folder, *common, "--entry", "entry-5.bin", "--proof", "not base64!")
    assert (code, out) == (1, "验证失败 / FAILED: proof hash 0 is not valid base64\n")


def test_the_program_refuses_a_checkpoint_not_signed_by_the_key(disc):
    folder, src = disc
    other = notes.verifier_key("bodycam.test/ledger", bytes(32))
    proof = proof_arg(merkle.inclusion_proof(src, 5, 21))
    code, out = run_disc(
        folder, "inclusion", "--checkpoint", "checkpoint-21.txt", "--key", other,
        "--entry", "entry-5.bin", "--index", "5", "--proof", proof,
    )  # fmt: skip
    assert code == 1
    assert out.startswith("验证失败 / FAILED: the note carries no signature")


def test_the_program_verifies_a_consistency_proof(disc):
    folder, src = disc
    proof = proof_arg(merkle.consistency_proof(src, 13, 21))
    args = ["--key", "key.txt", "--proof", proof]
    code, out = run_disc(
        folder, "consistency", "--old", "checkpoint-13.txt", "--new", "checkpoint-21.txt", *args
    )
    assert (code, out) == (
        0,
        "验证通过 / verified: bodycam.test/ledger at tree size 21 extends tree size 13\n",
    )
    code, out = run_disc(
        folder, "consistency", "--old", "checkpoint-21.txt", "--new", "checkpoint-13.txt", *args
    )
    assert code == 1
    assert out.startswith("验证失败 / FAILED:")


def test_the_program_says_when_it_cannot_check(disc):
    folder, _ = disc
    code, out = run_disc(
        folder, "inclusion", "--checkpoint", "missing.txt", "--key", "key.txt",
        "--leaf-hash", b64(bytes(32)), "--index", "0",
    )  # fmt: skip
    assert code == 2
    assert out.startswith("无法验证 / cannot verify:")
