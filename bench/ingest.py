"""Ingest benchmark (issue 5). Prints each figure beside a baseline measured in the same run.

    python bench/ingest.py [--size-mib 1024] [--files 200] [--file-mib 5]

1. One big file: `openssl dgst -sha256 FILE` and `cp FILE X && sync X` are the two halves of
   the physical limit; `bodycam ingest FILE` reads once, hashes and writes overlapped, fsyncs.
   ratio = ingest / max(openssl, cp+sync)   (target <= 1.3)
2. Many small files: per-file time beyond hashing (target < 25 ms per file).
"""

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BLOCK = os.urandom(8 * 1024 * 1024)


def write_file(path: Path, size: int, salt: int) -> None:
    with path.open("wb") as out:
        written = 0
        while written < size:
            chunk = BLOCK[: min(len(BLOCK), size - written)]
            out.write(salt.to_bytes(8, "big") + chunk[8:])
            written += len(chunk)


def timed(command: list[str], env: dict | None = None, shell: bool = False) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, shell=shell, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def settle(path: Path) -> None:
    """Same start for every contender: the file written out to disk, and in the page cache."""
    subprocess.run(["sync"], check=True)
    with path.open("rb") as source:
        while source.read(16 * 1024 * 1024):
            pass


def quiet() -> None:
    subprocess.run(["sync"], check=True)
    time.sleep(2)


def median_of(runs: int, measure) -> float:
    return statistics.median(measure() for _ in range(runs))


def bodycam(env: dict, *args: str) -> float:
    return timed([sys.executable, "-m", "bodycam", *args], env=env)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--file-mib", type=int, default=5)
    args = parser.parse_args()
    work = Path(
        tempfile.mkdtemp(prefix="bench-ingest-", dir=os.environ.get("BENCH_DIR", "/var/tmp"))
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["BODYCAM_DATA_DIR"] = str(work / "data")
    subprocess.run([sys.executable, "-m", "bodycam", "migrate", "-v0"], env=env, check=True)
    print(f"bench in {work} (each figure the median of 3 runs)")
    try:
        big_file(work, env, args.size_mib)
        small_files(work, env, args.files, args.file_mib)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def big_file(work: Path, env: dict, size_mib: int, rounds: int = 3) -> None:
    big = work / "TA00716_JX0227_20261120093621.MP4"
    write_file(big, size_mib * 2**20, 1)
    settle(big)
    startup = median_of(rounds, lambda: bodycam(env, "shell", "-c", "pass"))
    times: dict[str, list[float]] = {"openssl": [], "cp+sync": [], "ingest": []}
    # Interleaved rounds, each contender starting from a settled disk: the disk of these
    # machines is busy for a while after a large file is written or deleted.
    for _ in range(rounds):
        times["openssl"].append(timed(["openssl", "dgst", "-sha256", str(big)]))
        quiet()
        times["cp+sync"].append(timed(f"cp {big} {work}/copy && sync {work}/copy", shell=True))
        (work / "copy").unlink()
        quiet()
        times["ingest"].append(ingest_fresh(work, env, big))
        quiet()
    openssl, copy, ingest = (statistics.median(times[k]) for k in ("openssl", "cp+sync", "ingest"))
    limit = max(openssl, copy)
    print(
        f"big file {size_mib} MiB: openssl {openssl:.2f} s, cp+sync {copy:.2f} s, "
        f"bodycam ingest {ingest:.2f} s (of which start-up ~{startup:.2f} s)"
    )
    print(
        f"ratio = ingest / max(openssl, cp+sync) = {ingest / limit:.2f} (target <= 1.3); "
        f"without start-up {(ingest - startup) / limit:.2f}"
    )


def ingest_fresh(work: Path, env: dict, path: Path) -> float:
    """One ingest into an empty store (a second ingest would only find a duplicate)."""
    fresh = dict(env, BODYCAM_DATA_DIR=str(work / f"data-{time.monotonic_ns()}"))
    subprocess.run([sys.executable, "-m", "bodycam", "migrate", "-v0"], env=fresh, check=True)
    quiet()
    took = bodycam(fresh, "ingest", str(path))
    shutil.rmtree(fresh["BODYCAM_DATA_DIR"])
    return took


def small_files(work: Path, env: dict, count: int, file_mib: int) -> None:
    folder = work / "card"
    folder.mkdir()
    for i in range(count):
        write_file(folder / f"TA00716_JX0227_202611200{i:05d}.MP4", file_mib * 2**20, 1000 + i)
    start = time.perf_counter()
    for path in sorted(folder.iterdir()):
        hashlib.sha256(path.read_bytes()).digest()
    hashing = time.perf_counter() - start
    subprocess.run(["sync"], check=True)
    startup = bodycam(env, "shell", "-c", "pass")
    ingest = bodycam(env, "ingest", str(folder))
    overhead = (ingest - startup - hashing) / count * 1000
    print(
        f"{count} files of {file_mib} MiB: ingest {ingest:.2f} s, hashing alone {hashing:.2f} s, "
        f"start-up {startup:.2f} s; overhead per file beyond hashing = {overhead:.1f} ms "
        f"(target < 25 ms)"
    )


if __name__ == "__main__":
    main()
