"""The ledger's cryptographic core: RFC 6962 proofs, C2SP checkpoints and signed notes.

The transparency-dev reference vectors are read from shared/vectors/rfc6962 (beside the
repository, or under $BODYCAM_SHARED_DIR); each file is one test and says whether it must fail.
"""

import ast
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from bodycam.ledger import merkle, notes
from bodycam.ledger import verify_offline as vo
from bodycam.ledger.verify_offline import (
    MissingDependencyError,
    VerificationError,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)

SHARED = Path(
    os.environ.get("BODYCAM_SHARED_DIR") or Path(__file__).resolve().parents[2].parent / "shared"
)
VECTORS = SHARED / "vectors" / "rfc6962"
SCRIPT = Path(vo.__file__)

# The eight leaves behind the vectors (RFC 6962 test data, as in transparency-dev/merkle).
RFC_LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]

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


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    return base64.b64decode(text)


def flip(data: bytes, bit: int) -> bytes:
    bit %= len(data) * 8
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


def vector_files(kind: str) -> list[Path]:
    return sorted((VECTORS / kind).rglob("*.json"))


def vector_id(path: Path) -> str:
    return path.relative_to(VECTORS).as_posix()


# --- reference vectors ----------------------------------------------------------------------


def test_the_reference_vectors_are_all_there():
    inclusion, consistency = vector_files("inclusion"), vector_files("consistency")
    assert len(inclusion) == 98, f"inclusion vectors under {VECTORS}"
    assert len(consistency) == 98, f"consistency vectors under {VECTORS}"
    wanted_errors = [json.loads(p.read_text())["wantErr"] for p in inclusion + consistency]
    assert wanted_errors.count(False) == 12


@pytest.mark.parametrize("path", vector_files("inclusion"), ids=vector_id)
def test_inclusion_vector(path):
    v = json.loads(path.read_text())
    args = (
        unb64(v["leafHash"]),
        v["leafIdx"],
        v["treeSize"],
        [unb64(p) for p in v["proof"] or []],
        unb64(v["root"]),
    )
    if v["wantErr"]:
        with pytest.raises(VerificationError):
            verify_inclusion(*args)
    else:
        verify_inclusion(*args)


@pytest.mark.parametrize("path", vector_files("consistency"), ids=vector_id)
def test_consistency_vector(path):
    v = json.loads(path.read_text())
    args = (
        v["size1"],
        v["size2"],
        [unb64(p) for p in v["proof"] or []],
        unb64(v["root1"]),
        unb64(v["root2"]),
    )
    if v["wantErr"]:
        with pytest.raises(VerificationError):
            verify_consistency(*args)
    else:
        verify_consistency(*args)


def happy_paths(kind: str) -> list[Path]:
    return [p for p in vector_files(kind) if p.name == "happy-path.json"]


@pytest.mark.parametrize("path", happy_paths("inclusion"), ids=vector_id)
def test_the_prover_makes_the_vectors_inclusion_proofs(path):
    v = json.loads(path.read_text())
    src = merkle.ListHashSource.from_entries(RFC_LEAVES)
    index, size = v["leafIdx"], v["treeSize"]
    assert src.leaf_hashes(index, index + 1) == [unb64(v["leafHash"])]
    assert merkle.root(src, size) == unb64(v["root"])
    assert merkle.inclusion_proof(src, index, size) == [unb64(p) for p in v["proof"] or []]


@pytest.mark.parametrize("path", happy_paths("consistency"), ids=vector_id)
def test_the_prover_makes_the_vectors_consistency_proofs(path):
    v = json.loads(path.read_text())
    src = merkle.ListHashSource.from_entries(RFC_LEAVES)
    size1, size2 = v["size1"], v["size2"]
    assert merkle.root(src, size1) == unb64(v["root1"])
    assert merkle.root(src, size2) == unb64(v["root2"])
    assert merkle.consistency_proof(src, size1, size2) == [unb64(p) for p in v["proof"] or []]


# --- the prover against RFC 6962 as written ---------------------------------------------------


class Reference:
    """RFC 6962 section 2.1 transcribed literally (MTH, PATH, PROOF, SUBPROOF), memoised."""

    def __init__(self, entries):
        self.d = [leaf_hash(e) for e in entries]
        self.memo = {}

    @staticmethod
    def k(n):
        k = 1
        while k * 2 < n:
            k *= 2
        return k

    def mth(self, lo, hi):
        if (lo, hi) not in self.memo:
            if hi - lo == 1:
                self.memo[lo, hi] = self.d[lo]
            else:
                k = self.k(hi - lo)
                self.memo[lo, hi] = node_hash(self.mth(lo, lo + k), self.mth(lo + k, hi))
        return self.memo[lo, hi]

    def path(self, m, lo, hi):
        if hi - lo == 1:
            return []
        k = self.k(hi - lo)
        if m < k:
            return [*self.path(m, lo, lo + k), self.mth(lo + k, hi)]
        return [*self.path(m - k, lo + k, hi), self.mth(lo, lo + k)]

    def subproof(self, m, lo, hi, b):
        if m == hi - lo:
            return [] if b else [self.mth(lo, hi)]
        k = self.k(hi - lo)
        if m <= k:
            return [*self.subproof(m, lo, lo + k, b), self.mth(lo + k, hi)]
        return [*self.subproof(m - k, lo + k, hi, False), self.mth(lo, lo + k)]


