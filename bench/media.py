"""Media benchmark (proxies). Prints each figure beside a baseline measured in the same run.

    python bench/media.py [--minutes 10] [--hevc-seconds 60] [--runs 3]

1. Remux: a 1080p30 H.264/AAC MP4 at about 8 Mbit/s (10 minutes unless --minutes says less),
   moov at the end as a recorder writes it. Baseline: PyAV reading every packet once (demux
   only); a plain file copy (shutil.copyfile) is printed too, as the floor of anything that
   writes the bytes. remux ratio = remux / read_once   (target <= 1.5)
2. Transcode: a 1080p30 HEVC clip (60 s unless --hevc-seconds) to 720p H.264 + AAC.
   transcode speed = clip duration / transcode time   (target >= 2x real time)

The originals are made once with PyAV and cached in /var/tmp/bench-media/ (BENCH_MEDIA_DIR);
the figures are medians of --runs runs on a warm page cache (each run is printed too: on a
shared machine other work shows up as outliers).
"""

import argparse
import math
import os
import random
import shutil
import statistics
import tempfile
import time
from array import array
from fractions import Fraction
from pathlib import Path

import av

from bodycam.recordings.proxies import remux, transcode

CACHE = Path(os.environ.get("BENCH_MEDIA_DIR", "/var/tmp/bench-media"))
WIDTH, HEIGHT, FPS = 1920, 1080, 30
RATE = 48000
SCROLL = 400  # rows of extra picture, so that frames scroll (real motion for the encoder)


def picture() -> bytes:
    """A noisy gradient taller than a frame; frames are windows moving down and across it."""
    noise = random.Random(7).randbytes(WIDTH * (HEIGHT + SCROLL))
    noise = noise.translate(bytes(i % 24 for i in range(256)))
    rows = []
    for y in range(HEIGHT + SCROLL):
        base = y * WIDTH
        rows.append(
            bytes(64 + ((x // 4 + y // 3) & 0x7F) + noise[base + x] - 12 for x in range(WIDTH))
        )
    return b"".join(rows)


def make_clip(path: Path, seconds: int, codec: str, audio: bool) -> None:
    """Write the clip (video, and AAC stereo if `audio`) interleaved as a recorder would."""
    part = path.with_suffix(".part")
    luma = picture()
    tone = array("f", (0.2 * math.sin(2 * math.pi * 440 * i / RATE) for i in range(1024)))
    with av.open(str(part), "w", format="mp4") as out:
        video = out.add_stream(codec, rate=FPS)
        video.width, video.height, video.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        video.bit_rate = 8_000_000
        video.options = {"preset": "ultrafast"}
        if codec == "libx265":
            video.options["x265-params"] = "log-level=error"
            video.codec_tag = "hvc1"
        sound = out.add_stream("aac", rate=RATE) if audio else None
        if sound is not None:
            sound.layout = "stereo"
        samples = 0
        for index in range(seconds * FPS):
            out.mux(video.encode(frame_at(luma, index)))
            while sound is not None and samples < (index + 1) * RATE // FPS:
                out.mux(sound.encode(sound_at(tone, samples)))
                samples += 1024
        out.mux(video.encode(None))
        if sound is not None:
            out.mux(sound.encode(None))
    part.replace(path)


def frame_at(luma: bytes, index: int) -> av.VideoFrame:
    frame = av.VideoFrame(WIDTH, HEIGHT, "yuv420p")
    start = (index * 2 % SCROLL) * WIDTH + index * 3 % 64
    frame.planes[0].update(luma[start : start + WIDTH * HEIGHT])
    for plane in frame.planes[1:]:
        plane.update(bytes([128]) * plane.buffer_size)
    frame.pts, frame.time_base = index, Fraction(1, FPS)
    return frame


def sound_at(tone: array, start: int) -> av.AudioFrame:
    frame = av.AudioFrame(format="fltp", layout="stereo", samples=len(tone))
    for plane in frame.planes:
        plane.update(tone.tobytes())
    frame.sample_rate, frame.pts, frame.time_base = RATE, start, Fraction(1, RATE)
    return frame


def cached(name: str, seconds: int, codec: str, audio: bool) -> Path:
    path = CACHE / name
    if path.exists():
        print(f"using cached {path} ({path.stat().st_size / 2**20:.0f} MiB)")
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    make_clip(path, seconds, codec, audio)
    took = time.perf_counter() - start
    size = path.stat().st_size / 2**20
    print(f"made {path} in {took:.0f} s ({size:.0f} MiB)")
    return path


def read_once(path: Path) -> float:
    quiet()
    start = time.perf_counter()
    with av.open(str(path)) as container:
        for _ in container.demux():
            pass
    return time.perf_counter() - start


def quiet() -> None:
    """Let the disk write back what the last contender wrote, so it does not slow the next."""
    os.sync()
    time.sleep(2)


def timed(action) -> float:
    quiet()
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def spread(times: list[float]) -> str:
    return " ".join(f"{t:.2f}" for t in times) + " s"


def bench_remux(minutes: int, runs: int, work: Path) -> None:
    original = cached(f"h264-1080p30-{minutes}min.mp4", minutes * 60, "libx264", audio=True)
    if minutes != 10:
        print(f"note: a {minutes}-minute original (--minutes), not the 10 minutes of the target")
    read_once(original)  # warm the page cache for every contender
    reads, copies, remuxes = [], [], []
    for _ in range(runs):
        reads.append(read_once(original))
        copies.append(timed(lambda: shutil.copyfile(original, work / "copy.mp4")))
        remuxes.append(timed(lambda: remux(original, work / "proxy.mp4")))
        (work / "copy.mp4").unlink()
        (work / "proxy.mp4").unlink()
    read, copy, proxy = (statistics.median(times) for times in (reads, copies, remuxes))
    print(
        f"{minutes} min 1080p H.264/AAC: read_once {read:.2f} s, "
        f"copyfile {copy:.2f} s (reads and writes the bytes, no parsing), remux {proxy:.2f} s"
    )
    print(
        f"  each run: read_once {spread(reads)}; copyfile {spread(copies)}; remux {spread(remuxes)}"
    )
    print(f"remux ratio = remux / read_once = {proxy / read:.2f} (target <= 1.5)")
    print(f"  for reference: remux / copyfile = {proxy / copy:.2f}")


def bench_transcode(seconds: int, runs: int, work: Path) -> None:
    original = cached(f"hevc-1080p30-{seconds}s.mp4", seconds, "libx265", audio=True)
    times = [
        timed(lambda: transcode(original, work / "proxy.mp4", max_height=720)) for _ in range(runs)
    ]
    took = statistics.median(times)
    print(f"{seconds} s 1080p HEVC/AAC -> 720p H.264/AAC: transcode {took:.2f} s")
    print(f"  each run: {spread(times)}")
    speed = seconds / took
    print(f"transcode speed = clip duration / transcode time = {speed:.2f}x (target >= 2x)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=int, default=10)
    parser.add_argument("--hevc-seconds", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-media-", dir="/var/tmp"))
    print(f"bench in {work}; {os.cpu_count()} CPUs; PyAV {av.__version__}")
    try:
        bench_remux(args.minutes, args.runs, work)
        bench_transcode(args.hevc_seconds, args.runs, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
