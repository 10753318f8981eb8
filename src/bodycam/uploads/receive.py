"""Receiving uploads: creation, appending a PATCH body, termination and expiry, with the
limits of our rules (size, media only, uploads at once). Refusals are TusError."""

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
from bodycam.uploads import completion, partial
from bodycam.uploads.models import Status, Upload
from bodycam.uploads.tus import CHECKSUM_MISMATCH, TusError

SHA256_HEX = re.compile(r"[0-9a-fA-F]{64}")
FINISHED = {Status.COMPLETE, Status.INGESTED, Status.FAILED}


def expiry():
    """Uploads expire this long after their last PATCH (an active upload never does)."""
    return timezone.now() + timedelta(hours=settings.UPLOAD_EXPIRE_HOURS)


def create_upload(owner: User, length: int, metadata: dict[str, str]) -> Upload:
    """A new upload of `length` bytes, or TusError (413 too large, 400 bad metadata,
    429 too many uploads at once)."""
    if length > settings.UPLOAD_MAX_BYTES:
        raise TusError(
            413,
            f"文件超过上限 {settings.UPLOAD_MAX_BYTES} 字节 / the file exceeds the limit of "
            f"{settings.UPLOAD_MAX_BYTES} bytes",
        )
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
            raise TusError(
                429,
                f"同时进行的上传已达 {active} 个，请等其完成后再试 / {active} uploads are "
                "already in progress; finish them first",
                Retry_After="60",
            )
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
        raise TusError(400, "缺少文件名（Upload-Metadata filename） / filename missing")
    if kind_of(filename) is None:
        raise TusError(400, "只能上传音像文件 / only media files can be uploaded")
    metadata["filename"] = filename
    if "sha256" in metadata:
        if not SHA256_HEX.fullmatch(metadata["sha256"]):
            raise TusError(400, "sha256 应为 64 位十六进制 / sha256 must be 64 hex digits")
        metadata["sha256"] = metadata["sha256"].lower()
    try:
        if metadata.get("device"):
            device_by_serial(metadata["device"])
        if metadata.get("officer"):
            person(metadata["officer"])
    except Refused as refused:
        raise TusError(400, refused.bilingual()) from None
    return metadata


def owned(owner: User, pk: UUID) -> Upload:
    """The owner's upload as it stands now (one past its time is expired on the way); 404 for
    a stranger's or an unknown one."""
    upload = Upload.objects.filter(pk=pk, owner=owner).first()
    if upload is None:
        raise TusError(404, "没有这个上传 / no such upload")
    if upload.status == Status.RECEIVING and upload.expires_at <= timezone.now():
        expire(upload.pk)
        upload.refresh_from_db()
    return upload


def find(owner: User, pk: UUID) -> Upload:
    """The owner's upload to receive bytes into; 404 also for a terminated one, 410 for an
    expired one."""
    upload = owned(owner, pk)
    if upload.status == Status.TERMINATED:
        raise TusError(404, "没有这个上传 / no such upload")
    if upload.status == Status.EXPIRED:
        raise TusError(410, "上传已过期，请重新上传 / the upload expired; start again")
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
        raise TusError(
            409,
            "上传已完成，不能取消；已入库的录像不会因此删除 / the upload is finished and cannot "
            "be terminated; recordings are never deleted this way",
        )
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
        raise TusError(409, "另一个请求正在写入此上传 / another request is writing") from None
    except FileNotFoundError:
        find(upload.owner, upload.pk)  # terminated or expired meanwhile: 404 or 410
        raise TusError(
            410, "上传的数据已不在服务器上，请重新上传 / the upload's bytes are gone; start again"
        ) from None
    return upload


def _receivable(upload: Upload, offset: int) -> None:
    if upload.status in FINISHED:
        raise TusError(409, "上传已收齐 / the upload is already complete")
    if upload.status != Status.RECEIVING:
        find(upload.owner, upload.pk)  # raises the right 404 or 410
    if offset != upload.offset:
        raise TusError(
            409,
            f"偏移量不符：服务器已收到 {upload.offset} 字节 / Upload-Offset mismatch: the "
            f"server has {upload.offset} bytes",
        )


def _no_space() -> TusError:
    return TusError(507, "服务器存储空间不足，请稍后再试 / not enough space on the server")


def _too_long(upload: Upload) -> TusError:
    return TusError(413, f"超出上传长度 {upload.length} 字节 / the body goes past Upload-Length")


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
        if check is not None and check.digest() != checksum[1]:
            raise TusError(
                CHECKSUM_MISMATCH, "校验值不符，本次数据未保存 / checksum mismatch, nothing kept"
            )
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
