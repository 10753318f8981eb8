"""Signed checkpoints: C2SP form, Ed25519 signature, a private key that stays private."""

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.management import call_command

from bodycam.ledger import heads, tree
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action, SignedHead
from bodycam.ledger.verify_offline import parse_checkpoint, verify_note

pytestmark = pytest.mark.django_db


def test_a_signed_head_is_a_c2sp_checkpoint_that_verifies(settings):
    for i in range(5):
        record(Action.VIEW, None, None, i=i)
    head = heads.sign_head()
    checkpoint = parse_checkpoint(verify_note(head.note, heads.verifier_key()))
    assert checkpoint.origin == f"{settings.INSTALLATION_NAME}/custody-ledger"
    assert checkpoint.size == 5 == head.tree_size
    assert checkpoint.root_hash == tree.root(5) == bytes(head.root_hash)
    lines = head.note.split("\n")
    assert lines[1] == "5" and base64.b64decode(lines[2]) == checkpoint.root_hash
    assert lines[4].startswith("— ")


def test_the_signature_checks_with_the_published_pem_key():
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    record(Action.VIEW, None, None)
    head = heads.sign_head()
    text, signature_line = head.note.split("\n\n")
    blob = base64.b64decode(signature_line.split(" ")[-1])
    key = load_pem_public_key(heads.public_key_pem().encode())
    assert isinstance(key, Ed25519PublicKey)
    key.verify(blob[4:], (text + "\n").encode())  # raises if wrong


def test_the_private_key_is_created_once_with_mode_0600(settings):
    heads.signing_key()
    path = settings.DATA_DIR / "ledger_signing_key.pem"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    before = path.read_bytes()
    heads.sign_head(force=True)
    assert path.read_bytes() == before


def test_nothing_new_means_no_new_head_unless_forced():
    record(Action.VIEW, None, None)
    assert heads.sign_head() is not None
    assert heads.sign_head() is None
    assert heads.sign_head(force=True) is not None
    assert SignedHead.objects.count() == 2


def test_sign_command_prints_the_note(capsys):
    record(Action.VIEW, None, None)
    call_command("ledger", "sign")
    assert capsys.readouterr().out.startswith(heads.origin() + "\n1\n")
