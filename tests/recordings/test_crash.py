"""A kill -9 in the middle of an ingest leaves nothing partial visible; a re-run completes it."""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

# Seeded: some random bytes happen to look like a media stream to FFmpeg (an MP3 frame sync,
# say), which made the stored status of this non-video vary from run to run.
BLOCK = random.Random(2026).randbytes(16 * 1024 * 1024)


def _bodycam(env: dict, *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bodycam", *args], env=env, **kwargs)


def _rows(data_dir) -> int:
    with sqlite3.connect(data_dir / "bodycam.sqlite3") as db:
        return db.execute("SELECT count(*) FROM recordings_recording").fetchone()[0]


def _blobs(data_dir) -> list:
    root = data_dir / "blobs"
    return [p for p in root.rglob("*") if p.is_file() and "staging" not in p.parts]


@pytest.mark.slow
def test_sigkill_mid_copy_leaves_nothing_and_a_rerun_stores_the_whole_file(tmp_path):
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["BODYCAM_DATA_DIR"] = str(data)
    assert _bodycam(env, "migrate", "-v0").wait(timeout=120) == 0
    big = tmp_path / "TA00716_JX0227_20261120093621.MP4"
    with big.open("wb") as out:
        for i in range(48):  # 768 MiB: long enough to be caught mid-copy
            out.write(BLOCK[:-8] + i.to_bytes(8, "big"))
    staging = data / "blobs" / "staging"

    ingest = _bodycam(env, "ingest", str(big), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and ingest.poll() is None:
        parts = list(staging.glob("*.part")) if staging.exists() else []
        if parts and parts[0].stat().st_size > 64 * 1024 * 1024:
            os.kill(ingest.pid, signal.SIGKILL)
            break
        time.sleep(0.002)
    assert ingest.wait(timeout=30) == -signal.SIGKILL, "the ingest finished before it was killed"

    assert _rows(data) == 0 and _blobs(data) == []  # nothing partial is visible
    assert list(staging.glob("*.part"))  # the torn temp file is left for the sweep

    rerun = _bodycam(
        env, "ingest", "--json", str(big), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err.decode()
    assert b'"status": "damaged"' in out  # random bytes named .MP4: stored all the same
    assert _rows(data) == 1
    [blob] = _blobs(data)
    assert blob.stat().st_size == big.stat().st_size
    assert list(staging.glob("*.part")) == []  # swept at the start of the re-run
