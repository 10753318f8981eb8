"""Upload completion benchmark (issue 10). Prints each figure beside a baseline measured in the
same run.

    python bench/upload.py [--size-mib 1024] [--runs 3]

A real web server (gunicorn, as `bodycam serve` starts it) and a real worker (polling every
50 ms) on a SQLite data folder. For a 1 GiB upload, the time from the answer to the last PATCH
to the upload being "ingested" (its recording stored), divided by one SHA-256 pass over the
same file measured here, in this process, from the page cache:

1. running hash present (every PATCH served by one process): target <= 0.3
2. upload moved between processes (the web server restarted before the last chunk, so the
   worker hashes the file once): target <= 1.2
"""

import argparse
import hashlib
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bodycam.uploads.client import State, TusClient, send_file

BLOCK = os.urandom(8 * 1024 * 1024)
CHUNK = 128 * 1024 * 1024


def write_file(path: Path, size: int, salt: int) -> None:
    with path.open("wb") as out:
        for at in range(0, size, len(BLOCK)):
            out.write(salt.to_bytes(8, "big") + BLOCK[8 : min(len(BLOCK), size - at)])


def sha256_pass(path: Path) -> float:
    start = time.perf_counter()
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(256 * 1024):
            digest.update(chunk)
    return time.perf_counter() - start


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, env: dict, port: int) -> None:
        self.env, self.port, self.process = env, port, None

    def start(self) -> None:
        from bodycam.management.commands.serve import web_command  # needs Django set up

        self.process = subprocess.Popen(
            web_command(f"127.0.0.1:{self.port}", 1), env=self.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(400):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the web server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def ingested(database: Path, url: str) -> bool:
    pk = url.rstrip("/").rsplit("/", 1)[1].replace("-", "")
    with sqlite3.connect(database) as db:
        row = db.execute(
            "SELECT status FROM uploads_upload WHERE replace(id, '-', '') = ?", (pk,)
        ).fetchone()
    return row is not None and row[0] in ("ingested", "failed")


def one_upload(work: Path, server: Server, key: str, size: int, salt: int, moved: bool):
    """(seconds from the last PATCH's answer to "ingested", seconds of one SHA-256 pass)."""
    path = work / f"TA00716_JX0227_20261120{salt:06d}.MP4"
    write_file(path, size, salt)
    client = TusClient(f"http://127.0.0.1:{server.port}", key)
    state = State(work / f"state-{salt}.json")
    before_last = (size - 1) // CHUNK
    send_file(client, path, state, CHUNK, max_chunks=before_last, patience=0)
    if moved:  # the last chunk reaches a server process that never saw the others
        client.close()
        server.stop()
        server.start()
        client = TusClient(f"http://127.0.0.1:{server.port}", key)
    subprocess.run(["sync"], check=True)
    sent = send_file(client, path, state, CHUNK, patience=0)
    answered = time.perf_counter()
    while not ingested(work / "data" / "bodycam.sqlite3", sent.url):
        time.sleep(0.002)
    took = time.perf_counter() - answered
    baseline = sha256_pass(path)
    client.close()
    path.unlink()
    return took, baseline


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-upload-", dir=os.environ.get("BENCH_DIR")))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["BODYCAM_DATA_DIR"] = str(work / "data")
    os.environ.update(BODYCAM_DATA_DIR=env["BODYCAM_DATA_DIR"],
                      DJANGO_SETTINGS_MODULE="bodycam.settings")  # fmt: skip
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    bodycam = [sys.executable, "-m", "bodycam"]
    subprocess.run([*bodycam, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*bodycam, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    key = subprocess.run([*bodycam, "token", "records"], env=env, check=True,
                         capture_output=True, text=True).stdout.strip()  # fmt: skip
    server = Server(env, free_port())
    server.start()
    worker = subprocess.Popen([*bodycam, "worker", "--interval", "0.05", "-v0"], env=env)
    size = args.size_mib * 1024 * 1024
    print(f"bench in {work}: {args.size_mib} MiB uploads, medians of {args.runs} runs")
    try:
        for moved, target in ((False, 0.3), (True, 1.2)):
            runs = [one_upload(work, server, key, size, 10 * n + moved, moved)
                    for n in range(args.runs)]  # fmt: skip
            took = statistics.median(t for t, _ in runs)
            baseline = statistics.median(b for _, b in runs)
            label = "moved between processes" if moved else "running hash present"
            print(f"{label:>26}: last byte -> ingested {took:.3f} s, one SHA-256 pass "
                  f"{baseline:.3f} s, ratio {took / baseline:.2f} (target <= {target}); "
                  f"runs {', '.join(f'{t:.3f}' for t, _ in runs)}")  # fmt: skip
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
