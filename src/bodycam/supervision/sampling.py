"""Fair, provable sampling for spot checks (R-20). When a campaign starts it publishes a random
seed; within each stratum (an officer) the candidates are ranked ascending by the lowercase hex
SHA-256 of the UTF-8 text "<seed>:<the recording's SHA-256 in lowercase hex>", and the first
ceil(ratio × n) are taken: at least `minimum`, at most n. Anyone holding the seed and the
candidate list recomputes the same sample, so nobody can have picked which recordings are seen."""

import hashlib
import math
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Candidate:
    """A recording in a campaign's scope: its id, its content hash and its stratum."""

    id: int
    sha256: str
    stratum: str


def new_seed() -> str:
    """256 bits from the operating system's generator, published when the campaign starts."""
    return secrets.token_hex(32)


def rank(seed: str, sha256: str) -> str:
    """A candidate's place in its stratum: hex SHA-256 of "<seed>:<sha256>"."""
    return hashlib.sha256(f"{seed}:{sha256.lower()}".encode()).hexdigest()


def quota(ratio: str | Fraction, minimum: int, n: int) -> int:
    """How many of a stratum's n are taken. The ratio is exact ("0.07" is 7/100: 7 of 100,
    never the 8 a binary float's 7.000000000000001 would round up to)."""
    exact = Fraction(ratio)
    if not 0 <= exact <= 1 or minimum < 0:
        raise ValueError("ratio must be within 0..1 and minimum at least 0")
    return min(n, max(minimum, math.ceil(exact * n)))


def draw(
    seed: str, candidates: Iterable[Candidate], ratio: str | Fraction, minimum: int
) -> list[int]:
    """The sample's recording ids, stratum by stratum (strata in order, each ranked)."""
    strata: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        strata[candidate.stratum].append(candidate)
    chosen: list[int] = []
    for stratum in sorted(strata):
        ranked = sorted(strata[stratum], key=lambda c: (rank(seed, c.sha256), c.id))
        chosen += [c.id for c in ranked[: quota(ratio, minimum, len(ranked))]]
    return chosen
