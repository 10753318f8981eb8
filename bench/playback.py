"""Playback benchmark (issue 11). Prints each figure beside a baseline measured in the same run.

    python bench/playback.py [--size-mib 1024] [--runs 3]

A real web server (gunicorn, as `bodycam serve` starts it) on a SQLite data folder, a 1 GiB
proxy in local blob storage, and an active viewing grant. An API token authenticates the client
(curl, the same client for every figure), which fetches the proxy's signed URL:

1. streaming: the whole proxy in consecutive 64 MiB Range requests (206 each), to /dev/null,
   divided by `cat` of the same blob file to /dev/null, both from the page cache.
   ratio target <= 1.5
   Also printed: the same curl fetching the file from a bare sendfile(2) loop in this process,
   the floor of any HTTP server on this machine's loopback (the receiving side's copies are
   most of the time; `cat` has none of them).
2. time to first byte of a 64 KiB Range request at a random offset (every request checks the
   signature, the grant and the secrecy level): median and p95 of 50. target < 50 ms
"""

import argparse
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

RANGE = 64 * 1024 * 1024
BLOCK = os.urandom(8 * 1024 * 1024)


def setup(work: Path, size: int) -> tuple[str, str, Path]:
    """(signed URL of the proxy, API key, the blob file) in a fresh data folder."""
    import av  # a small real original, so the recording is a real one
    from django.utils import timezone
    from PIL import Image

    from bodycam.access import requests as workflow
    from bodycam.access.content import content_url
    from bodycam.accounts import tokens
    from bodycam.accounts.models import User
    from bodycam.recordings.ingest import ingest_file
    from bodycam.recordings.models import DerivedCopy, DerivedKind, Recording
    from bodycam.recordings.resolution import Given
    from bodycam.recordings.storage import blob_store, copy_in

    clip = work / "JX0227_20261120_101500.mp4"
    with av.open(str(clip), "w") as out:
        stream = out.add_stream("h264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for n in range(20):
            frame = av.VideoFrame.from_image(Image.new("RGB", (64, 48), (n * 10,) * 3))
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    officer = User.objects.get(username="officer")
    store = blob_store()
    recording = Recording.objects.get(
        pk=ingest_file(clip, Given(officer=officer), store).recording_id
    )
    big = work / "proxy.mp4"
    with big.open("wb") as target:
        for at in range(0, size, len(BLOCK)):
            target.write(BLOCK[: min(len(BLOCK), size - at)])
    staging, sha256, stored = copy_in(store, big, size)
    staging.commit(sha256, None)
    big.unlink()
    DerivedCopy.objects.create(recording=recording, kind=DerivedKind.PROXY, sha256=sha256,
                               size=stored, method="remux", made_at=timezone.now())  # fmt: skip
    request = workflow.submit_request(officer, recordings=[recording.pk], route="work",
                                      reason="bench", hours=24)  # fmt: skip
    workflow.approve(request, User.objects.get(username="head"))
    grant = workflow.register(request, User.objects.get(username="custodian"))
    key = tokens.issue_token(officer, None, name="bench").key
    return content_url(officer, grant, recording, "proxy"), key, store.path(sha256)


def curl(url: str, key: str, first: int, last: int) -> tuple[float, float]:
    """(seconds to the first byte, seconds in all) of one Range request, body to /dev/null."""
    written = "%{http_code} %{time_starttransfer} %{time_total}"
    answer = subprocess.run(
        ["curl", "-s", "-o", "/dev/null", "-H", f"Authorization: Token {key}",
         "-H", f"Range: bytes={first}-{last}", "-w", written, url],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert answer[0] == "206", answer
    return float(answer[1]), float(answer[2])


def stream(url: str, key: str, size: int) -> float:
    """Seconds to fetch the whole proxy in consecutive ranges: one curl, one kept-alive
    connection, each range in turn (as a player reading forward does)."""
    ranges = [(at, min(at + RANGE, size) - 1) for at in range(0, size, RANGE)]
    command = ["curl"]
    for n, (first, last) in enumerate(ranges):
        command += ["--next"] if n else []
        command += ["-s", "-H", f"Authorization: Token {key}", "-w", "%{http_code}\n",
                    "-r", f"{first}-{last}", "-o", "/dev/null", url]  # fmt: skip
    start = time.perf_counter()
    codes = subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()
    took = time.perf_counter() - start
    assert codes == ["206"] * len(ranges), codes[:3]
    return took


def bare_sendfile_server(path: Path) -> int:
    """A port where a bare loop answers every request with the whole file by sendfile(2):
    the floor of any HTTP server on this machine's loopback, for the same curl."""
    listener = socket.create_server(("127.0.0.1", 0))
    size = path.stat().st_size

    def serve() -> None:
        while True:
            connection, _ = listener.accept()
            with connection, path.open("rb") as source:
                connection.recv(65536)
                head = f"HTTP/1.1 200 OK\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n"
                connection.sendall(head.encode())
                connection.sendfile(source)

    threading.Thread(target=serve, daemon=True).start()
    return listener.getsockname()[1]


def bare(port: int) -> float:
    start = time.perf_counter()
    subprocess.run(["curl", "-s", "-o", "/dev/null", f"http://127.0.0.1:{port}/"], check=True)
    return time.perf_counter() - start


def cat(path: Path) -> float:
    start = time.perf_counter()
    with Path(os.devnull).open("wb") as sink:
        subprocess.run(["cat", str(path)], stdout=sink, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    size = args.size_mib * 1024 * 1024
    work = Path(tempfile.mkdtemp(prefix="bench-playback-", dir=os.environ.get("BENCH_DIR")))
    work.chmod(0o700)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["BODYCAM_DATA_DIR"] = str(work / "data")
    os.environ.update(BODYCAM_DATA_DIR=env["BODYCAM_DATA_DIR"],
                      DJANGO_SETTINGS_MODULE="bodycam.settings")  # fmt: skip
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from bodycam.management.commands.serve import web_command

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.commands import free_port, wait_for_port

    bodycam = [sys.executable, "-m", "bodycam"]
    subprocess.run([*bodycam, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*bodycam, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    url, key, blob = setup(work, size)
    port = free_port()
    server = subprocess.Popen(web_command(f"127.0.0.1:{port}", 2), env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    wait_for_port(port)
    url = f"http://127.0.0.1:{port}{url}"
    print(f"bench in {work}: a {args.size_mib} MiB proxy, medians of {args.runs} runs")
    try:
        cat(blob)  # into the page cache
        floor = bare_sendfile_server(blob)
        stream(url, key, size)  # the server's first requests warm it up
        runs = [(stream(url, key, size), cat(blob), bare(floor)) for _ in range(args.runs)]
        took, baseline, transport = (statistics.median(r[i] for r in runs) for i in range(3))
        print(f"streaming in {RANGE // 2**20} MiB ranges: {took:.3f} s; cat to /dev/null "
              f"{baseline:.3f} s: ratio {took / baseline:.2f} (target <= 1.5); a bare sendfile "
              f"loop to the same curl {transport:.3f} s: ratio {took / transport:.2f}; runs "
              f"{', '.join(f'{t:.3f}/{b:.3f}/{f:.3f}' for t, b, f in runs)}")  # fmt: skip
        chance = random.Random(11)
        firsts = []
        for _ in range(50):
            at = chance.randrange(0, size - 65536)
            firsts.append(curl(url, key, at, at + 65535)[0])
        firsts.sort()
        print(
            f"time to first byte of a 64 KiB range: median {statistics.median(firsts) * 1000:.1f}"
            f" ms, p95 {firsts[int(len(firsts) * 0.95) - 1] * 1000:.1f} ms (target < 50 ms)"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
