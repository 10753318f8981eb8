"""The data folder is the service's alone: the database, keys, uploads and blobs are readable
by the service's user only (folders 0700, files 0600, originals 0400). Everything the system
creates is made so (the process runs with umask 077); start-up refuses a folder or secret that
others could read, and says how to fix it."""

import os
import stat
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

PRIVATE_UMASK = 0o077


def exposed(path: Path) -> int | None:
    """The permission bits of `path` if group or others may use it; None if private or absent."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return None
    return mode if mode & 0o077 else None


def make_private(folder: Path) -> None:
    """Create `folder` (and its parents) for the service's user only; files created by this
    process from now on are private too."""
    os.umask(PRIVATE_UMASK)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)


def refuse_exposed(paths: list[Path]) -> None:
    """Stop start-up if any of `paths` is open to group or others."""
    problems = [(path, mode) for path in paths if (mode := exposed(path)) is not None]
    if not problems:
        return
    lines = [f"  {path}  {mode:04o}" for path, mode in problems]
    fixes = " ; ".join(
        f"chmod {'700' if path.is_dir() else '600'} {path}" for path, _mode in problems
    )
    raise ImproperlyConfigured(
        "数据目录中的文件其他用户可以读取，系统拒绝启动。请执行：" + fixes + "\n"
        "Files of the data folder are readable by other users; the system will not start. "
        "Run: " + fixes + "\n" + "\n".join(lines)
    )
