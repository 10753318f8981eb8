"""Disc images: ISO 9660 (level 3) + Joliet + UDF 2.60 in one image, made with pycdlib.

Building streams: pycdlib only notes each source and its length, then copies it in blocks while
it writes the image, so memory stays flat whatever the size, and no original is copied twice.
Every source's bytes are hashed as they are copied and compared with the hash they must have;
the image's own SHA-256 is taken while it is written (pycdlib writes metadata out of order, so
`_ImageHash` holds that metadata until the hash reaches it) or, failing that, by reading it back.

Names: Joliet and UDF carry the real (Chinese) names; ISO 9660 a mapped d-character name.
pycdlib limits a Joliet name to 64 UTF-8 bytes, so `check_name` holds every name to that: then
Joliet (what Windows and `xorriso` show) and UDF show the same names the manifest lists.
"""

import hashlib
import io
import os
import queue
import re
import threading
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

import pycdlib

SECTOR = 2048
BLOCK = 1 << 20  # pycdlib's default 32 KiB copies at half the speed
MAX_NAME_BYTES = 64
FORBIDDEN = set('*/:;?\\"<>|')
_NOT_D = re.compile(r"[^A-Z0-9_]+")


class SourceChanged(OSError):
    """A file's bytes, as copied onto the disc, are not the bytes its hash says."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


@dataclass(frozen=True)
class DiscFile:
    """One file for the disc: its path on the disc and what to copy there: bytes made for the
    disc, a file, or a function opening a stream of `size` bytes (a blob in object storage);
    with `sha256`, the bytes copied must have that hash."""

    path: str
    source: "Path | bytes | Callable[[], IO[bytes]]"
    sha256: str = ""
    length: int | None = None

    @property
    def size(self) -> int:
        if self.length is not None:
            return self.length
        if isinstance(self.source, bytes):
            return len(self.source)
        if isinstance(self.source, Path):
            return self.source.stat().st_size
        raise ValueError("a stream needs its length")

    def open(self) -> IO[bytes]:
        if isinstance(self.source, bytes):
            return io.BytesIO(self.source)
        if isinstance(self.source, Path):
            return self.source.open("rb")
        return self.source()


@dataclass(frozen=True)
class Image:
    sha256: str
    size: int


def check_name(name: str) -> str:
    """`name` if it may stand on a disc as it is (64 UTF-8 bytes, no character Windows or
    Joliet refuses); ValueError otherwise."""
    if not name or name in (".", "..") or len(name.encode()) > MAX_NAME_BYTES:
        raise ValueError(f"disc name too long or empty: {name!r}")
    if any(c in FORBIDDEN or ord(c) < 32 or ord(c) > 0xFFFF for c in name):
        raise ValueError(f"character not allowed on a disc: {name!r}")
    return name


def fit_name(stem: str, suffix: str) -> str:
    """`stem` + `suffix`, its characters made safe and the stem shortened to fit a disc name."""
    stem = "".join("_" if c in FORBIDDEN or ord(c) < 32 or ord(c) > 0xFFFF else c for c in stem)
    while len((stem + suffix).encode()) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return check_name(stem + suffix)


def _d_characters(text: str) -> str:
    ascii_only = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub("_+", "_", _NOT_D.sub("_", ascii_only.upper())).strip("_")


def iso9660_name(name: str, is_dir: bool, used: set[str]) -> str:
    """A unique ISO 9660 level-3 identifier for `name` within one folder (`used`): A–Z, 0–9 and
    _, at most 30 characters; a name with nothing ASCII becomes F/D + a short hash of it."""
    root, dot, ext = ("", "", "") if is_dir else name.rpartition(".")
    if is_dir or not dot:
        root, ext = name, ""
    base, ext = _d_characters(root), _d_characters(ext)[:8]
    room = 31 if is_dir else 30 - len(ext)
    if not base:
        base = ("D" if is_dir else "F") + hashlib.sha256(name.encode()).hexdigest()[:7].upper()
    number = 0
    while True:
        suffix = f"_{number}" if number else ""
        candidate = base[: room - len(suffix)].rstrip("_") + suffix + (f".{ext}" if ext else "")
        if candidate not in used:
            used.add(candidate)
            return candidate if is_dir else f"{candidate};1"
        number += 1


class _Hasher:
    """Hashing in a thread of its own, in the order asked, while the copying goes on: hashlib
    lets go of the GIL on large buffers. The sources' hashes and the image's each get one, so
    on two cores the two passes overlap the copy (bench/evidence.py: 1.9 → 1.4 × cp)."""

    def __init__(self) -> None:
        self._queue: queue.Queue = queue.Queue(maxsize=64)  # at most 64 MiB waiting
        self._thread = threading.Thread(target=self._run, name="disc-hasher", daemon=True)
        self._thread.start()

    def update(self, digest: "hashlib._Hash", data: bytes) -> None:
        self._queue.put((digest, data))

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            item[0].update(item[1])

    def close(self) -> None:
        """Wait until everything asked is hashed (harmless twice)."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()