@st.composite
def entry_lists(draw):
    """1 to 300 entries of 0 to 12 bytes: the size is drawn evenly, the bytes from a seed."""
    size, seed = draw(st.integers(1, 300)), draw(st.binary(max_size=8))
    return [hashlib.sha256(seed + i.to_bytes(2, "big")).digest()[: i % 13] for i in range(size)]


cache_level_sets = st.sets(st.integers(min_value=1, max_value=9))


@settings(database=None, max_examples=60, deadline=None)
@given(entries=entry_lists(), cache_levels=cache_level_sets)
def test_every_proof_matches_rfc6962_and_verifies(entries, cache_levels):
    ref = Reference(entries)
    src = merkle.ListHashSource(ref.d, cache_levels)
    n = len(entries)
    root = merkle.root(src, n)
    assert root == ref.mth(0, n)
    for i in range(n):
        proof = merkle.inclusion_proof(src, i, n)
        assert proof == ref.path(i, 0, n)
        verify_inclusion(ref.d[i], i, n, proof, root)
    for m in range(1, n + 1):
        proof = merkle.consistency_proof(src, m, n)
        assert proof == ref.subproof(m, 0, n, True)
        verify_consistency(m, n, proof, merkle.root(src, m), root)


@settings(database=None, max_examples=200, deadline=None)
@given(entries=entry_lists(), data=st.data())
def test_a_flipped_bit_fails_an_inclusion_proof(entries, data):
    src = merkle.ListHashSource.from_entries(entries, range(1, 10))
    n = len(entries)
    i = data.draw(st.integers(0, n - 1), label="index")
    leaf, proof, root = (
        leaf_hash(entries[i]),
        merkle.inclusion_proof(src, i, n),
        merkle.root(src, n),
    )
    targets = ["leaf", "root"] + (["proof"] if proof else [])
    target = data.draw(st.sampled_from(targets), label="target")
    bit = data.draw(st.integers(0, 255), label="bit")
    if target == "leaf":
        leaf = flip(leaf, bit)
    elif target == "root":
        root = flip(root, bit)
    else:
        j = data.draw(st.integers(0, len(proof) - 1), label="component")
        proof[j] = flip(proof[j], bit)
    with pytest.raises(VerificationError):
        verify_inclusion(leaf, i, n, proof, root)


@settings(database=None, max_examples=200, deadline=None)
@given(entries=entry_lists(), data=st.data())
def test_a_flipped_bit_fails_a_consistency_proof(entries, data):
    src = merkle.ListHashSource.from_entries(entries, range(1, 10))
    n = len(entries)
    m = data.draw(st.integers(1, n), label="size1")
    proof = merkle.consistency_proof(src, m, n)
    roots = [merkle.root(src, m), merkle.root(src, n)]
    target = data.draw(st.sampled_from(["root1", "root2"] + (["proof"] if proof else [])))
    bit = data.draw(st.integers(0, 255), label="bit")
    if target == "proof":
        j = data.draw(st.integers(0, len(proof) - 1), label="component")
        proof[j] = flip(proof[j], bit)
    else:
        which = int(target == "root2")
        roots[which] = flip(roots[which], bit)
    with pytest.raises(VerificationError):
        verify_consistency(m, n, proof, *roots)


@settings(database=None, max_examples=150, deadline=None)
@given(entries=entry_lists(), cache_levels=cache_level_sets, data=st.data())
def test_subtree_hash_is_the_same_with_any_cache(entries, cache_levels, data):
    start = data.draw(st.integers(0, len(entries) - 1), label="start")
    end = data.draw(st.integers(start + 1, len(entries)), label="end")
    cached = merkle.ListHashSource.from_entries(entries, cache_levels)
    uncached = merkle.ListHashSource.from_entries(entries)
    assert merkle.subtree_hash(cached, start, end) == merkle.subtree_hash(uncached, start, end)
    assert merkle.subtree_hash(uncached, start, end) == Reference(entries[start:end]).mth(
        0, end - start
    )


def test_the_empty_tree_and_bad_ranges():
    src = merkle.ListHashSource.from_entries([b"a", b"b"])
    assert merkle.root(src, 0).hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    for call in [
        lambda: merkle.subtree_hash(src, 1, 1),
        lambda: merkle.inclusion_proof(src, 2, 2),
        lambda: merkle.consistency_proof(src, 0, 2),
        lambda: merkle.consistency_proof(src, 2, 1),
        lambda: merkle.new_perfect_subtrees(3, 2, 1),
        lambda: merkle.new_perfect_subtrees(2, 3, 0),
    ]:
        with pytest.raises(ValueError):
            call()


