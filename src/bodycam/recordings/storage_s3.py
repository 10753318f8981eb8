"""Blob storage on S3-compatible object storage, every object under Object Lock (compliance mode).

Keys: `originals/<ab>/<cd>/<sha256>`. The key is known only once all bytes are written, so a blob
is staged in a local temporary file (settings.DATA_DIR/s3-staging, same `<pid>-<uuid>.part`
naming and sweeping as the local backend) and uploaded on commit, with `If-None-Match: *` so a
concurrent writer of the same bytes is recognised instead of stacking a second version.

Up to `single_put_limit` bytes go in one PUT whose SHA-256 checksum is the key itself: the server
checks every byte against the key. Bigger files go in parts, each with its own SHA-256, and the
composite checksum the server reports is compared with ours. Every object is born locked in
COMPLIANCE mode until max(retain_until, now + MINIMUM_RETENTION_DAYS); the lock is read back
after the upload and (re)applied if a server ignored it.
"""

import base64
import contextlib
import functools
import hashlib
import os
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO, cast

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from bodycam.lib.errors import bilingual
from bodycam.recordings.storage_local import (
    STALE_SECONDS,
    TempFile,
    check_key,
    missing,
    storage_full,
    sweep_staging,
)

PREFIX = "originals/"
LOCK_MODE = "COMPLIANCE"
NOT_FOUND = {"404", "NoSuchKey", "NotFound", "NoSuchBucket"}
REFUSED_WHILE_LOCKED = {"AccessDenied", "InvalidRequest", "ObjectLocked"}
FULL_CODES = {"XMinioStorageFull", "XMinioAdminBucketQuotaExceeded", "QuotaExceeded"}
WORM_NOT_ENFORCED = _(
    "存储桶 %(bucket)s 接受了对象锁定，却允许删除锁定期内的对象（试写的锁定对象被删除了），"
    "不能保证原始记录不被删除；请换用真正执行对象锁定（合规模式）的对象存储。"
)
CANARY_PREFIX = "canary/"
UNLOCKED_BUCKET = _(
    "存储桶 %(bucket)s 未启用对象锁定（Object Lock）和版本控制，不能存放原始记录；"
    "对象锁定只能在创建存储桶时启用，请换用新的存储桶。"
)


def object_key(sha256: str) -> str:
    """The object key of blob `sha256` (ValueError for anything but a SHA-256 hex key)."""
    check_key(sha256)
    return f"{PREFIX}{sha256[:2]}/{sha256[2:4]}/{sha256}"


def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode("ascii")


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


@functools.lru_cache(maxsize=8)
def _client(endpoint: str, region: str, access_key: str, secret_key: str) -> Any:
    # Clients are thread-safe and costly to build; one per configuration.
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint or None,
        region_name=region,
        aws_access_key_id=access_key or None,  # empty: the usual credential chain
        aws_secret_access_key=secret_key or None,
        # SigV4 for presigned URLs too (botocore presigns with SigV2 by default, which AWS's
        # newer regions and SeaweedFS refuse with a 403).
        config=Config(
            signature_version="s3v4",
            retries={"mode": "standard", "max_attempts": 5},
            max_pool_connections=16,
        ),
    )


class S3Staging:
    """A blob being written for an S3BlobStore (see storage.Staging)."""

    def __init__(self, store: "S3BlobStore", size_hint: int | None) -> None:
        self._store = store
        self._temp = TempFile(store.staging_dir, size_hint)

    def write(self, chunk: bytes) -> None:
        """Append `chunk` to the local staging file; StorageFull if the local disk fills up."""
        self._temp.write(chunk)

    def commit(self, sha256: str, retain_until: datetime | None) -> bool:
        """Upload under lock; False if the key exists (locked, if it somehow was not).

        Ends the staging whatever happens: the local file is removed.
        """
        try:
            key = object_key(sha256)
            until = lock_until(retain_until)
            self._temp.close()
            return self._store.upload(self._temp.path, key, sha256, until)
        finally:
            self._temp.discard()

    def abort(self) -> None:
        """Discard what was written; harmless after commit or a failed write."""
        self._temp.discard()


def lock_until(retain_until: datetime | None) -> datetime:
    """The retain-until date for a new object: never sooner than MINIMUM_RETENTION_DAYS away."""
    if retain_until is not None and retain_until.tzinfo is None:
        raise ValueError(bilingual(_("保留期限须带时区。")))
    floor = datetime.now(UTC) + timedelta(days=settings.MINIMUM_RETENTION_DAYS)
    return _whole_seconds(max(floor, retain_until) if retain_until else floor)


