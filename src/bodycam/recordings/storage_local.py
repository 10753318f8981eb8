"""Blob storage on the local filesystem: `<root>/<ab>/<cd>/<sha256>`, written once, read-only.

A blob is written to `<root>/staging/<pid>-<uuid>.part` (same filesystem as the blobs), fsync'd,
made read-only and hard-linked into place: a link never replaces an existing name, so two writers
of the same content cannot overwrite each other, and a crash leaves at most a staging file that
`sweep()` recognises by its dead writer's pid. The temporary-file helpers here are shared with the
S3 backend, which stages on local disk too.
"""

import contextlib
import errno
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, NoReturn

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from bodycam.lib.errors import bilingual
from bodycam.recordings.storage import StorageFull, copy_in

KEY_PATTERN = re.compile(r"[0-9a-f]{64}")
STAGING_NAME = re.compile(r"([0-9]+)-[0-9a-f]{32}\.part")
STALE_SECONDS = 24 * 3600
MIN_FREE_MARGIN = 64 * 1024 * 1024
SYNC_EVERY = 64 * 1024 * 1024
# Errors that mean "the disk (or the file size limit) cannot take these bytes".
FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def check_key(sha256: str) -> str:
    """`sha256` if it is exactly 64 lowercase hex digits, else ValueError (no path tricks)."""
    if not isinstance(sha256, str) or not KEY_PATTERN.fullmatch(sha256):
        raise ValueError(
            bilingual(
                _("无效的数据块键 %(key)s：须为 64 位小写十六进制 SHA-256。"), key=repr(sha256)
            )
        )
    return sha256


def missing(sha256: str) -> FileNotFoundError:
    """The error for a key that is not in the store."""
    return FileNotFoundError(errno.ENOENT, bilingual(_("存储中没有数据块 %(key)s。"), key=sha256))


def storage_full(message: str, code: int = errno.ENOSPC) -> StorageFull:
    """StorageFull whose str() is just `message` (no "[Errno 28]" prefix) but with its errno."""
    error = StorageFull(message)
    error.errno = code
    return error


def _mib(size: int) -> str:
    return f"{size / 2**20:,.0f} MiB"