class _Source:
    """What pycdlib copies from: opened only while copied (a disc of thousands of files holds
    one open file at a time), hashing exactly the bytes handed over."""

    mode = "rb"  # pycdlib checks for a binary file

    def __init__(self, item: DiscFile, hasher: _Hasher) -> None:
        self._item, self.size, self._hasher = item, item.size, hasher
        self._file: IO[bytes] | None = None
        self.hash = hashlib.sha256()
        self.copied = 0

    def seek(self, offset: int, whence: int = 0) -> int:
        # pycdlib seeks to the start of a source before it copies it, and nowhere else.
        if (offset, whence) != (0, 0):
            raise io.UnsupportedOperation("sources are read from the start")
        self.close()
        self._file = self._item.open()
        self.hash, self.copied = hashlib.sha256(), 0
        return 0

    def tell(self) -> int:
        return self.copied

    def read(self, size: int = -1) -> bytes:
        assert self._file is not None
        chunk = self._file.read(size)
        self._hasher.update(self.hash, chunk)
        self.copied += len(chunk)
        if self.copied >= self.size or not chunk:
            self.close()
        return chunk

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class _ImageHash:
    """The image's SHA-256, taken while pycdlib writes it. File data (the region between
    `data_start` and `data_end`) arrives in order; metadata written elsewhere is held until the
    hash reaches it, and holes count as zeros. A write behind what was hashed makes the hash
    unusable (`ok` False): the caller reads the image back instead of trusting it."""

    mode = "wb"
    _ZEROS = bytes(BLOCK)

    def __init__(self, raw: IO[bytes], data_start: int, data_end: int, hasher: _Hasher) -> None:
        self._raw, self._start, self._end, self._hasher = raw, data_start, data_end, hasher
        self._hash = hashlib.sha256()
        self._done = 0
        self._pending: list[tuple[int, bytes]] = []
        self.ok = True

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def flush(self) -> None:
        self._raw.flush()

    def _zeros(self, count: int) -> None:
        while count > 0:
            step = min(count, BLOCK)
            self._hasher.update(self._hash, self._ZEROS[:step])
            count -= step

    def _advance(self, target: int) -> None:
        self._pending.sort(key=lambda item: item[0])
        later = []
        for offset, data in self._pending:
            if offset >= target:
                later.append((offset, data))
            elif offset < self._done or offset + len(data) > target:
                self.ok = False
                return
            else:
                self._zeros(offset - self._done)
                self._hasher.update(self._hash, data)
                self._done = offset + len(data)
        self._pending = later
        self._zeros(target - self._done)
        self._done = target

    def write(self, data: bytes) -> int:
        offset = self._raw.tell()
        written = self._raw.write(data)
        if not self.ok:
            return written
        if offset < self._done:
            self.ok = False
        elif self._start <= offset < self._end:
            self._advance(offset)
            self._hasher.update(self._hash, bytes(data))
            self._done = offset + written
        else:
            self._pending.append((offset, bytes(data)))
        return written

    def finish(self) -> None:
        """Hash what is left up to the end of the image."""
        if self.ok:
            self._advance(self._raw.seek(0, os.SEEK_END))

    def digest(self) -> str | None:
        """The image's SHA-256 (once the hasher is closed), None if it could not follow."""
        return self._hash.hexdigest() if self.ok else None


class _Layout:
    """The image's three trees, folder by folder."""

    def __init__(self, iso: Any) -> None:
        self.iso = iso
        self.folders: dict[str, tuple[str, str]] = {"": ("", "")}  # path → (ISO 9660, Joliet/UDF)
        self.used: dict[str, set[str]] = {"": set()}

    def folder(self, path: str) -> tuple[str, str]:
        if path not in self.folders:
            parent, _, leaf = path.rpartition("/")
            iso_parent, real_parent = self.folder(parent)
            iso_path = f"{iso_parent}/{iso9660_name(leaf, True, self.used[parent])}"
            real = f"{real_parent}/{check_name(leaf)}"
            self.iso.add_directory(iso_path, joliet_path=real, udf_path=real)
            self.folders[path], self.used[path] = (iso_path, real), set()
        return self.folders[path]

    def add(self, item: DiscFile, source: _Source) -> str:
        parent, _, leaf = item.path.rpartition("/")
        iso_parent, real_parent = self.folder(parent)
        real = f"{real_parent}/{check_name(leaf)}"
        iso_path = f"{iso_parent}/{iso9660_name(leaf, False, self.used[parent])}"
        self.iso.add_fp(source, source.size, iso_path=iso_path, joliet_path=real, udf_path=real)
        return real


