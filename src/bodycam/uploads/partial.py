"""The bytes of an upload before it is complete: `DATA_DIR/uploads/<id>.part` (mode 0600).

The database row's `offset` is authoritative: a PATCH that died half-way may have left more
bytes in the file, and the next PATCH first cuts the file back to the offset. A PATCH holds an
exclusive `flock` on the file while it writes, so two requests never append at once, and no
database transaction stays open while the body crosses the network.
"""

import contextlib
import fcntl
import hashlib
import os
import shutil
import threading
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

from django.conf import settings

from bodycam.recordings.naming import display_name

if TYPE_CHECKING:
    from _hashlib import HASH

NAME_BYTES = 200  # well under the 255-byte limit of common file systems


def folder() -> Path:
    """Where partial uploads live (created on first use, private to the server)."""
    path = Path(settings.DATA_DIR) / "uploads"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def part_path(pk: UUID) -> Path:
    """Where the bytes of a receiving upload accumulate."""
    return folder() / f"{pk}.part"


def create(pk: UUID) -> Path:
    """An empty partial file, readable and writable by the server only."""
    path = part_path(pk)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return path


class Busy(Exception):
    """Another request is writing this upload right now."""


@contextlib.contextmanager
def locked(pk: UUID) -> Iterator[int]:
    """The partial file opened for writing under an exclusive lock (FileNotFoundError if it
    is gone, Busy if another request holds it)."""
    fd = os.open(part_path(pk), os.O_RDWR)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy from None
        yield fd
    finally:
        os.close(fd)  # closing releases the lock


def remove(pk: UUID) -> None:
    """Forget the bytes of an upload: its partial file and any completed copy."""
    part_path(pk).unlink(missing_ok=True)
    shutil.rmtree(folder() / str(pk), ignore_errors=True)


def safe_name(raw: str) -> str:
    """The client's file name fit for our disk: one path component, no control characters,
    short enough for any file system, its extension kept (ingest reads the recorder's naming
    convention and the media kind from the name)."""
    name = display_name(raw).replace("/", "_")
    if name in {".", ".."}:
        name = "_"
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    while len(name.encode()) > NAME_BYTES and stem:
        stem = stem[:-1]
        name = f"{stem}.{suffix}" if dot else stem
    return name


def promote(pk: UUID, raw_name: str) -> Path:
    """Move the complete partial file to `uploads/<id>/<name>` (a rename: no bytes copied)."""
    home = folder() / str(pk)
    home.mkdir(mode=0o700, exist_ok=True)
    final = home / safe_name(raw_name)
    part_path(pk).rename(final)
    return final


def completed_path(pk: UUID, raw_name: str) -> Path:
    """Where promote() puts the complete file."""
    return folder() / str(pk) / safe_name(raw_name)


class RunningHashes:
    """SHA-256 of each upload's bytes so far, kept in this process between PATCHes.

    hashlib state cannot be saved, so it lives in memory: a PATCH served by another process
    (or after a restart) finds none, and the upload's hash is then computed at completion
    instead, in one read of the file. Keyed by (id, offset): bytes below a committed offset
    never change, so a matching offset means a matching prefix.
    """

    def __init__(self, capacity: int = 256) -> None:
        self._lock = threading.Lock()
        self._states: OrderedDict[UUID, tuple[int, HASH]] = OrderedDict()
        self._capacity = capacity

    def resume(self, pk: UUID, offset: int) -> "HASH | None":
        """A hash of the first `offset` bytes to continue, or None if this process has none."""
        if offset == 0:
            return hashlib.sha256()
        with self._lock:
            found = self._states.get(pk)
        if found is None or found[0] != offset:
            return None
        return found[1].copy()  # the stored state stays valid if this PATCH fails

    def keep(self, pk: UUID, offset: int, state: "HASH") -> None:
        """Remember the hash of the first `offset` bytes (the least recent ones fall out)."""
        with self._lock:
            self._states[pk] = (offset, state)
            self._states.move_to_end(pk)
            while len(self._states) > self._capacity:
                self._states.popitem(last=False)

    def pop(self, pk: UUID, offset: int) -> "HASH | None":
        """The hash of exactly `offset` bytes, forgotten here; None if unknown."""
        with self._lock:
            found = self._states.pop(pk, None)
        return found[1] if found and found[0] == offset else None


running = RunningHashes()
