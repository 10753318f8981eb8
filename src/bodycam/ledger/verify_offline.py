"""Offline verifier for the custody ledger: RFC 6962 Merkle proofs and C2SP signed checkpoints.

This file stands alone: it needs only the Python standard library, plus the `cryptography`
package for the Ed25519 signature check.  It is copied onto evidence discs and run as

    python3 verify_offline.py inclusion --checkpoint checkpoint.txt --key KEY \\
        --entry entry.bin --index 41 --proof B64,B64,...
    python3 verify_offline.py consistency --old old.txt --new new.txt --key KEY --proof B64,...

KEY is the log's verifier key (`name+keyid+base64`) or a file holding it.  Exit status:
0 verified, 1 verification failed, 2 could not check (missing file or package, bad usage).

Formats: https://www.rfc-editor.org/rfc/rfc9162 (proofs), https://c2sp.org/tlog-checkpoint
and https://c2sp.org/signed-note (checkpoints and their signatures).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import hmac
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

HASH_SIZE = 32
ED25519_TYPE = 0x01
MAX_SIGNATURES = 100
SIGNATURE_PREFIX = "\u2014 "  # em dash, space
_DECIMAL = re.compile(r"0|[1-9][0-9]*")
_KEY_ID_HEX = re.compile(r"[0-9a-fA-F]{8}")


class VerificationError(ValueError):
    """A proof, checkpoint, key or signed note failed verification."""


class MissingDependencyError(RuntimeError):
    """A check cannot run on this machine (the `cryptography` package is not installed)."""


# --- RFC 6962 hashing and proof verification ------------------------------------------------


def leaf_hash(data: bytes) -> bytes:
    """RFC 6962 hash of a leaf: SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 6962 hash of an interior node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _check_hash(what: str, value: bytes) -> None:
    if len(value) != HASH_SIZE:
        raise VerificationError(f"{what} is {len(value)} bytes, expected {HASH_SIZE}")


def _check_proof(proof: Sequence[bytes]) -> None:
    for position, component in enumerate(proof):
        _check_hash(f"proof component {position}", component)


