"""Ingest (采集入库): every file from a recorder, hashed once, stored once, never lost.

For each media file: copy + SHA-256 + size in one read, the blob made durable and read-only
under its hash, then ONE transaction with the Recording row, its ledger entries and its
follow-up job. A crash at any point leaves the whole recording or nothing visible; running
the same ingest again finishes the job and duplicates nothing. Sources are only ever read.
"""

import errno
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from bodycam.compliance import triggers
from bodycam.ledger import heads
from bodycam.ledger.entries import Subject, record
from bodycam.ledger.models import Action
from bodycam.recordings import jobs, linking
from bodycam.recordings.models import Condition, Recording
from bodycam.recordings.naming import display_name, read_name
from bodycam.recordings.probe import kind_of, probe
from bodycam.recordings.resolution import Given, resolve
from bodycam.recordings.storage import BlobStore, StorageFull, blob_store, copy_in


class Outcome(models.TextChoices):
    STORED = "stored", _("已入库")
    DUPLICATE = "duplicate", _("重复文件")
    DAMAGED = "damaged", _("已入库（文件损坏）")
    EMPTY = "empty", _("空文件")
    SKIPPED = "skipped", _("非音像文件，未采集")
    ERROR = "error", _("读写失败")


@dataclass
class IngestResult:
    """What happened to one file (one line of `bodycam ingest` output)."""

    path: str
    status: str
    kind: str = ""
    sha256: str = ""
    size: int = 0
    recording_id: int | None = None
    reason: str = ""  # a catalogue message id, translated where it is shown

    def as_dict(self) -> dict:
        return asdict(self)


def walk(paths: Iterable[Path]) -> Iterator[Path]:
    """Every file under the given paths, in a stable order; symbolic links are not followed."""
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            for folder, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    yield Path(folder) / name
        else:
            yield path


def ingest_paths(paths: Iterable[Path], given: Given, store: BlobStore | None = None):
    """Ingest every file under `paths`, yielding one result per file; signs a checkpoint at
    the end. StorageFull stops the run (after reporting the file) and is raised."""
    store = store or blob_store()
    store.sweep()
    try:
        for path in walk(paths):
            yield ingest_file(path, given, store)
    finally:
        heads.sign_head()


@dataclass(frozen=True)
class Known:
    """Bytes hashed as they arrived (a completed upload, in a private file of ours): they are
    taken into the store as they lie, never read again to be copied or hashed."""

    sha256: str
    size: int


def ingest_file(
    path: Path, given: Given, store: BlobStore, known: Known | None = None
) -> IngestResult:
    """Ingest one file; see the module docstring."""
    shown = str(path)
    if path.is_symlink():
        return IngestResult(shown, Outcome.SKIPPED, reason=gettext_noop("符号链接，未采集"))
    kind = kind_of(path.name)
    if kind is None:
        return IngestResult(shown, Outcome.SKIPPED, reason=gettext_noop("非音像文件，未采集"))
    try:
        status = path.stat()
    except OSError as exc:
        return IngestResult(shown, Outcome.ERROR, kind, reason=_os_reason(exc))
    if not stat.S_ISREG(status.st_mode):  # a FIFO or device would block or never end
        return IngestResult(
            shown, Outcome.SKIPPED, kind, reason=gettext_noop("不是普通文件，未采集")
        )
    size = status.st_size
    if size == 0:
        return _empty(path, kind, given)
    try:
        return _store(path, kind, size, given, store, known)
    except StorageFull:
        raise
    except OSError as exc:
        return IngestResult(shown, Outcome.ERROR, kind, size=size, reason=_os_reason(exc))


def _empty(path: Path, kind: str, given: Given) -> IngestResult:
    """Zero bytes: nothing to store, but the sighting is recorded and reported."""
    record(Action.EMPTY_FILE, Subject("file", display_name(path.name)[:64]), given.actor,
           path=str(path), kind=kind)  # fmt: skip
    return IngestResult(str(path), Outcome.EMPTY, kind, reason=gettext_noop("零字节的空文件"))


