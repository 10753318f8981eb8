"""Secrets that an installation creates for itself on first start, kept in the data folder."""

import contextlib
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def write_private(path: Path, data: bytes) -> None:
    """Create `path` with mode 0600 and `data`, failing if it already exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def persistent_secret(path: Path) -> str:
    """The secret stored at `path`, generated there (mode 0600) on first use."""
    try:
        if not path.exists():
            # Another process may create it first: then we read theirs.
            with contextlib.suppress(FileExistsError):
                write_private(path, secrets.token_urlsafe(50).encode())
        return path.read_text(encoding="ascii").strip()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"无法读写数据目录中的密钥文件 {path}：{exc.strerror}。"
            f" / Cannot read or create the key file {path}: {exc.strerror}."
        ) from exc
