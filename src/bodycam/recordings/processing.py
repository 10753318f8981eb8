"""Media processing after ingest: thumbnail, timeline strip and a browser-playable proxy for
each original, stored as derived copies. Originals are only ever read (hard rule 1).

Each step is idempotent (a copy that exists is not made again) and saved on its own, so a
failing step never loses the others; the job around it retries with backoff (tasks.py).
"""

import contextlib
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from bodycam.recordings import proxies
from bodycam.recordings.models import DerivedCopy, DerivedKind, Kind, Recording
from bodycam.recordings.probe import probe
from bodycam.recordings.storage import blob_store, copy_in

UNAVAILABLE = "unavailable"


def local_original(recording: Recording) -> contextlib.AbstractContextManager[Path]:
    """A local path holding the original's bytes (see local_blob)."""
    return local_blob(recording.sha256, recording.original_name)


@contextlib.contextmanager
def local_blob(sha256: str, name: str) -> Iterator[Path]:
    """A local path holding a blob's bytes: the blob itself on local storage, a temporary
    download named `name` (removed afterwards) on S3."""
    store = blob_store()
    if hasattr(store, "path"):
        yield store.path(sha256)
        return
    with _workdir() as work:
        target = work / name.replace("/", "_")
        with store.open(sha256) as blob, target.open("wb") as out:
            shutil.copyfileobj(blob, out, 1024 * 1024)
        yield target


@contextlib.contextmanager
def _workdir() -> Iterator[Path]:
    root = Path(settings.DATA_DIR) / "work"
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root) as folder:
        yield Path(folder)


def process(recording: Recording) -> tuple[dict[str, str], list[str]]:
    """Make every derived copy the recording lacks. Returns what each step did ("made",
    "exists", "not applicable", "unavailable") and why copies cannot be made (message ids)."""
    done = set(recording.derived.values_list("kind", flat=True))
    report: dict[str, str] = {}
    reasons: list[str] = []
    with local_original(recording) as original, _workdir() as work:
        info = probe(original)
        for kind, make in _steps(recording, info):
            if kind in done:
                report[kind] = "exists"
                continue
            try:
                report[kind] = _make(recording, kind, make, original, work)
            except proxies.ProxyError as unreadable:  # a fact about the file, not a failure
                report[kind] = UNAVAILABLE
                if unreadable.reason not in reasons:
                    reasons.append(unreadable.reason)
    return report, reasons


def _steps(recording: Recording, info) -> list[tuple[str, Callable]]:
    if recording.kind == Kind.PHOTO:
        return [(DerivedKind.THUMBNAIL, _thumbnail), (DerivedKind.PREVIEW, _preview)]
    if recording.kind == Kind.AUDIO:
        return [(DerivedKind.PROXY, _proxy(info))]
    return [
        (DerivedKind.THUMBNAIL, _thumbnail),
        (DerivedKind.STRIP, _strip),
        (DerivedKind.PROXY, _proxy(info)),
    ]


def _thumbnail(src: Path, dst: Path) -> dict | None:
    made = proxies.thumbnail(src, dst)
    return {} if made else None


def _strip(src: Path, dst: Path) -> dict | None:
    tiles = proxies.strip(src, dst)
    return {"tiles": tiles} if tiles else None


def _preview(src: Path, dst: Path) -> dict:
    return _described(proxies.photo_preview(src, dst))


def _proxy(info) -> Callable[[Path, Path], dict | None]:
    method = proxies.plan(info)
    makers: dict[str, Callable[[Path, Path], proxies.ProxyResult]] = {
        "remux": proxies.remux,
        "transcode": proxies.transcode,
        "audio": proxies.audio_proxy,
    }
    if method not in makers:
        return lambda src, dst: None
    return lambda src, dst: _described(makers[method](src, dst))


def _described(result) -> dict:
    return {
        "method": result.method,
        "partial": result.partial,
        "container": result.container,
        "video_codec": result.video_codec,
        "audio_codec": result.audio_codec,
        "width": result.width,
        "height": result.height,
        "duration": result.duration.total_seconds() if result.duration else None,
    }


def _make(recording: Recording, kind: str, make: Callable, original: Path, work: Path) -> str:
    suffix = {"proxy": ".m4a" if recording.kind == Kind.AUDIO else ".mp4"}.get(kind, ".jpg")
    output = work / f"{kind}{suffix}"
    details = make(original, output)
    if details is None or not output.exists():
        return "not applicable"
    sha256, size = _store(output)
    try:
        with transaction.atomic():
            DerivedCopy.objects.create(
                recording=recording,
                kind=kind,
                sha256=sha256,
                size=size,
                method=details.pop("method", ""),
                partial=details.pop("partial", False),
                details=details,
                made_at=timezone.now(),
            )
    except IntegrityError:
        # Another run made this copy meanwhile: say so; anything else is a real failure.
        if recording.derived.filter(kind=kind).exists():
            return "exists"
        raise
    return "made"


def _store(path: Path) -> tuple[str, int]:
    staging, sha256, size = copy_in(blob_store(), path, path.stat().st_size)
    try:
        staging.commit(sha256, None)
    except BaseException:
        staging.abort()
        raise
    return sha256, size
