"""Fixity: every stored original re-hashed and compared with its recorded SHA-256. A missing
or changed blob is an integrity incident to report; nothing is ever deleted or "repaired"."""

from bodycam.lib.hashing import sha256_of
from bodycam.recordings.models import Recording
from bodycam.recordings.storage import blob_store


def check_blobs() -> dict:
    """{"ok", "checked", "problems"} over every recording's original."""
    store = blob_store()
    problems: list[str] = []
    checked = 0
    for recording_id, sha256, size in Recording.objects.values_list(
        "pk", "sha256", "size"
    ).iterator():
        checked += 1
        try:
            with store.open(sha256) as blob:
                digest, actual = sha256_of(blob)
        except FileNotFoundError:
            problems.append(
                f"记录 {recording_id} 的原始文件缺失 / original {recording_id} is missing"
            )
            continue
        if (digest, actual) != (sha256, size):
            problems.append(
                f"记录 {recording_id} 的原始文件已被改动 / original of recording {recording_id} "
                f"changed: sha256 {digest}, {actual} bytes"
            )
    return {"ok": not problems, "checked": checked, "problems": problems}
