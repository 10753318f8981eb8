"""Spot-check sampling (R-20) is fair and provable: the same seed and candidates give the same
sample, a recomputation written from the published rule alone agrees, the ratio and minimum hold
in every stratum, and nobody can steer it without changing the seed."""

import hashlib
import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bodycam.supervision.sampling import Candidate, draw, new_seed, quota


def _candidates(per_officer: dict[str, int]) -> list[Candidate]:
    made, number = [], 0
    for officer, count in per_officer.items():
        for _ in range(count):
            number += 1
            digest = hashlib.sha256(f"recording {number}".encode()).hexdigest()
            made.append(Candidate(number, digest, officer))
    return made


def _independently(seed: str, candidates: list[Candidate], ratio: str, minimum: int) -> set[int]:
    """The rule as the campaign page states it, written again without the module."""
    taken = set()
    for stratum in {c.stratum for c in candidates}:
        mine = [c for c in candidates if c.stratum == stratum]
        mine.sort(key=lambda c: hashlib.sha256(f"{seed}:{c.sha256}".encode()).hexdigest())
        count = min(len(mine), max(minimum, math.ceil(Fraction(ratio) * len(mine))))
        taken |= {c.id for c in mine[:count]}
    return taken


def test_the_same_seed_and_candidates_give_the_same_sample_in_any_order():
    seed, candidates = new_seed(), _candidates({"JX0227": 40, "JX0301": 25})
    first = draw(seed, candidates, "0.05", 1)
    assert draw(seed, list(reversed(candidates)), "0.05", 1) == first
    assert set(first) == _independently(seed, candidates, "0.05", 1)


def test_another_seed_draws_another_sample():
    candidates = _candidates({"JX0227": 200})
    assert draw("a" * 64, candidates, "0.05", 1) != draw("b" * 64, candidates, "0.05", 1)


def test_the_ratio_is_exact_and_the_minimum_and_the_whole_bound_it():
    assert quota("0.07", 0, 100) == 7  # a float would say 8
    assert quota("0.05", 1, 3) == 1 and quota("0.05", 5, 3) == 3 and quota("0", 0, 50) == 0
    with pytest.raises(ValueError):
        quota("1.5", 1, 10)


@given(
    sizes=st.dictionaries(st.sampled_from(["JX01", "JX02", "JX03", "JX04"]),
                          st.integers(min_value=0, max_value=60), min_size=1),
    percent=st.integers(min_value=0, max_value=100),
    minimum=st.integers(min_value=0, max_value=5),
    seed=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
)  # fmt: skip
def test_every_stratum_gets_its_share_and_the_rule_recomputes_it(sizes, percent, minimum, seed):
    candidates = _candidates(sizes)
    ratio = str(Fraction(percent, 100))
    sample = draw(seed, candidates, ratio, minimum)
    assert len(sample) == len(set(sample))
    assert set(sample) == _independently(seed, candidates, ratio, minimum)
    by_id = {c.id: c.stratum for c in candidates}
    for officer, n in sizes.items():
        taken = sum(1 for pk in sample if by_id[pk] == officer)
        assert taken == min(n, max(minimum, math.ceil(Fraction(percent, 100) * n)))
