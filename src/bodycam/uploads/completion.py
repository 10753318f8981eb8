"""Completion: the last byte arrived. The request that brought it commits the upload as
complete and queues its ingest in the same transaction, then answers at once (a 64 GiB file
holds no web thread); a worker runs the very ingest the command line runs
(`recordings.ingest.ingest_file`) and the upload keeps its result.

The bytes are hashed once, as they arrive: each PATCH continues a running SHA-256 held in the
serving process (`partial.RunningHashes`), and the request that completes the upload stores the
digest on it. A client-declared SHA-256 (metadata `sha256`) is then checked at once (460). When
the last PATCH lands in a process without the running hash (another web worker, a restart),
the worker hashes the complete file instead, in ONE read. On local storage the file, already
fsync'd, is hard-linked into the blob store (no copy); on S3 it is streamed once.

A worker killed mid-ingest leaves the upload complete and claimed by a dead process; the next
worker to start (or the hourly sweep) takes it up again. Ingest is idempotent: the same bytes
are recognised, never stored twice, and the upload still ends with its one recording.
"""

import logging
import os
import socket
from datetime import timedelta
from pathlib import Path
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bodycam.devices.lookup import device_by_serial, person
from bodycam.ledger.models import Action, LedgerEntry
from bodycam.lib.errors import Refused, msgid
from bodycam.lib.hashing import sha256_of
from bodycam.recordings.ingest import Known, Outcome, ingest_file
from bodycam.recordings.naming import display_name
from bodycam.recordings.resolution import Given
from bodycam.recordings.storage import StorageFull, blob_store
from bodycam.uploads import messages, partial
from bodycam.uploads.models import Status, Upload
from bodycam.uploads.tus import CHECKSUM_MISMATCH, refuse

log = logging.getLogger(__name__)
CHECKSUM_ERROR = msgid(messages.CHECKSUM)
LOST_ERROR = msgid(messages.LOST)
# Outcomes after which the bytes are in blob storage (now or from before).
STORED = {Outcome.STORED, Outcome.DUPLICATE, Outcome.DAMAGED}


