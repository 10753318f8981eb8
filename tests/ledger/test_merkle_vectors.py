"""The prover and verifier against the RFC 6962 reference vectors of transparency-dev/merkle.

The vectors are read from shared/vectors/rfc6962 (beside the repository, or under
$BODYCAM_SHARED_DIR); each file is one test and says whether it must fail.
"""

import json
import os
from pathlib import Path

import pytest

from bodycam.ledger import merkle
from bodycam.ledger.verify_offline import VerificationError, verify_consistency, verify_inclusion
from tests.ledger.helpers import unb64

SHARED = Path(
    os.environ.get("BODYCAM_SHARED_DIR") or Path(__file__).resolve().parents[2].parent / "shared"
)
VECTORS = SHARED / "vectors" / "rfc6962"

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
