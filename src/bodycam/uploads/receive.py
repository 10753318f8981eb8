"""Receiving uploads: creation, appending a PATCH body, termination and expiry, with the
limits of our rules (size, media only, uploads at once). Refusals are Refused."""

import errno
import hashlib
import os
import re
import shutil
from collections.abc import Callable
from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bodycam.accounts.models import User
from bodycam.devices.lookup import device_by_serial, person
from bodycam.lib.errors import Refused
from bodycam.lib.hashing import CHUNK
from bodycam.recordings.probe import kind_of
from bodycam.uploads import completion, messages, partial
from bodycam.uploads.models import Status, Upload
from bodycam.uploads.tus import CHECKSUM_MISMATCH, refuse

SHA256_HEX = re.compile(r"[0-9a-fA-F]{64}")
FINISHED = {Status.COMPLETE, Status.INGESTED, Status.FAILED}


def expiry():
    """Uploads expire this long after their last PATCH (an active upload never does)."""
    return timezone.now() + timedelta(hours=settings.UPLOAD_EXPIRE_HOURS)


def create_upload(owner: User, length: int, metadata: dict[str, str]) -> Upload:
    """A new upload of `length` bytes, or Refused (413 too large, 400 bad metadata,
    429 too many uploads at once)."""
    if length > settings.UPLOAD_MAX_BYTES:
        raise refuse(413, messages.TOO_LARGE, "too_large", limit=settings.UPLOAD_MAX_BYTES)
    metadata = _checked_metadata(metadata)
    if shutil.disk_usage(partial.folder()).free < length:
        raise _no_space()
    with transaction.atomic():
        # Locking the owner's row serialises their creations, so the limit holds under races.
        User.objects.select_for_update().filter(pk=owner.pk).first()
        active = Upload.objects.filter(
            owner=owner, status=Status.RECEIVING, expires_at__gt=timezone.now()
        ).count()
        if active >= settings.UPLOAD_MAX_CONCURRENT:
            raise refuse(429, messages.TOO_MANY, "too_many", {"Retry_After": "60"}, count=active)
        upload = Upload.objects.create(
            owner=owner, length=length, metadata=metadata, expires_at=expiry()
        )
        partial.create(upload.pk)
        if length == 0:  # nothing to PATCH: complete at once
            completion.complete(upload, hashlib.sha256())
            upload.save()
    return upload


def _checked_metadata(metadata: dict[str, str]) -> dict[str, str]:
    """The client's metadata, its filename, sha256, device and officer checked."""
    metadata = dict(metadata)
    filename = (metadata.get("filename") or metadata.get("name") or "").strip()
    if not filename:
        raise refuse(400, messages.NO_NAME, "filename_missing")
    if kind_of(filename) is None:
        raise refuse(400, messages.NOT_MEDIA, "not_media")
    metadata["filename"] = filename
    if "sha256" in metadata:
        if not SHA256_HEX.fullmatch(metadata["sha256"]):
            raise refuse(400, messages.BAD_SHA256, "invalid_sha256")
        metadata["sha256"] = metadata["sha256"].lower()
    try:
        if metadata.get("device"):
            device_by_serial(metadata["device"])
        if metadata.get("officer"):
            person(metadata["officer"])
    except Refused as refused:
        raise refuse(400, refused.message, refused.code, **refused.params) from None
    return metadata


def owned(owner: User, pk: UUID) -> Upload:
    """The owner's upload as it stands now (one past its time is expired on the way); 404 for
    a stranger's or an unknown one."""
    upload = Upload.objects.filter(pk=pk, owner=owner).first()
    if upload is None:
        raise refuse(404, messages.NO_SUCH_UPLOAD, "not_found")
    if upload.status == Status.RECEIVING and upload.expires_at <= timezone.now():
        expire(upload.pk)
        upload.refresh_from_db()
    return upload


def find(owner: User, pk: UUID) -> Upload:
    """The owner's upload to receive bytes into; 404 also for a terminated one, 410 for an
    expired one."""
    upload = owned(owner, pk)
    if upload.status == Status.TERMINATED:
        raise refuse(404, messages.NO_SUCH_UPLOAD, "not_found")
    if upload.status == Status.EXPIRED:
        raise refuse(410, messages.EXPIRED, "expired")
    return upload