def _whole_seconds(until: datetime) -> datetime:
    """S3 keeps whole seconds: rounded up, so the stored date is never earlier than asked."""
    return until.astimezone(UTC).replace(microsecond=0) + timedelta(seconds=1)


class S3BlobStore:
    """Blobs as objects in settings.S3_BUCKET, locked in COMPLIANCE mode; deleted only by
    `dispose`, for a disposal two people approved (retention.disposal), and only once unlocked."""

    name = "s3"
    single_put_limit = 5 * 2**30  # the largest single PUT that S3 accepts
    part_size = 64 * 2**20
    max_workers = 4

    def __init__(self) -> None:
        self.bucket = settings.S3_BUCKET
        self.client = _client(
            settings.S3_ENDPOINT_URL,
            settings.S3_REGION,
            settings.S3_ACCESS_KEY,
            settings.S3_SECRET_KEY,
        )
        self.staging_dir = Path(settings.DATA_DIR) / "s3-staging"

    # -- the bucket ---------------------------------------------------------------------------

    def ensure_bucket(self) -> None:
        """Create the bucket with Object Lock if missing; refuse one without Object Lock."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            if _code(exc) not in NOT_FOUND:
                raise
            self._create_bucket()
        self._check_bucket()

    def _create_bucket(self) -> None:
        extra = {}
        if settings.S3_REGION != "us-east-1":
            extra["CreateBucketConfiguration"] = {"LocationConstraint": settings.S3_REGION}
        self.client.create_bucket(Bucket=self.bucket, ObjectLockEnabledForBucket=True, **extra)

    def _check_bucket(self) -> None:
        try:
            config = self.client.get_object_lock_configuration(Bucket=self.bucket)
        except ClientError as exc:
            if _code(exc) != "ObjectLockConfigurationNotFoundError":
                raise
            config = {}
        locked = config.get("ObjectLockConfiguration", {}).get("ObjectLockEnabled") == "Enabled"
        versioned = self.client.get_bucket_versioning(Bucket=self.bucket).get("Status")
        if not locked or versioned != "Enabled":
            raise ImproperlyConfigured(bilingual(UNLOCKED_BUCKET, bucket=self.bucket))
        self.prove_worm()

    def prove_worm(self) -> None:
        """Prove the store enforces the lock it accepts: write a canary locked for a day and
        try to delete that very version. A store that lets the delete through (a known failure
        of S3 imitations) is refused: ImproperlyConfigured, with a message saying why."""
        key = f"{CANARY_PREFIX}{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:12]}"
        until = _whole_seconds(datetime.now(UTC) + timedelta(days=1))
        put = self.client.put_object(
            Bucket=self.bucket, Key=key, Body=b"bodycam WORM canary", **self._lock(until)
        )
        version = put.get("VersionId")
        if not version:
            raise ImproperlyConfigured(bilingual(UNLOCKED_BUCKET, bucket=self.bucket))
        try:
            self.client.delete_object(Bucket=self.bucket, Key=key, VersionId=version)
        except ClientError as exc:
            if _code(exc) in REFUSED_WHILE_LOCKED:
                return
            raise
        raise ImproperlyConfigured(bilingual(WORM_NOT_ENFORCED, bucket=self.bucket))

    # -- writing ------------------------------------------------------------------------------

    def stage(self, size_hint: int | None = None) -> S3Staging:
        """Start writing a blob; StorageFull up front if the local staging disk lacks room."""
        return S3Staging(self, size_hint)

    def adopt(self, path: Path, sha256: str, retain_until: datetime | None) -> bool:
        """Store a complete file whose SHA-256 is known (an upload): streamed once from
        `path`, which stays where it is; False if the key already held these bytes."""
        return self.upload(path, object_key(sha256), sha256, lock_until(retain_until))

    def upload(self, path: Path, key: str, sha256: str, until: datetime) -> bool:
        """Store the file at `path` under `key`, locked until `until`; False if already there."""
        if (head := self._head(key)) is not None:
            if head.get("ObjectLockMode") != LOCK_MODE:  # left unlocked by a crash or a server
                self._ensure_locked(key, head, until)
            return False
        size = path.stat().st_size
        try:
            if size <= self.single_put_limit:
                expected = _b64(bytes.fromhex(sha256))
                version = self._put(path, key, expected, until)
            else:
                version, expected = self._put_parts(path, key, size, until)
        except ClientError as exc:
            if _code(exc) == "PreconditionFailed":  # a concurrent writer stored it first
                return False
            if _code(exc) in FULL_CODES:
                raise storage_full(
                    bilingual(_("存储空间不足：对象存储拒绝写入（%(code)s）。"), code=_code(exc))
                ) from exc
            raise
        self._verify(key, version, expected, until)
        return True

    def _lock(self, until: datetime) -> dict[str, Any]:
        return {"ObjectLockMode": LOCK_MODE, "ObjectLockRetainUntilDate": until}

    def _put(self, path: Path, key: str, checksum: str, until: datetime) -> str | None:
        with path.open("rb") as body:
            response = self.client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=body,
                ChecksumAlgorithm="SHA256",
                ChecksumSHA256=checksum,
                IfNoneMatch="*",
                **self._lock(until),
            )
        return response.get("VersionId")

    def _put_parts(
        self, path: Path, key: str, size: int, until: datetime
    ) -> tuple[str | None, str]:
        upload_id = self.client.create_multipart_upload(
            Bucket=self.bucket, Key=key, ChecksumAlgorithm="SHA256", **self._lock(until)
        )["UploadId"]
        try:
            with path.open("rb") as source, ThreadPoolExecutor(self.max_workers) as pool:
                send = functools.partial(self._put_part, source.fileno(), key, upload_id)
                parts = list(pool.map(send, range(1, -(-size // self.part_size) + 1)))
            response = self.client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=key,
                UploadId=upload_id,
                MultipartUpload={"Parts": parts},
                IfNoneMatch="*",
            )
        except BaseException:
            with contextlib.suppress(ClientError):
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
            raise
        digests = b"".join(base64.b64decode(part["ChecksumSHA256"]) for part in parts)
        return response.get("VersionId"), _b64(hashlib.sha256(digests).digest())

    def _put_part(self, fd: int, key: str, upload_id: str, number: int) -> dict[str, Any]:
        data = os.pread(fd, self.part_size, (number - 1) * self.part_size)
        checksum = _b64(hashlib.sha256(data).digest())
        response = self.client.upload_part(
            Bucket=self.bucket,
            Key=key,
            UploadId=upload_id,
            PartNumber=number,
            Body=data,
            ChecksumAlgorithm="SHA256",
            ChecksumSHA256=checksum,
        )
        return {"PartNumber": number, "ETag": response["ETag"], "ChecksumSHA256": checksum}

    def _verify(self, key: str, version: str | None, expected: str, until: datetime) -> None:
        head = self._head(key, version)
        if head is None:
            raise OSError(bilingual(_("上传后找不到对象 %(key)s。"), key=key))
        # A composite (multipart) checksum may carry a "-<parts>" suffix.
        reported = str(head.get("ChecksumSHA256", "")).split("-")[0]
        if reported and reported != expected:
            raise OSError(
                bilingual(
                    _("对象 %(key)s 的 SHA-256 校验和与内容不符（%(reported)s）。"),
                    key=key,
                    reported=reported,
                )
            )
        self._ensure_locked(key, head, until)

    def _ensure_locked(self, key: str, head: dict[str, Any], until: datetime) -> None:
        if _locked(head, until):
            return
        # Some servers ignore lock headers (on multipart uploads, say): set the lock explicitly.
        version = head.get("VersionId")
        extra = {"VersionId": version} if version else {}
        self.client.put_object_retention(
            Bucket=self.bucket,
            Key=key,
            Retention={"Mode": LOCK_MODE, "RetainUntilDate": until},
            **extra,
        )
        if not _locked(self._head(key, version) or {}, until):
            raise OSError(bilingual(_("对象 %(key)s 的对象锁定未生效。"), key=key))

    # -- reading ------------------------------------------------------------------------------

    def _head(self, key: str, version: str | None = None) -> dict[str, Any] | None:
        extra = {"VersionId": version} if version else {}
        try:
            return self.client.head_object(
                Bucket=self.bucket, Key=key, ChecksumMode="ENABLED", **extra
            )
        except ClientError as exc:
            if _code(exc) in NOT_FOUND:
                return None
            raise

    def exists(self, sha256: str) -> bool:
        """Whether the blob is stored (its current version)."""
        return self._head(object_key(sha256)) is not None

    def open(self, sha256: str) -> BinaryIO:
        """A streaming, file-like body of the blob."""
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=object_key(sha256))
        except ClientError as exc:
            if _code(exc) in NOT_FOUND:
                raise missing(sha256) from None
            raise
        return cast(BinaryIO, response["Body"])

    def presigned_url(
        self, sha256: str, seconds: int, content_type: str, disposition: str | None = None
    ) -> str:
        """A URL that reads the blob (with ranges) for `seconds`, and nothing else."""
        params = {
            "Bucket": self.bucket,
            "Key": object_key(sha256),
            "ResponseContentType": content_type,
            "ResponseCacheControl": "private, no-store",
        }
        if disposition:
            params["ResponseContentDisposition"] = disposition
        return self.client.generate_presigned_url("get_object", Params=params, ExpiresIn=seconds)

    def size(self, sha256: str) -> int:
        """The blob's size in bytes."""
        head = self._head(object_key(sha256))
        if head is None:
            raise missing(sha256)
        return int(head["ContentLength"])

    def extend_lock(self, sha256: str, until: datetime) -> datetime:
        """Extend the blob's COMPLIANCE lock to `until` (R-14); a lock already longer is kept,
        since a lock is never shortened. The retain-until date in force is returned."""
        key = object_key(sha256)
        head = self._head(key)
        if head is None:
            raise missing(sha256)
        current = head.get("ObjectLockRetainUntilDate")
        if current is not None and current >= until:
            return current
        until = _whole_seconds(until)
        self._ensure_locked(key, head, until)
        return until

    def retention(self, sha256: str) -> tuple[str | None, datetime | None]:
        """(lock mode, retain-until) of the blob's current version."""
        head = self._head(object_key(sha256))
        if head is None:
            raise missing(sha256)
        return head.get("ObjectLockMode"), head.get("ObjectLockRetainUntilDate")

    def keys(self, prefix: str = "") -> Iterator[str]:
        """Every committed key (those starting with the hex `prefix`), in lexicographic order."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=PREFIX + (f"{prefix[:2]}/" if len(prefix) >= 2 else "")
        )
        for page in pages:
            for item in page.get("Contents", []):
                name = item["Key"].rsplit("/", 1)[-1]
                with contextlib.suppress(ValueError):
                    if object_key(name) == item["Key"] and name.startswith(prefix):
                        yield name

    def age_seconds(self, sha256: str) -> float:
        """How long ago the blob was stored."""
        head = self._head(object_key(sha256))
        if head is None:
            raise missing(sha256)
        return (datetime.now(UTC) - head["LastModified"]).total_seconds()

    # -- housekeeping -------------------------------------------------------------------------

    def dispose(self, sha256: str) -> bool:
        """Delete every version of a blob whose recording was disposed of by two approvals
        (retention.disposal, R-14; the only caller). A version still locked is refused by the
        store (AccessDenied): that error is raised, and nothing of the blob is lost."""
        key = object_key(sha256)
        listed = self.client.list_object_versions(Bucket=self.bucket, Prefix=key)
        versions = [v for v in listed.get("Versions", []) + listed.get("DeleteMarkers", [])
                    if v["Key"] == key]  # fmt: skip
        for version in versions:
            self.client.delete_object(Bucket=self.bucket, Key=key, VersionId=version["VersionId"])
        return bool(versions)

    def sweep(self) -> int:
        """Remove local staging leftovers, abort multipart uploads idle for 24 h and remove
        WORM canaries whose lock has run out."""
        return sweep_staging(self.staging_dir) + self._abort_stale_uploads() + self._old_canaries()

    def _old_canaries(self) -> int:
        cutoff = datetime.now(UTC) - timedelta(days=1, hours=1)
        listed = self.client.list_object_versions(Bucket=self.bucket, Prefix=CANARY_PREFIX)
        removed = 0
        for version in listed.get("Versions", []) + listed.get("DeleteMarkers", []):
            if version["LastModified"] < cutoff:
                with contextlib.suppress(ClientError):  # still locked: next time
                    self.client.delete_object(
                        Bucket=self.bucket, Key=version["Key"], VersionId=version["VersionId"]
                    )
                    removed += 1
        return removed

    def _abort_stale_uploads(self) -> int:
        cutoff = datetime.now(UTC) - timedelta(seconds=STALE_SECONDS)
        pages = self.client.get_paginator("list_multipart_uploads").paginate(
            Bucket=self.bucket, Prefix=PREFIX
        )
        aborted = 0
        for page in pages:
            for upload in page.get("Uploads", []):
                if upload["Initiated"] < cutoff:
                    self.client.abort_multipart_upload(
                        Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                    )
                    aborted += 1
        return aborted

    def free_bytes(self) -> None:
        """Object storage does not tell."""
        return None


def _locked(head: dict[str, Any], until: datetime) -> bool:
    retained = head.get("ObjectLockRetainUntilDate")
    return head.get("ObjectLockMode") == LOCK_MODE and retained is not None and retained >= until