def ensure_room(directory: Path, size_hint: int | None) -> None:
    """Raise StorageFull unless `size_hint` bytes plus a safety margin fit in `directory`."""
    usage = shutil.disk_usage(directory)
    need = (size_hint or 0) + max(MIN_FREE_MARGIN, usage.total // 100)
    if need > usage.free:
        raise storage_full(
            bilingual(
                _("存储空间不足：需要 %(need)s（含余量），%(directory)s 仅剩 %(free)s。"),
                need=_mib(need),
                directory=directory,
                free=_mib(usage.free),
            )
        )


def fsync_dir(directory: Path) -> None:
    """Make the entries of `directory` (new names, new subfolders) durable."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class TempFile:
    """A private (0600), exclusively created `<pid>-<uuid>.part` file in a staging folder.

    Writes go straight to the file descriptor (no user-space buffer): callers pass large chunks.
    A full disk during a write removes the file and raises StorageFull.
    """

    def __init__(self, directory: Path, size_hint: int | None) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        ensure_room(directory, size_hint)
        self.path = directory / f"{os.getpid()}-{uuid.uuid4().hex}.part"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
        self._fd: int | None = os.open(self.path, flags, 0o600)
        self._unsynced = 0

    def _open_fd(self) -> int:
        if self._fd is None:
            raise ValueError(bilingual(_("暂存已结束。")))
        return self._fd

    def write(self, chunk: bytes) -> None:
        """Append `chunk` (all of it: os.write may write less than asked)."""
        view = memoryview(chunk)
        fd = self._open_fd()
        try:
            while view:
                view = view[os.write(fd, view) :]
            self._unsynced += len(chunk)
            if self._unsynced >= SYNC_EVERY:
                # Flushing as we go overlaps the disk with the hashing of later chunks,
                # so the final fsync has little left to do.
                os.fdatasync(fd)
                self._unsynced = 0
        except OSError as exc:
            self._fail(exc)

    def _fail(self, exc: OSError) -> NoReturn:
        self.discard()
        if exc.errno in FULL_ERRNOS:
            raise storage_full(
                bilingual(
                    _("存储空间不足：写入暂存文件时失败（%(error)s），已丢弃。"), error=exc.strerror
                ),
                exc.errno,
            ) from exc
        raise exc

    def seal(self) -> None:
        """fsync, make read-only, close: the bytes are on disk and can no longer change."""
        fd = self._open_fd()
        try:
            os.fsync(fd)  # delayed allocation may only find out now that the disk is full
        except OSError as exc:
            self._fail(exc)
        os.fchmod(fd, 0o400)  # readable by the service alone, writable by nobody
        self._fd = None
        os.close(fd)

    def close(self) -> None:
        """Close without fsync (the S3 backend uploads from the path)."""
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)

    def discard(self) -> None:
        """Close and remove the file; harmless to repeat."""
        self.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def sweep_staging(directory: Path) -> int:
    """Remove `<pid>-<uuid>.part` files whose writer is gone or that sat idle for 24 h."""
    if not directory.is_dir():
        return 0
    removed = 0
    cutoff = time.time() - STALE_SECONDS
    for entry in os.scandir(directory):
        match = STAGING_NAME.fullmatch(entry.name)
        if not match or not entry.is_file(follow_symlinks=False):
            continue
        try:
            if entry.stat().st_mtime >= cutoff and _alive(int(match[1])):
                continue
            Path(entry.path).unlink()
        except FileNotFoundError:
            continue  # its writer committed or aborted meanwhile
        removed += 1
    return removed


class LocalStaging:
    """A blob being written into a LocalBlobStore (see storage.Staging)."""

    def __init__(self, store: "LocalBlobStore", size_hint: int | None) -> None:
        self._store = store
        self._temp = TempFile(store.staging_dir, size_hint)

    def write(self, chunk: bytes) -> None:
        """Append `chunk`; StorageFull (and nothing left behind) if the disk fills up."""
        self._temp.write(chunk)

    def commit(self, sha256: str, retain_until: datetime | None) -> bool:
        """Link the sealed file into place; False if the key exists. Ends the staging, always.

        `retain_until` is not enforced by a plain filesystem: the store simply never deletes.
        """
        try:
            final = self._store.path(sha256)
            self._temp.seal()
            if final.exists():
                return False
            self._store.make_dirs(final.parent)
            try:
                os.link(self._temp.path, final)  # unlike rename, never replaces a name
            except FileExistsError:  # another writer of the same bytes won the race
                return False
        finally:
            self._temp.discard()
        fsync_dir(final.parent)
        return True

    def abort(self) -> None:
        """Discard what was written; harmless after commit or a failed write."""
        self._temp.discard()


def _hex_dirs(directory: Path) -> list[Path]:
    names = (entry.name for entry in os.scandir(directory) if entry.is_dir(follow_symlinks=False))
    return [directory / name for name in sorted(names) if re.fullmatch(r"[0-9a-f]{2}", name)]


class LocalBlobStore:
    """Blobs as read-only files under settings.BLOB_STORAGE_DIR; nothing here ever deletes one."""

    name = "local"

    def __init__(self) -> None:
        self.root = Path(settings.BLOB_STORAGE_DIR)
        self.staging_dir = self.root / "staging"
        self.staging_dir.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        """Where the blob `sha256` lives (ValueError for anything but a SHA-256 hex key)."""
        check_key(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def make_dirs(self, directory: Path) -> None:
        """Create the fan-out folders of `directory` durably (each new name fsync'd)."""
        for folder in (directory.parent, directory):
            try:
                folder.mkdir()
            except FileExistsError:
                continue
            fsync_dir(folder.parent)

    def stage(self, size_hint: int | None = None) -> LocalStaging:
        """Start writing a blob; StorageFull up front if `size_hint` (plus margin) cannot fit."""
        return LocalStaging(self, size_hint)

    def adopt(self, path: Path, sha256: str, retain_until: datetime | None) -> bool:
        """Take a complete, fsync'd private file whose SHA-256 is known (an upload) into the
        store without copying it: made read-only and hard-linked into place (its old name is
        the caller's to remove). On another filesystem it is copied, and hashed as it is, once.
        False if the key already held these bytes."""
        final = self.path(sha256)
        if final.exists():
            return False
        path.chmod(0o400)
        self.make_dirs(final.parent)
        try:
            os.link(path, final)
        except FileExistsError:
            return False
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            return self._copy_in(path, sha256, retain_until)
        fsync_dir(final.parent)
        return True

    def _copy_in(self, path: Path, sha256: str, retain_until: datetime | None) -> bool:
        staging, digest, _size = copy_in(self, path, path.stat().st_size)
        if digest != sha256:
            staging.abort()
            raise ValueError(f"bytes of {path} changed since they were received")
        return staging.commit(sha256, retain_until)

    def same_filesystem(self, folder: Path) -> bool:
        """Whether files in `folder` can be linked into the store (no copy on adopt)."""
        return folder.stat().st_dev == self.root.stat().st_dev

    def exists(self, sha256: str) -> bool:
        """Whether the blob is stored."""
        return self.path(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        """The blob for reading."""
        try:
            return self.path(sha256).open("rb")
        except FileNotFoundError:
            raise missing(sha256) from None

    def size(self, sha256: str) -> int:
        """The blob's size in bytes."""
        try:
            return self.path(sha256).stat().st_size
        except FileNotFoundError:
            raise missing(sha256) from None

    def keys(self, prefix: str = "") -> Iterator[str]:
        """Every committed key (those starting with the hex `prefix`), in sorted order."""
        for first in _hex_dirs(self.root):
            if not first.name.startswith(prefix[:2]):
                continue
            for second in _hex_dirs(first):
                fan_out = first.name + second.name
                if not (fan_out.startswith(prefix[:4]) or prefix.startswith(fan_out)):
                    continue
                for name in sorted(entry.name for entry in os.scandir(second)):
                    valid = KEY_PATTERN.fullmatch(name) and name.startswith(fan_out)
                    if valid and name.startswith(prefix):
                        yield name

    def age_seconds(self, sha256: str) -> float:
        """How long ago the blob was stored."""
        try:
            return time.time() - self.path(sha256).stat().st_mtime
        except FileNotFoundError:
            raise missing(sha256) from None

    def dispose(self, sha256: str) -> bool:
        """Remove a blob whose recording was disposed of by two approvals (retention.disposal,
        R-14; the only caller). False if it was already gone."""
        try:
            self.path(sha256).unlink()
        except FileNotFoundError:
            return False
        return True

    def sweep(self) -> int:
        """Remove staging files of crashed writers; returns how many."""
        return sweep_staging(self.staging_dir)

    def free_bytes(self) -> int:
        """Free space on the blob filesystem."""
        return shutil.disk_usage(self.root).free