def expire(pk: UUID) -> bool:
    """Mark a receiving upload past its time expired and drop its bytes; False if it was
    not (any longer) receiving or not yet due."""
    with transaction.atomic():
        done = Upload.objects.filter(
            pk=pk, status=Status.RECEIVING, expires_at__lte=timezone.now()
        ).update(status=Status.EXPIRED)
    if done:
        partial.remove(pk)
    return bool(done)


def terminate(upload: Upload) -> None:
    """Termination: a receiving upload is cancelled and its bytes dropped. A finished one is
    refused: its recording, if any, is never deleted this way."""
    with transaction.atomic():
        done = Upload.objects.filter(pk=upload.pk, status=Status.RECEIVING).update(
            status=Status.TERMINATED
        )
    if not done:
        raise refuse(409, messages.FINISHED, "finished")
    partial.remove(upload.pk)


def append(
    upload: Upload,
    offset: int,
    declared_length: int,
    read: Callable[[int], bytes],
    checksum: tuple[str, bytes] | None,
) -> Upload:
    """Append one PATCH body at `offset`; returns the upload with its new offset (and status
    complete when the last byte arrived). Nothing is appended when the body is refused."""
    _receivable(upload, offset)
    if offset + declared_length > upload.length:
        raise _too_long(upload)
    try:
        with partial.locked(upload.pk) as fd:
            upload.refresh_from_db()
            _receivable(upload, offset)
            running = partial.running.resume(upload.pk, offset)
            received = _write(fd, upload, offset, read, checksum, running)
            upload = _commit(upload.pk, offset, received, running)
            if upload.status == Status.RECEIVING and running is not None:
                partial.running.keep(upload.pk, upload.offset, running)
            elif upload.status != Status.RECEIVING:
                partial.running.pop(upload.pk, upload.offset)  # its digest is on the row now
    except partial.Busy:
        raise refuse(409, messages.BUSY, "busy") from None
    except FileNotFoundError:
        find(upload.owner, upload.pk)  # terminated or expired meanwhile: 404 or 410
        raise refuse(410, messages.BYTES_GONE, "bytes_gone") from None
    return upload


def _receivable(upload: Upload, offset: int) -> None:
    if upload.status in FINISHED:
        raise refuse(409, messages.ALREADY_COMPLETE, "already_complete")
    if upload.status != Status.RECEIVING:
        find(upload.owner, upload.pk)  # raises the right 404 or 410
    if offset != upload.offset:
        raise refuse(409, messages.WRONG_OFFSET, "wrong_offset", offset=upload.offset)


def _no_space() -> Refused:
    return refuse(507, messages.NO_SPACE, "no_space")


def _too_long(upload: Upload) -> Refused:
    return refuse(413, messages.PAST_LENGTH, "past_length", length=upload.length)


def _write(
    fd: int,
    upload: Upload,
    offset: int,
    read: Callable[[int], bytes],
    checksum: tuple[str, bytes] | None,
    running,
) -> int:
    """Write the body at `offset`; on a refusal cut the file back so nothing is appended."""
    os.ftruncate(fd, offset)  # bytes a dead PATCH left past the committed offset
    os.lseek(fd, offset, os.SEEK_SET)
    check = hashlib.new(checksum[0]) if checksum else None
    room = upload.length - offset
    received = 0
    try:
        while True:
            try:
                chunk = read(min(CHUNK, room - received + 1))
            except OSError:  # the client went away: keep what arrived (unless checksummed)
                break
            if not chunk:
                break
            received += len(chunk)
            if received > room:
                raise _too_long(upload)
            _write_all(fd, chunk)
            if check is not None:
                check.update(chunk)
            if running is not None:
                running.update(chunk)
        if checksum is not None and check is not None and check.digest() != checksum[1]:
            raise refuse(CHECKSUM_MISMATCH, messages.CHUNK_CHECKSUM, "checksum_mismatch")
        os.fsync(fd)
    except BaseException as error:
        os.ftruncate(fd, offset)
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise _no_space() from None
        raise
    return received


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _commit(pk: UUID, offset: int, received: int, running) -> Upload:
    """The new offset; with the last byte, the upload complete and its ingest queued, in
    one transaction (completion.complete)."""
    with transaction.atomic():
        upload = Upload.objects.select_for_update().get(pk=pk)
        _receivable(upload, offset)  # terminated or expired meanwhile: the bytes are dropped
        upload.offset = offset + received
        upload.expires_at = expiry()
        if upload.offset == upload.length:
            completion.complete(upload, running)
        upload.save(
            update_fields=["offset", "expires_at", "status", "completed_at", "sha256", "error"]
        )
    return upload