def test_a_source_that_loses_leaves_is_an_error():
    class Lossy(merkle.ListHashSource):
        def leaf_hashes(self, start, end):
            return super().leaf_hashes(start, end)[:-1]

    with pytest.raises(LookupError):
        merkle.root(Lossy.from_entries([b"a", b"b", b"c"]), 3)


# --- growing the cache with the log ----------------------------------------------------------


class GrowingSource:
    """What the database layer does: leaves appended, complete subtrees cached as they appear."""

    def __init__(self):
        self.leaves: list[bytes] = []
        self.cache: dict[tuple[int, int], bytes] = {}
        self.leaves_read = 0

    def leaf_hashes(self, start, end):
        self.leaves_read += end - start
        return self.leaves[start:end]

    def subtree(self, level, index):
        return self.cache.get((level, index))


@settings(database=None, max_examples=60, deadline=None)
@given(batches=st.lists(st.integers(0, 70), max_size=12), min_level=st.integers(1, 4))
def test_new_subtree_hashes_keeps_every_complete_subtree_cached(batches, min_level):
    src, entries = GrowingSource(), []
    for batch in batches:
        old = len(entries)
        entries += [f"entry {old + j}".encode() for j in range(batch)]
        src.leaves = [leaf_hash(e) for e in entries]
        src.leaves_read = 0
        made = merkle.new_subtree_hashes(src, old, len(entries), min_level)
        positions = [(level, index) for level, index, _ in made]
        assert positions == merkle.new_perfect_subtrees(old, len(entries), min_level)
        lowest = sum(1 for level, _ in positions if level == min_level)
        assert src.leaves_read == lowest << min_level  # higher levels come from the cache
        src.cache.update(((level, index), h) for level, index, h in made)
        expected = {
            (level, index)
            for level in range(min_level, 64)
            for index in range(len(entries) >> level)
        }
        assert set(src.cache) == expected
    ref = Reference(entries)
    for (level, index), digest in src.cache.items():
        assert digest == ref.mth(index << level, (index + 1) << level)


# --- cost at scale ---------------------------------------------------------------------------


class UniformSource:
    """A virtual log of identical leaves with every complete subtree of min_level and up cached.

    Identical leaves make every subtree hash a function of its level alone, so a tree of ten
    million leaves costs nothing to build and its proofs still verify.
    """

    def __init__(self, size, min_level):
        self.size, self.min_level = size, min_level
        self.by_level = [leaf_hash(b"the same entry")]
        for _ in range(64):
            self.by_level.append(node_hash(self.by_level[-1], self.by_level[-1]))
        self.subtree_lookups = self.leaves_read = 0

    def leaf_hashes(self, start, end):
        assert 0 <= start <= end <= self.size
        self.leaves_read += end - start
        return [self.by_level[0]] * (end - start)

    def subtree(self, level, index):
        self.subtree_lookups += 1
        complete = (index + 1) << level <= self.size
        return self.by_level[level] if level >= self.min_level and complete else None


MIN_LEVEL = 8


@pytest.mark.parametrize("size", [1_000_000, 10_000_019])
def test_proofs_in_a_big_log_cost_log_n_lookups(size):
    root = merkle.root(UniformSource(size, MIN_LEVEL), size)
    log_n = size.bit_length()
    for index in [0, 1, 255, 256, 99_999, size // 2, size - 300, size - 1]:
        src = UniformSource(size, MIN_LEVEL)
        proof = merkle.inclusion_proof(src, index, size)
        assert src.subtree_lookups <= 2 * log_n
        assert src.leaves_read < 2 << MIN_LEVEL
        verify_inclusion(src.by_level[0], index, size, proof, root)
    for size1 in [1, 256, 257, 65_537, size // 3, size - 1]:
        src = UniformSource(size, MIN_LEVEL)
        proof = merkle.consistency_proof(src, size1, size)
        assert src.subtree_lookups <= 3 * log_n
        assert src.leaves_read < 2 << MIN_LEVEL
        verify_consistency(size1, size, proof, merkle.root(src, size1), root)


def test_proofs_with_a_cache_from_level_8_read_few_leaves():
    entries = [i.to_bytes(4, "big") for i in range((1 << 16) + 1234)]
    src = merkle.ListHashSource.from_entries(entries, range(MIN_LEVEL, 20))
    n = len(entries)
    root = merkle.root(src, n)
    for index in [0, 300, 40_000, n - 1]:
        src.subtree_lookups = src.leaves_read = 0
        proof = merkle.inclusion_proof(src, index, n)
        assert src.subtree_lookups <= 2 * n.bit_length()
        assert src.leaves_read < 2 << MIN_LEVEL
        verify_inclusion(leaf_hash(entries[index]), index, n, proof, root)


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