def _store(
    path: Path, kind: str, size: int, given: Given, store: BlobStore, known: Known | None
) -> IngestResult:
    info = probe(path)  # the container header only: the content is read once, below
    sha256, copied, commit, abort = _put(path, size, store, known)
    existing = Recording.objects.filter(sha256=sha256).first()
    if existing is not None:
        abort()
        return _duplicate(path, kind, existing, given)
    name = read_name(path.name)
    facts = resolve(given, name, info)
    retain_until = (facts.recorded_at or timezone.now()) + timedelta(
        days=settings.MINIMUM_RETENTION_DAYS
    )  # a year at least; evidence, classes and cases extend it (retention.periods)
    commit(retain_until)
    try:
        recording = _register(
            path, kind, sha256, copied, info, name, facts, given, store, retain_until
        )
    except IntegrityError:
        winner = Recording.objects.filter(sha256=sha256).first()
        if winner is None:
            raise  # not the race for these bytes: something else is wrong
        return _duplicate(path, kind, winner, given)  # a concurrent ingest stored them first
    status = Outcome.DAMAGED if info.damaged else Outcome.STORED
    return IngestResult(str(path), status, kind, sha256, copied, recording.pk, info.damage_reason)


def _put(path: Path, size: int, store: BlobStore, known: Known | None):
    """The bytes' hash and size, and how to commit them under it (or drop them): a copy made
    while hashing, in one read; or, for bytes already hashed, the file itself, unread."""
    if known is not None:
        return (
            known.sha256,
            known.size,
            lambda until: store.adopt(path, known.sha256, until),
            _no_op,
        )
    staging, sha256, copied = copy_in(store, path, size)
    return sha256, copied, lambda until: staging.commit(sha256, until), staging.abort


def _no_op() -> None:
    return None


@transaction.atomic
def _register(path, kind, sha256, size, info, name, facts, given, store, retain_until) -> Recording:
    """The row, its ledger entries and its follow-up job: all or nothing."""
    recording = Recording.objects.create(
        sha256=sha256,
        size=size,
        kind=kind,
        condition=Condition.DAMAGED if info.damaged else Condition.STORED,
        damage_reason=info.damage_reason[:300],
        storage=store.name,
        original_name=display_name(path.name),
        source_path=display_name(str(path), limit=4000),
        device=facts.device,
        officer=facts.officer,
        serial_raw=name.serial,
        badge_raw=name.badge,
        needs_review=bool(facts.review_notes),
        review_notes=facts.review_notes,
        recorded_at=facts.recorded_at,
        recorded_at_raw=facts.recorded_at_raw[:100],
        time_source=facts.time_source,
        clock_convention=facts.convention,
        clock_offset=facts.clock_offset,
        container=info.container[:60],
        duration=info.duration,
        video_codec=info.video_codec[:30],
        audio_codec=info.audio_codec[:30],
        width=info.width,
        height=info.height,
        latitude=info.gps[0] if info.gps else None,
        longitude=info.gps[1] if info.gps else None,
        metadata={"tags": info.tags, "frame_rate": info.frame_rate},
        ingested_at=timezone.now(),
        ingested_by=given.actor,
        retain_until=retain_until,
        locked_until=retain_until if store.name == "s3" else None,
    )
    record(
        Action.INGEST,
        recording,
        given.actor,
        path=recording.source_path,
        size=size,
        kind=kind,
        condition=recording.condition,
        damage_reason=recording.damage_reason,
        recorded_at=recording.recorded_at.isoformat() if recording.recorded_at else None,
        recorded_at_raw=recording.recorded_at_raw,
        time_source=recording.time_source,
        review=facts.review_notes,
        **({"upload": given.upload} if given.upload else {}),
    )
    activity = given.activity or linking.matching_activity(recording)
    how = "given" if given.activity else "matched"
    if activity is not None:
        linking.apply_link(recording, activity, given.actor, how=how)
    else:
        linking.apply_deadline(recording)
    jobs.queue(recording)
    triggers.recording_changed(recording.pk)
    return recording


def _duplicate(path: Path, kind: str, existing: Recording, given: Given) -> IngestResult:
    """The same bytes are stored already: nothing is stored twice; the sighting is recorded."""
    record(Action.DUPLICATE_SEEN, existing, given.actor, path=display_name(str(path), limit=4000))
    return IngestResult(str(path), Outcome.DUPLICATE, kind, existing.sha256, existing.size,
                        existing.pk, reason=gettext_noop("相同内容已经入库过"))  # fmt: skip


def _os_reason(exc: OSError) -> str:
    """Why a file could not be read or written (the system's own words stay in the log)."""
    unknown = gettext_noop("文件无法读写")
    return OS_REASONS.get(exc.errno, unknown) if exc.errno is not None else unknown


OS_REASONS = {
    errno.EACCES: gettext_noop("没有读取该文件的权限"),
    errno.EIO: gettext_noop("读取文件时发生输入输出错误（存储介质可能损坏）"),
    errno.ENOENT: gettext_noop("文件在采集过程中消失了"),
}
