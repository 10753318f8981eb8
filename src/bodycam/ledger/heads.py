"""Signed tree heads: C2SP checkpoints signed with the installation's Ed25519 key.

The key pair is created on first use in the data folder (private key mode 0600, never served);
the public half is published as PEM and as a signed-note verifier key.
"""

import contextlib
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bodycam.ledger import notes, tree
from bodycam.ledger.entries import stored_size
from bodycam.ledger.models import SignedHead
from bodycam.lib.keys import write_private


def key_path() -> Path:
    return Path(settings.LEDGER_SIGNING_KEY_FILE or settings.DATA_DIR / "ledger_signing_key.pem")


def key_name() -> str:
    """The signer's name in notes: this installation's name (no spaces or '+')."""
    return settings.INSTALLATION_NAME


def origin() -> str:
    """The checkpoint's origin line: names this installation's custody ledger."""
    return f"{settings.INSTALLATION_NAME}/custody-ledger"


def signing_key() -> Ed25519PrivateKey:
    """The private key, created with mode 0600 on first use."""
    return _load_or_create(key_path())


@cache
def _load_or_create(path: Path) -> Ed25519PrivateKey:
    if not path.exists():
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        with contextlib.suppress(FileExistsError):  # another process made it first
            write_private(path, pem)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise TypeError(f"{path} holds no Ed25519 private key")
    return key


def public_key_bytes() -> bytes:
    return (
        signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def public_key_pem() -> str:
    return (
        signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def verifier_key() -> str:
    """The signed-note verifier key: `name+keyid+base64(0x01 || public key)`."""
    return notes.verifier_key(key_name(), public_key_bytes())


def latest_head() -> SignedHead | None:
    return SignedHead.objects.order_by("-tree_size", "-signed_at").first()


def sign_head(force: bool = False) -> SignedHead | None:
    """Sign a checkpoint of every committed entry; None if the latest head already covers them
    (unless `force`)."""
    size = stored_size()
    latest = latest_head()
    if latest is not None and latest.tree_size >= size and not force:
        return None
    tree.extend_cache(size)
    root = tree.root(size)
    text = notes.format_checkpoint(origin(), size, root)
    note = notes.sign_note(text, key_name(), signing_key())
    with transaction.atomic():
        return SignedHead.objects.create(
            tree_size=size, root_hash=root, signed_at=timezone.now(), note=note
        )