def build_image(
    files: list[DiscFile],
    out: Path,
    volume: str,
    progress: Callable[[int, int], None] | None = None,
) -> Image:
    """Write the disc image of `files` to `out` (made anew, fsync'd). SourceChanged if any
    file's copied bytes are not the bytes its `sha256` names: such an image is removed."""
    iso = pycdlib.PyCdlib()
    iso.new(interchange_level=3, joliet=3, udf="2.60", vol_ident=_d_characters(volume)[:16])
    layout = _Layout(iso)
    hasher, image_hasher = _Hasher(), _Hasher()  # the two streams on two cores
    sources = [(item, _Source(item, hasher)) for item in files]
    try:
        paths = [layout.add(item, source) for item, source in sources]
        start, end = _data_region(
            iso, [p for p, (_, s) in zip(paths, sources, strict=True) if s.size]
        )
        # pycdlib writes file data in the order files were added; on disc order, the image
        # hash can follow the writes (an internal list, hence pycdlib pinned).
        iso.inodes.sort(key=lambda node: node.extent_location() if node.get_data_length() else -1)
        with out.open("wb") as raw:
            hashing = _ImageHash(raw, start, end, image_hasher)
            iso.write_fp(
                cast(BinaryIO, hashing), blocksize=BLOCK, progress_cb=_two_argument(progress)
            )
            hashing.finish()
            size = raw.seek(0, os.SEEK_END)
            raw.flush()
            os.fsync(raw.fileno())
        iso.close()
        hasher.close()
        image_hasher.close()
        for item, source in sources:
            if source.copied != source.size or (
                item.sha256 and source.hash.hexdigest() != item.sha256
            ):
                raise SourceChanged(item.path)
    except BaseException:
        hasher.close()
        image_hasher.close()
        for _, source in sources:
            source.close()
        out.unlink(missing_ok=True)
        raise
    return Image(sha256=hashing.digest() or file_sha256(out), size=size)


def _data_region(iso: Any, paths: list[str]) -> tuple[int, int]:
    iso.force_consistency()
    extents = [e for path in paths for e in iso.get_file_byte_extents(udf_path=path)]
    start = min((offset for offset, _ in extents), default=0)
    end = max((offset + length for offset, length in extents), default=0)
    return start, -(-end // SECTOR) * SECTOR


def _two_argument(progress: Callable[[int, int], None] | None) -> Callable | None:
    if progress is None:
        return None
    return lambda done, total: progress(done, total)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(BLOCK):
            digest.update(chunk)
    return digest.hexdigest()


# --- reading a disc back --------------------------------------------------------------------


class _Sink:
    def __init__(self, keep: int) -> None:
        self.hash, self.kept, self._keep = hashlib.sha256(), bytearray(), keep

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        if len(self.kept) < self._keep:
            self.kept += data[: self._keep - len(self.kept)]
        return len(data)


class Disc:
    """A disc to check: an image file or a folder (a mounted or extracted disc). `files()`
    lists every file by its path on the disc; `sha256()` and `read()` stream it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._iso: Any = None
        self._handle: IO[bytes] | None = None
        if path.is_file():
            self._handle = path.open("rb")
            self._iso = pycdlib.PyCdlib()
            self._iso.open_fp(self._handle)

    def __enter__(self) -> "Disc":
        return self

    def __exit__(self, *exc: object) -> None:
        if self._iso is not None:
            self._iso.close()
        if self._handle is not None:
            self._handle.close()

    def files(self) -> list[str]:
        if self._iso is None:
            return sorted(
                p.relative_to(self.path).as_posix() for p in self.path.rglob("*") if p.is_file()
            )
        return sorted(self._walk("/"))

    def _walk(self, folder: str) -> Iterator[str]:
        # UDF names are read raw (latin-1 or UTF-16BE per entry): pycdlib's own path helper
        # decodes a parent with its child's encoding.
        for child in self._iso.list_children(udf_path=folder):
            if child is None or child.file_ident is None:
                continue
            name = child.file_identifier().decode(child.file_ident.encoding)
            path = f"{folder.rstrip('/')}/{name}"
            if child.is_dir():
                yield from self._walk(path)
            else:
                yield path.lstrip("/")

    def _sink(self, name: str, keep: int) -> _Sink:
        sink = _Sink(keep)
        if self._iso is not None:
            self._iso.get_file_from_iso_fp(sink, blocksize=BLOCK, udf_path=f"/{name}")
        else:
            with (self.path / name).open("rb") as handle:
                while chunk := handle.read(BLOCK):
                    sink.write(chunk)
        return sink

    def sha256(self, name: str) -> str:
        return self._sink(name, 0).hash.hexdigest()

    def read(self, name: str, limit: int = 1 << 20) -> bytes:
        """A small file's bytes (at most `limit`)."""
        return bytes(self._sink(name, limit).kept)
