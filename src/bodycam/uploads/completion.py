"""Completion: the last byte arrived; check the client's SHA-256, then the very ingest the
command line runs (`recordings.ingest.ingest_file`), whose result the upload keeps.

The client-declared SHA-256 (metadata `sha256`) must be known before the ingest stores
anything, so the bytes are hashed as they arrive: each PATCH continues a running SHA-256 held
in the serving process (`partial.RunningHashes`). hashlib's state cannot be saved to disk, so
when a PATCH lands in a process without it (another web worker, a restart: a resumed upload)
the running hash is abandoned and the complete file is hashed here instead, in ONE extra read.
Hashing the prefix again at every such PATCH could read it many times; this bounds the extra
work at one read, and the usual case (one client connection, one process) reads nothing twice.
Without a declared sha256 nothing is hashed here at all: the ingest hashes while it copies.

The complete file is renamed (not copied) to `uploads/<id>/<original name>`, because ingest
reads the recorder's naming convention from the file name; after the ingest the bytes live
in blob storage and the server's copy is removed. A crash during the ingest leaves the upload
`complete` with its file in place; `tasks.sweep_expired_uploads` finishes it later (ingest is
idempotent: the same bytes are recognised, never stored twice).
"""

import logging
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from bodycam.devices.lookup import device_by_serial, person
from bodycam.lib.errors import Refused
from bodycam.lib.hashing import sha256_of
from bodycam.recordings.ingest import Outcome, ingest_file
from bodycam.recordings.naming import display_name
from bodycam.recordings.resolution import Given
from bodycam.recordings.storage import StorageFull, blob_store
from bodycam.uploads import partial
from bodycam.uploads.models import Status, Upload
from bodycam.uploads.tus import CHECKSUM_MISMATCH, TusError

log = logging.getLogger(__name__)
# Outcomes after which the bytes are in blob storage (now or from before).
STORED = {Outcome.STORED, Outcome.DUPLICATE, Outcome.DAMAGED}
CHECKSUM_ERROR = "校验值不符 / checksum mismatch"
LOST_ERROR = "上传的数据已丢失，请重新上传 / the uploaded bytes are lost; upload again"


def finish(upload: Upload) -> Upload:
    """Verify and ingest a complete upload; returns it with status ingested or failed.
    Anything unexpected (the database or storage away) propagates and leaves it complete."""
    declared = upload.metadata.get("sha256")
    running = partial.running.pop(upload.pk, upload.length)
    try:
        if declared and _digest(upload, running) != declared:
            return _conclude(upload, Status.FAILED, error=CHECKSUM_ERROR)
        path = _complete_file(upload)
    except FileNotFoundError:  # removed by hand, or a disk replaced: nothing left to ingest
        return _conclude(upload, Status.FAILED, error=LOST_ERROR)
    try:
        result = ingest_file(path, _given(upload), blob_store())
    except StorageFull as full:
        return _conclude(upload, Status.FAILED, error=str(full))
    outcome = result.as_dict()
    outcome["path"] = display_name(upload.filename)  # the client's name, not our disk's
    if result.status not in STORED:  # never "ingested" for bytes that were not kept
        return _conclude(upload, Status.FAILED, outcome, error=result.reason)
    return _conclude(upload, Status.INGESTED, outcome)


def _digest(upload: Upload, running) -> str:
    if running is not None:
        return running.hexdigest()
    path = partial.part_path(upload.pk)
    if not path.exists():  # promoted by an earlier, interrupted completion
        path = partial.completed_path(upload.pk, upload.filename)
    with path.open("rb") as source:
        return sha256_of(source)[0]


def _complete_file(upload: Upload) -> Path:
    final = partial.completed_path(upload.pk, upload.filename)
    if not partial.part_path(upload.pk).exists() and final.exists():
        return final
    return partial.promote(upload.pk, upload.filename)


def _given(upload: Upload) -> Given:
    """The device and officer the client named, if still known (they were checked at
    creation; an unknown one now is left to the ingest's own resolution and review)."""
    return Given(
        actor=upload.owner,
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
    """Record the outcome (the first finisher wins) and drop the server's copy of the bytes."""
    with transaction.atomic():
        Upload.objects.filter(pk=upload.pk, status=Status.COMPLETE).update(
            status=status, result=result, error=error[:2000]
        )
    partial.remove(upload.pk)
    upload.refresh_from_db()
    return upload


def resume_stalled(older_than) -> int:
    """Finish uploads left complete by a crash before `older_than`; returns how many."""
    count = 0
    stalled = Upload.objects.filter(status=Status.COMPLETE, completed_at__lt=older_than)
    for pk in stalled.values_list("pk", flat=True):
        with transaction.atomic():
            claimed = Upload.objects.filter(
                pk=pk, status=Status.COMPLETE, completed_at__lt=older_than
            ).update(completed_at=timezone.now())  # another sweeper skips it now
        if claimed:
            try:
                finish(Upload.objects.select_related("owner").get(pk=pk))
            except Exception:  # storage or database still away: try again next time
                log.exception("finishing upload %s failed", pk)
                continue
            count += 1
    return count


def refusal(upload: Upload) -> TusError | None:
    """How the last PATCH reports a failed completion: 460 for the declared checksum, 410
    for lost bytes, 507 when storage was full (the one other failure without an ingest
    result); None when the ingest ran (its result tells how it went)."""
    if upload.status != Status.FAILED:
        return None
    if upload.error == CHECKSUM_ERROR:
        return TusError(CHECKSUM_MISMATCH, CHECKSUM_ERROR)
    if upload.error == LOST_ERROR:
        return TusError(410, LOST_ERROR)
    if upload.result is None:
        return TusError(507, upload.error)
    return None
