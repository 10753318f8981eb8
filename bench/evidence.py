"""Evidence disc benchmark (issue 14). Prints the figure beside a baseline measured in the same run.

    python bench/evidence.py [--gib 4] [--files 4] [--runs 3]

An extraction of `files` originals of `gib` GiB in all (stored by `bodycam ingest` in a fresh
data folder, on local storage): building its disc image (`bodycam evidence extract`: every
original copied by pycdlib and re-hashed on the way, 说明.pdf, the custody trail, the signed
manifest, the image hashed while written, fsync'd) against `cp` of the same originals into a
folder followed by `sync` (the physical floor: one read and one write of the same bytes).
Page cache is dropped for the originals before each contender (posix_fadvise).
Printed: seconds of each (median of `runs`, interleaved), the ratio (target <= 1.5) and the
extract command's peak RSS (memory must stay flat whatever the size).
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BLOCK = os.urandom(16 * 1024 * 1024)

SETUP = """
import json, sys
from pathlib import Path
from bodycam.access import requests as workflow
from bodycam.accounts.demo import create_demo_bureau
from bodycam.accounts.models import User
from bodycam.evidence import cases
from bodycam.recordings.models import Recording
create_demo_bureau()
records, head, custodian = (User.objects.get(username=n) for n in ("records", "head", "custodian"))
ids = list(Recording.objects.values_list("pk", flat=True))
cases.open_case("BENCH-1", records, title="bench", retention="永久")
request = workflow.submit_request(records, route="litigation", reason="bench", recordings=ids,
                                  rights=["view", "download"], hours=72)
workflow.approve(request, head, "ok")
workflow.register(request, custodian)
root = Path(sys.argv[1])
blobs = [str(root / r.sha256[:2] / r.sha256[2:4] / r.sha256) for r in Recording.objects.all()]
print(json.dumps({"ids": ids, "blobs": blobs}))
"""


def write_file(path: Path, size: int, salt: int) -> None:
    with path.open("wb") as out:
        written = 0
        while written < size:
            chunk = BLOCK[: min(len(BLOCK), size - written)]
            out.write(salt.to_bytes(8, "big") + written.to_bytes(8, "big") + chunk[16:])
            written += len(chunk)


def uncache(paths: list[Path]) -> None:
    subprocess.run(["sync"], check=True)
    for path in paths:
        with path.open("rb") as handle:
            os.posix_fadvise(handle.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
    time.sleep(1)


def copy(blobs: list[Path], target: Path) -> float:
    target.mkdir()
    start = time.perf_counter()
    subprocess.run(["cp", *map(str, blobs), str(target)], check=True)
    subprocess.run(["sync", "-f", str(target)], check=True)
    elapsed = time.perf_counter() - start
    shutil.rmtree(target)
    return elapsed


def extract(env: dict, ids: list[int], out: Path) -> tuple[float, int]:
    probe = (
        "import resource, sys, runpy; sys.argv = ['bodycam'] + sys.argv[1:];"
        "from bodycam.cli import main\n"
        "try:\n    main()\nfinally:\n"
        "    print('RSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)"
    )
    command = [
        sys.executable, "-c", probe, "evidence", "extract", "--case", "BENCH-1",
        "--recording", *map(str, ids), "--maker", "records", "--extractor", "records",
        "--purpose", "bench", "--out", str(out),
    ]  # fmt: skip
    start = time.perf_counter()
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    rss = int(next(line.split()[1] for line in done.stderr.splitlines() if line.startswith("RSS")))
    out.unlink()
    return elapsed, rss


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gib", type=float, default=4)
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(
        tempfile.mkdtemp(prefix="bench-evidence-", dir=os.environ.get("BENCH_DIR", "/var/tmp"))
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["BODYCAM_DATA_DIR"] = str(work / "data")
    try:
        run = lambda *a: subprocess.run([sys.executable, "-m", "bodycam", *a], env=env, check=True,  # noqa: E731
                                        capture_output=True, text=True)  # fmt: skip
        run("migrate", "-v0")
        card = work / "card"
        card.mkdir()
        size = int(args.gib * 2**30 / args.files)
        for n in range(args.files):
            write_file(card / f"TA00716_JX0227_2026112009{n:02d}00.mp4", size, n)
        run("ingest", str(card), "--json")
        shutil.rmtree(card)
        argv = f"import sys; sys.argv = ['x', {str(work / 'data' / 'blobs')!r}]\n"
        setup = subprocess.run([sys.executable, "-m", "bodycam", "shell", "-c", argv + SETUP],
                               env=env, check=True, capture_output=True, text=True)  # fmt: skip
        facts = json.loads(setup.stdout.strip().splitlines()[-1])
        blobs = [Path(p) for p in facts["blobs"]]
        copies, builds, peaks = [], [], []
        for _ in range(args.runs):
            uncache(blobs)
            copies.append(copy(blobs, work / "copy"))
            uncache(blobs)
            seconds, rss = extract(env, facts["ids"], work / "disc.iso")
            builds.append(seconds)
            peaks.append(rss)
        cp, build = statistics.median(copies), statistics.median(builds)
        total = sum(p.stat().st_size for p in blobs)
        print(f"evidence disc of {len(blobs)} originals, {total / 2**30:.2f} GiB in all")
        runs = lambda values: " ".join(f"{v:.2f}" for v in values)  # noqa: E731
        print(f"  cp + sync of the originals: {cp:.2f} s (runs {runs(copies)})")
        print(f"  bodycam evidence extract:   {build:.2f} s (runs {runs(builds)})")
        print(f"  ratio {build / cp:.2f} (target <= 1.5)")
        print(f"  peak RSS of the extract command: {max(peaks) / 1024:.0f} MiB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
