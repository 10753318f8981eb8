"""Custody ledger benchmark (issue 3). Prints each figure beside a baseline measured in the
same run, since these machines are noisy.

    python bench/ledger.py [--entries 1000000] [--appends 5000] [--proofs 300]

Uses a fresh SQLite database in a temporary data folder (DATABASE_URL=postgres://… to bench
PostgreSQL instead).
"""

import argparse
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta


def setup_django() -> None:
    os.environ.setdefault("BODYCAM_DATA_DIR", tempfile.mkdtemp(prefix="bench-ledger-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bodycam.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def bench_appends(n: int) -> None:
    from django.db import connection, transaction

    from bodycam.ledger.entries import record
    from bodycam.ledger.models import Action

    start = time.perf_counter()
    for i in range(n):
        with transaction.atomic():  # the domain transaction around each append
            record(Action.VIEW, None, None, i=i, reason="benchmark")
    ours = n / (time.perf_counter() - start)

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_plain (id INTEGER PRIMARY KEY, body TEXT)")
    start = time.perf_counter()
    for i in range(n):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_plain (id, body) VALUES (%s, %s)", [i, "x" * 200])
    plain = n / (time.perf_counter() - start)
    print(
        f"append: {ours:,.0f} entries/s (target >= 2,000/s); one plain INSERT per "
        f"transaction: {plain:,.0f}/s; ratio ours/plain = {ours / plain:.2f}"
    )


def fill(n: int) -> list[bytes]:
    """Append n entries in bulk (the bench needs a big log fast); returns their canonical bytes."""
    from bodycam.ledger.entries import canonical_bytes, canonical_json, stored_size
    from bodycam.ledger.models import LedgerEntry, LedgerState
    from bodycam.ledger.verify_offline import leaf_hash

    first = stored_size()
    moment = datetime(2026, 11, 27, tzinfo=UTC)
    batch, canon = [], []
    for seq in range(first, first + n):
        payload = canonical_json({"recording": seq % 9973, "reason": "复核执法过程"})
        when = moment + timedelta(milliseconds=seq)
        fields = (seq, when, 7, "李明", "JX0227", "view", "recording", str(seq % 9973),
                  "ab" * 32, payload)  # fmt: skip
        data = canonical_bytes(*fields)
        canon.append(data)
        batch.append(
            LedgerEntry(
                seq=seq,
                time=when,
                actor_id=7,
                actor_name="李明",
                actor_badge="JX0227",
                action="view",
                subject_kind="recording",
                subject_id=str(seq % 9973),
                subject_sha256="ab" * 32,
                payload_json=payload,
                leaf_hash=leaf_hash(data),
            )
        )
        if len(batch) == 20_000:
            LedgerEntry.objects.bulk_create(batch)
            batch = []
    LedgerEntry.objects.bulk_create(batch)
    LedgerState.objects.filter(pk=1).update(next_seq=first + n)
    return canon


def bench_verify(canon: list[bytes]) -> None:
    from bodycam.ledger import heads
    from bodycam.ledger.verification import verify_ledger

    heads.sign_head()
    start = time.perf_counter()
    for data in canon:
        hashlib.sha256(b"\x00" + data).digest()
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    report = verify_ledger()
    ours = time.perf_counter() - start
    assert report.ok, report.problems
    print(
        f"verify: {report.entries:,} entries in {ours:.2f} s; hashlib over the same "
        f"canonical bytes {baseline:.2f} s; ratio = {ours / baseline:.2f} (target <= 3)"
    )


def bench_proofs(size: int, count: int) -> None:
    from bodycam.ledger import tree

    rng = random.Random(6962)
    tree.inclusion_proof(0, size)  # warm the connection
    latencies = []
    for _ in range(count):
        seq = rng.randrange(size)
        start = time.perf_counter()
        tree.inclusion_proof(seq, size)
        latencies.append(time.perf_counter() - start)
    median = statistics.median(latencies) * 1000
    p95 = statistics.quantiles(latencies, n=20)[-1] * 1000
    start = time.perf_counter()
    for _ in range(count):
        hashlib.sha256(b"x" * 64).digest()
    one_hash = (time.perf_counter() - start) / count * 1000
    print(
        f"inclusion proof at {size:,}: median {median:.2f} ms, p95 {p95:.2f} ms "
        f"(target median < 5 ms); one SHA-256 here: {one_hash * 1000:.1f} µs"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--appends", type=int, default=5_000)
    parser.add_argument("--proofs", type=int, default=300)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    print(f"database: {connection.vendor}; python {sys.version.split()[0]}")
    bench_appends(args.appends)
    start = time.perf_counter()
    canon = fill(args.entries)
    print(f"(filled {args.entries:,} entries in {time.perf_counter() - start:.1f} s)")
    bench_verify(canon)
    from bodycam.ledger.entries import stored_size

    bench_proofs(stored_size(), args.proofs)


if __name__ == "__main__":
    main()
