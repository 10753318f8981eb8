"""The signing side of C2SP checkpoints and signed notes (verified by `verify_offline`).

Keys use the Go golang.org/x/mod/sumdb/note text forms, so standard tools read them:
signer key `PRIVATE+KEY+<name>+<hex key ID>+base64(0x01 || 32-byte seed)`,
verifier key `<name>+<hex key ID>+base64(0x01 || 32-byte public key)`.
"""

import base64
from collections.abc import Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from bodycam.ledger.verify_offline import (
    ED25519_TYPE,
    HASH_SIZE,
    SIGNATURE_PREFIX,
    b64decode,
    key_id,
    valid_key_name,
)

SIGNER_KEY_PREFIX = "PRIVATE+KEY+"


def _public_bytes(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _check_name(name: str) -> None:
    if not valid_key_name(name):
        raise ValueError(f"{name!r} is not a valid note key name (non-empty, no spaces, no '+')")


def verifier_key(name: str, public_key: bytes) -> str:
    """The verifier key text `name+keyid+base64(0x01 || key)` for a 32-byte Ed25519 public key."""
    _check_name(name)
    if len(public_key) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    encoded = base64.b64encode(bytes([ED25519_TYPE]) + public_key).decode("ascii")
    return f"{name}+{key_id(name, public_key):08x}+{encoded}"


def signer_key(name: str, private_key: Ed25519PrivateKey) -> str:
    """The signer key text `PRIVATE+KEY+name+keyid+base64(0x01 || seed)`; keep it secret."""
    _check_name(name)
    seed = private_key.private_bytes_raw()
    encoded = base64.b64encode(bytes([ED25519_TYPE]) + seed).decode("ascii")
    return f"{SIGNER_KEY_PREFIX}{name}+{key_id(name, _public_bytes(private_key)):08x}+{encoded}"


def parse_signer_key(skey: str) -> tuple[str, Ed25519PrivateKey]:
    """The key name and Ed25519 private key in a signer key text; ValueError if malformed."""
    if not skey.startswith(SIGNER_KEY_PREFIX):
        raise ValueError(f"a signer key starts with {SIGNER_KEY_PREFIX}")
    parts = skey.strip()[len(SIGNER_KEY_PREFIX) :].split("+", 2)
    if len(parts) != 3:
        raise ValueError("a signer key looks like PRIVATE+KEY+name+keyid+base64key")
    name, id_hex, seed_b64 = parts
    _check_name(name)
    encoded = b64decode(seed_b64, "signer key")
    if len(encoded) != 33 or encoded[0] != ED25519_TYPE:
        raise ValueError("the signer key is not an Ed25519 key (type 0x01, 32 bytes)")
    private_key = Ed25519PrivateKey.from_private_bytes(encoded[1:])
    if f"{key_id(name, _public_bytes(private_key)):08x}" != id_hex.lower():
        raise ValueError("the signer key ID does not match its name and key")
    return name, private_key


def sign_note(text: str, name: str, private_key: Ed25519PrivateKey) -> str:
    """The C2SP signed note of `text` (which ends in a newline) with one Ed25519 signature."""
    _check_name(name)
    if not text.endswith("\n"):
        raise ValueError("note text must end with a newline")
    if any(ch < " " and ch != "\n" for ch in text):
        raise ValueError("note text must not contain control characters")
    signature = private_key.sign(text.encode("utf-8"))
    blob = key_id(name, _public_bytes(private_key)).to_bytes(4, "big") + signature
    return f"{text}\n{SIGNATURE_PREFIX}{name} {base64.b64encode(blob).decode('ascii')}\n"


def format_checkpoint(
    origin: str, size: int, root_hash: bytes, extra_lines: Sequence[str] = ()
) -> str:
    """The C2SP checkpoint text for a tree head: origin, size, base64 root, extension lines."""
    lines = [origin, *extra_lines]
    if any(not line or "\n" in line for line in lines):
        raise ValueError("checkpoint origin and extension lines must be non-empty single lines")
    if size < 0 or len(root_hash) != HASH_SIZE:
        raise ValueError("a checkpoint needs a size of 0 or more and a 32-byte root hash")
    root_b64 = base64.b64encode(root_hash).decode("ascii")
    return "".join(f"{line}\n" for line in [origin, str(size), root_b64, *extra_lines])