def this_worker() -> str:
    """Who claims an ingest: host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def complete(upload: Upload, running) -> None:
    """The last byte is in (called inside the transaction that records it): keep the hash of
    the bytes as they arrived, fail a wrong declared checksum now, else queue the ingest."""
    from bodycam.uploads.tasks import ingest_upload

    upload.status = Status.COMPLETE
    upload.completed_at = timezone.now()
    upload.sha256 = running.hexdigest() if running is not None else ""
    declared = upload.metadata.get("sha256")
    if declared and upload.sha256 and declared != upload.sha256:
        upload.status, upload.error = Status.FAILED, CHECKSUM_ERROR
        transaction.on_commit(lambda: partial.remove(upload.pk))
        return
    ingest_upload.enqueue(str(upload.pk))


def claim(pk: UUID) -> Upload | None:
    """Take a complete upload for ingest; None if it is done, or another live worker has it."""
    with transaction.atomic():
        upload = Upload.objects.select_for_update().filter(pk=pk).first()
        if upload is None or upload.status != Status.COMPLETE:
            return None
        if upload.claimed_by and not _stalled(upload):
            return None
        upload.claimed_by, upload.claimed_at = this_worker(), timezone.now()
        upload.save(update_fields=["claimed_by", "claimed_at"])
    return Upload.objects.select_related("owner").get(pk=pk)


def _stalled(upload: Upload) -> bool:
    """A claim whose worker is gone: a dead process on this host, or a claim older than any
    ingest takes."""
    host, _colon, pid = upload.claimed_by.rpartition(":")
    if host == socket.gethostname() and pid.isdigit() and not _alive(int(pid)):
        return True
    limit = timedelta(minutes=settings.UPLOAD_INGEST_STALLED_MINUTES)
    return upload.claimed_at is not None and upload.claimed_at < timezone.now() - limit


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def finish(pk: UUID) -> Upload | None:
    """Verify and ingest a complete upload (the job's work); returns it ingested or failed,
    None if it was not ours to do. Anything unexpected (the database or storage away)
    propagates and leaves it complete, to be taken up again."""
    upload = claim(pk)
    if upload is None:
        return None
    try:
        path = _complete_file(upload)
        digest = upload.sha256 or _hash_once(path)
    except FileNotFoundError:  # removed by hand, or a disk replaced: nothing left to ingest
        return _conclude(upload, Status.FAILED, error=LOST_ERROR)
    declared = upload.metadata.get("sha256")
    if declared and digest != declared:
        return _conclude(upload, Status.FAILED, error=CHECKSUM_ERROR)
    try:
        result = ingest_file(path, _given(upload), blob_store(), Known(digest, upload.length))
    except StorageFull:
        return _conclude(upload, Status.FAILED, error=msgid(messages.NO_SPACE))
    outcome = result.as_dict()
    outcome["path"] = display_name(upload.filename)  # the client's name, not our disk's
    if result.status == Outcome.DUPLICATE and _ours(upload, result.recording_id):
        outcome["status"] = Outcome.STORED  # stored by this very upload before a crash
    if result.status not in STORED:  # never "ingested" for bytes that were not kept
        return _conclude(upload, Status.FAILED, outcome, error=result.reason)
    return _conclude(upload, Status.INGESTED, outcome)


def _hash_once(path: Path) -> str:
    """The upload moved between processes: its running hash is gone; one read makes it."""
    with path.open("rb") as source:
        return sha256_of(source)[0]


def _ours(upload: Upload, recording_id: int | None) -> bool:
    """Whether the recording was ingested from this very upload (its ingest entry says so)."""
    entries = LedgerEntry.objects.filter(
        action=Action.INGEST, subject_kind="recording", subject_id=str(recording_id)
    )
    return entries.filter(payload_json__contains=f'"upload":"{upload.pk}"').exists()


def _complete_file(upload: Upload) -> Path:
    final = partial.completed_path(upload.pk, upload.filename)
    if not partial.part_path(upload.pk).exists() and final.exists():
        return final  # promoted by an interrupted run
    return partial.promote(upload.pk, upload.filename)


def _given(upload: Upload) -> Given:
    """The device and officer the client named, if still known (they were checked at
    creation; an unknown one now is left to the ingest's own resolution and review)."""
    return Given(
        actor=upload.owner,
        upload=str(upload.pk),
        device=_known(device_by_serial, upload.metadata.get("device")),
        officer=_known(person, upload.metadata.get("officer")),
    )


def _known(lookup, value: str | None):
    if not value:
        return None
    try:
        return lookup(value)
    except Refused:
        return None


def _conclude(upload: Upload, status: str, result: dict | None = None, error: str = "") -> Upload:
    """Record the outcome (the first finisher wins) and drop the server's copy of the bytes.
    `error` is a catalogue message id, shown in each reader's language."""
    with transaction.atomic():
        Upload.objects.filter(pk=upload.pk, status=Status.COMPLETE).update(
            status=status, result=result, error=error[:2000]
        )
    partial.remove(upload.pk)
    upload.refresh_from_db()
    return upload


def resume_stalled() -> int:
    """Queue again the ingest of complete uploads whose worker died; returns how many."""
    from bodycam.uploads.tasks import ingest_upload

    count = 0
    claimed = Upload.objects.filter(status=Status.COMPLETE).exclude(claimed_by="")
    for upload in claimed.only("pk", "claimed_by", "claimed_at"):
        if _stalled(upload):
            with transaction.atomic():
                ingest_upload.enqueue(str(upload.pk))
            count += 1
    return count


def refusal(upload: Upload) -> Refused | None:
    """How the last PATCH reports a failed completion: 460 for the declared checksum; None
    when the upload is complete (its ingest queued) or ingested."""
    if upload.status == Status.FAILED and upload.error == CHECKSUM_ERROR:
        return refuse(CHECKSUM_MISMATCH, messages.CHECKSUM, "checksum_mismatch")
    return None
