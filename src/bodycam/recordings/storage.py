"""Blob storage for originals and derived copies: one small interface, two backends.

Keys are the SHA-256 (hex) of the content. A blob is written once through a `Staging`: bytes
go to a temporary place, then `commit` makes them durable and visible under their key in one
atomic step (or recognises that the key already exists). Nothing ever overwrites, truncates or
deletes a committed blob; only disposal after retention may (a later issue), and it leaves a
ledger entry.
"""

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class StorageFull(OSError):
    """Not enough space for a blob; nothing partial was left behind."""


class Staging(Protocol):
    """A blob being written. Exactly one of commit() or abort() ends it."""

    def write(self, chunk: bytes) -> None: ...

    def commit(self, sha256: str, retain_until: datetime | None) -> bool:
        """Make the bytes durable under `sha256`; False if that key already held them."""
        ...

    def abort(self) -> None:
        """Discard what was written (the key is untouched)."""
        ...


class BlobStore(Protocol):
    """Where blobs live. Implementations: storage_local.LocalBlobStore, storage_s3.S3BlobStore."""

    name: str

    def stage(self, size_hint: int | None = None) -> Staging:
        """Start writing a blob; raises StorageFull up front when `size_hint` cannot fit."""
        ...

    def adopt(self, path: Path, sha256: str, retain_until: datetime | None) -> bool:
        """Store a complete private file whose SHA-256 is already known (an upload, hashed as
        it arrived) without hashing it again; False if the key already held these bytes."""
        ...

    def exists(self, sha256: str) -> bool: ...

    def open(self, sha256: str) -> BinaryIO:
        """The blob's bytes, for reading (FileNotFoundError if missing)."""
        ...

    def size(self, sha256: str) -> int: ...

    def keys(self) -> Iterator[str]:
        """Every committed key."""
        ...

    def sweep(self) -> int:
        """Remove staging leftovers of crashed writers; returns how many."""
        ...

    def dispose(self, sha256: str) -> bool:
        """Remove a disposed recording's bytes (retention.disposal alone calls it, R-14)."""
        ...

    def free_bytes(self) -> int | None:
        """Free space, if the backend can tell."""
        ...


def blob_store() -> BlobStore:
    """The configured store (BODYCAM_BLOB_BACKEND: local or s3)."""
    backend = settings.BLOB_BACKENDS[settings.BLOB_BACKEND]
    return import_string(backend)()


def copy_in(store: BlobStore, path: Path, size_hint: int | None = None) -> tuple[Staging, str, int]:
    """Copy a file into a new staging of `store` while hashing it, in one read: (the staging,
    to commit or abort, the SHA-256, the size). A failed copy aborts the staging."""
    from bodycam.lib.hashing import copy_and_hash

    staging = store.stage(size_hint=size_hint)
    try:
        with path.open("rb") as source:
            sha256, size = copy_and_hash(source, staging.write)
    except BaseException:
        staging.abort()
        raise
    return staging, sha256, size
