"""Watch-folder ingest: a docked recorder's files are taken in once their size has been stable
for a while (a file still being copied is left alone until it is complete)."""

import time
from collections.abc import Callable, Iterator
from pathlib import Path

from bodycam.recordings.ingest import IngestResult, Outcome, ingest_file, walk
from bodycam.recordings.resolution import Given
from bodycam.recordings.storage import blob_store


def watch(
    folder: Path,
    given: Given,
    settle: float = 10.0,
    interval: float = 2.0,
    stop: Callable[[], bool] = lambda: False,
) -> Iterator[IngestResult]:
    """Yield a result for each file in `folder` once it has stopped changing for `settle`
    seconds. Runs until `stop()` says so."""
    store = blob_store()
    store.sweep()
    seen: dict[Path, tuple[int, int, float]] = {}  # path -> (size, mtime_ns, stable since)
    done: set[tuple[Path, int, int]] = set()
    while not stop():
        now = time.monotonic()
        for path in walk([folder]):
            try:
                stat = path.stat()
            except OSError:
                continue  # removed while we looked
            key = (path, stat.st_size, stat.st_mtime_ns)
            if key in done:
                continue
            size, mtime, since = seen.get(path, (-1, -1, now))
            if (size, mtime) != (stat.st_size, stat.st_mtime_ns):
                seen[path] = (stat.st_size, stat.st_mtime_ns, now)
            elif now - since >= settle:
                result = ingest_file(path, given, store)
                if result.status != Outcome.ERROR:  # a failed read is tried again next round
                    done.add(key)
                yield result
        present = set(walk([folder]))
        seen = {path: state for path, state in seen.items() if path in present}
        done = {key for key in done if key[0] in present}
        time.sleep(interval)