def verify_inclusion(
    leaf_hash: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that `leaf_hash` is leaf number `index` of the tree of `tree_size` leaves with `root`.

    RFC 9162 section 2.1.3.2.  Raises VerificationError saying what is wrong.
    """
    _check_hash("leaf hash", leaf_hash)
    _check_hash("root hash", root)
    _check_proof(proof)
    if not 0 <= index < tree_size:
        raise VerificationError(f"leaf index {index} is outside a tree of size {tree_size}")
    fn, sn, r = index, tree_size - 1, leaf_hash
    for component in proof:
        if sn == 0:
            raise VerificationError(f"inclusion proof is too long ({len(proof)} hashes)")
        if fn & 1 or fn == sn:
            r = node_hash(component, r)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, component)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise VerificationError(f"inclusion proof is too short ({len(proof)} hashes)")
    if not hmac.compare_digest(r, root):
        raise VerificationError("inclusion proof does not lead to the root hash")


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """Check that the tree of `size2` leaves with `root2` extends the one of `size1` with `root1`.

    RFC 9162 section 2.1.4.2.  As in the transparency-dev test vectors, a proof from the empty
    tree is refused (it would prove nothing) and equal sizes need equal roots and an empty
    proof.  Raises VerificationError saying what is wrong.
    """
    if not 0 <= size1 <= size2:
        raise VerificationError(f"tree sizes {size1} and {size2} are not in growing order")
    if size1 == 0:
        raise VerificationError("a consistency proof from the empty tree proves nothing")
    if size1 == size2:
        if proof:
            raise VerificationError("the tree sizes are equal, so the proof must be empty")
        # Compared as given, with no length check: the vectors accept any two equal roots here.
        if not hmac.compare_digest(root1, root2):
            raise VerificationError("the tree sizes are equal but the root hashes differ")
        return
    _check_hash("first root hash", root1)
    _check_hash("second root hash", root2)
    _check_proof(proof)
    if not proof:
        raise VerificationError("consistency proof is empty")
    _walk_consistency(size1, size2, proof, root1, root2)


def _walk_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    path = list(proof)
    if size1 & (size1 - 1) == 0:
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for component in path[1:]:
        if sn == 0:
            raise VerificationError(f"consistency proof is too long ({len(proof)} hashes)")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(component, fr), node_hash(component, sr)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, component)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise VerificationError(f"consistency proof is too short ({len(proof)} hashes)")
    if not hmac.compare_digest(fr, root1):
        raise VerificationError("consistency proof does not lead to the first root hash")
    if not hmac.compare_digest(sr, root2):
        raise VerificationError("consistency proof does not lead to the second root hash")


# --- C2SP tlog-checkpoint -------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """The body of a C2SP checkpoint: which log, how many leaves, and their Merkle root."""

    origin: str
    size: int
    root_hash: bytes
    extra_lines: tuple[str, ...] = ()


def b64decode(text: str, what: str) -> bytes:
    """Decode standard, padded, canonical base64, raising VerificationError naming `what`."""
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error):
        raise VerificationError(f"{what} is not valid base64") from None
    if base64.b64encode(data).decode("ascii") != text:
        raise VerificationError(f"{what} is not canonical base64")
    return data


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint body (the note text, ending in a newline) per c2sp.org/tlog-checkpoint.

    Only the syntax is checked here; use `verify_note` first to check who signed it.
    """
    if not text.endswith("\n"):
        raise VerificationError("checkpoint text does not end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3 or any(line == "" for line in lines):
        raise VerificationError("checkpoint needs at least three non-empty lines")
    origin, size_line, root_line, *extra = lines
    if not _DECIMAL.fullmatch(size_line):
        raise VerificationError(f"checkpoint tree size {size_line!r} is not a decimal number")
    root_hash = b64decode(root_line, "checkpoint root hash")
    _check_hash("checkpoint root hash", root_hash)
    return Checkpoint(origin, int(size_line), root_hash, tuple(extra))


# --- C2SP signed-note with Ed25519 ----------------------------------------------------------


def valid_key_name(name: str) -> bool:
    """Whether `name` may name a note key: non-empty, no spaces, no '+'."""
    return bool(name) and "+" not in name and not any(ch.isspace() for ch in name)


def key_id(name: str, public_key: bytes) -> int:
    """The C2SP key ID of an Ed25519 key: SHA-256(name || 0x0A || 0x01 || key)[:4], big-endian."""
    digest = hashlib.sha256(name.encode() + b"\n" + bytes([ED25519_TYPE]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def parse_verifier_key(vkey: str) -> tuple[str, int, bytes]:
    """Split a verifier key `name+hexid+base64(0x01 || key)` into (name, key ID, 32-byte key)."""
    parts = vkey.strip().split("+", 2)
    if len(parts) != 3:
        raise VerificationError("verifier key must look like name+keyid+base64key")
    name, id_hex, key_b64 = parts
    if not valid_key_name(name):
        raise VerificationError(f"verifier key name {name!r} is not a valid key name")
    if not _KEY_ID_HEX.fullmatch(id_hex):
        raise VerificationError(f"verifier key ID {id_hex!r} is not 8 hex digits")
    encoded = b64decode(key_b64, "verifier public key")
    if len(encoded) != 1 + 32 or encoded[0] != ED25519_TYPE:
        raise VerificationError("verifier key is not an Ed25519 key (type 0x01, 32 bytes)")
    public_key = encoded[1:]
    if key_id(name, public_key) != int(id_hex, 16):
        raise VerificationError("verifier key ID does not match its name and public key")
    return name, int(id_hex, 16), public_key


def _split_note(note: str) -> tuple[str, list[tuple[str, int, bytes]]]:
    if any(ch < " " and ch != "\n" for ch in note):
        raise VerificationError("signed note contains control characters")
    split = note.rfind("\n\n")
    if split < 0:
        raise VerificationError("signed note has no blank line before its signatures")
    text, block = note[: split + 1], note[split + 2 :]
    if not block.endswith("\n"):
        raise VerificationError("signed note does not end with a signature line")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise VerificationError(f"signed note has more than {MAX_SIGNATURES} signatures")
    return text, [_parse_signature_line(line) for line in lines]


def _parse_signature_line(line: str) -> tuple[str, int, bytes]:
    if not line.startswith(SIGNATURE_PREFIX):
        raise VerificationError(f"malformed signature line {line[:40]!r}")
    name, _, sig_b64 = line[len(SIGNATURE_PREFIX) :].partition(" ")
    if not valid_key_name(name):
        raise VerificationError(f"signature line has an invalid key name {name!r}")
    blob = b64decode(sig_b64, f"signature by {name}")
    if len(blob) < 5:
        raise VerificationError(f"signature by {name} is too short")
    return name, int.from_bytes(blob[:4], "big"), blob[4:]


def _ed25519_valid(public_key: bytes, signature: bytes, message: bytes) -> bool:
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError:
        raise MissingDependencyError(
            "检查签名需要 Python 软件包 cryptography / checking the Ed25519 signature needs "
            "the Python package 'cryptography' (pip install cryptography)"
        ) from None
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def verify_note(note: str, verifier_key: str) -> str:
    """Return the text of the C2SP signed `note` if `verifier_key` signed it.

    Signatures by other keys are ignored; a bad signature by this key rejects the note.
    Raises VerificationError, or MissingDependencyError without the `cryptography` package.
    """
    name, wanted_id, public_key = parse_verifier_key(verifier_key)
    text, signatures = _split_note(note)
    try:
        message = text.encode("utf-8")
    except UnicodeEncodeError:
        raise VerificationError("signed note is not valid UTF-8") from None
    verified = False
    for sig_name, sig_id, signature in signatures:
        if (sig_name, sig_id) != (name, wanted_id):
            continue
        if not _ed25519_valid(public_key, signature, message):
            raise VerificationError(f"the signature by {name} does not match the note text")
        verified = True
    if not verified:
        raise VerificationError(f"the note carries no signature by key {name}+{wanted_id:08x}")
    return text


# --- command line ---------------------------------------------------------------------------


def _read_text(path: str, what: str) -> str:
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise VerificationError(f"{what} {path} is not UTF-8 text") from None


def _load_key(value: str) -> str:
    if Path(value).is_file():
        return _read_text(value, "key file").strip()
    return value


def _open_checkpoint(path: str, vkey: str) -> Checkpoint:
    return parse_checkpoint(verify_note(_read_text(path, "checkpoint file"), vkey))


def _parse_proof(value: str) -> list[bytes]:
    parts = [part.strip() for part in value.split(",")]
    return [b64decode(part, f"proof hash {n}") for n, part in enumerate(parts) if part]


def _run_inclusion(args: argparse.Namespace) -> str:
    checkpoint = _open_checkpoint(args.checkpoint, _load_key(args.key))
    if args.entry is not None:
        # Canonical entries never end in a line break; an editor saving the file may add one.
        leaf = leaf_hash(Path(args.entry).read_bytes().rstrip(b"\r\n"))
    else:
        leaf = b64decode(args.leaf_hash, "leaf hash")
    verify_inclusion(
        leaf, args.index, checkpoint.size, _parse_proof(args.proof), checkpoint.root_hash
    )
    return f"leaf {args.index} is in {checkpoint.origin} at tree size {checkpoint.size}"


def _run_consistency(args: argparse.Namespace) -> str:
    vkey = _load_key(args.key)
    old, new = _open_checkpoint(args.old, vkey), _open_checkpoint(args.new, vkey)
    if old.origin != new.origin:
        raise VerificationError(f"the checkpoints name different logs: {old.origin}, {new.origin}")
    verify_consistency(old.size, new.size, _parse_proof(args.proof), old.root_hash, new.root_hash)
    return f"{new.origin} at tree size {new.size} extends tree size {old.size}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="verify_offline.py", description="离线验证保管日志证明 / Verify ledger proofs offline."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    inclusion = commands.add_parser("inclusion", help="an entry is in a signed checkpoint")
    inclusion.add_argument("--checkpoint", required=True, help="signed checkpoint file")
    inclusion.add_argument("--key", required=True, help="verifier key, or a file holding it")
    leaf = inclusion.add_mutually_exclusive_group(required=True)
    leaf.add_argument("--leaf-hash", help="base64 RFC 6962 leaf hash")
    leaf.add_argument("--entry", help="file holding the canonical entry bytes")
    inclusion.add_argument("--index", required=True, type=int, help="leaf index, from 0")
    inclusion.add_argument("--proof", default="", help="comma-separated base64 hashes")
    inclusion.set_defaults(run=_run_inclusion)
    consistency = commands.add_parser("consistency", help="a checkpoint extends an older one")
    consistency.add_argument("--old", required=True, help="older signed checkpoint file")
    consistency.add_argument("--new", required=True, help="newer signed checkpoint file")
    consistency.add_argument("--key", required=True, help="verifier key, or a file holding it")
    consistency.add_argument("--proof", default="", help="comma-separated base64 hashes")
    consistency.set_defaults(run=_run_consistency)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; print one bilingual result line and return the exit status."""
    args = _parser().parse_args(argv)
    try:
        detail = args.run(args)
    except VerificationError as exc:
        _say(f"验证失败 / FAILED: {exc}")
        return 1
    except (OSError, MissingDependencyError) as exc:
        _say(f"无法验证 / cannot verify: {exc}")
        return 2
    _say(f"验证通过 / verified: {detail}")
    return 0


def _say(line: str) -> None:
    try:
        print(line)
    except UnicodeEncodeError:  # a console without Chinese still gets the English half
        print(line.encode("ascii", "replace").decode("ascii"))


if __name__ == "__main__":
    sys.exit(main())
