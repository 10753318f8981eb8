"""Fixity: stored originals re-hashed and compared with their recorded SHA-256. A missing,
changed or unreadable blob is an integrity incident reported for that recording, and the run
goes on; a blob with no row (a crash's leftover) is reported too. Nothing is ever deleted or
"repaired".

Re-hashing everything every day cannot hold at a city's 10 TB a day, so each periodic run is
incremental: originals never verified first (new ones within a day), then the least recently
verified, up to a byte budget (BODYCAM_FIXITY_BYTES_PER_RUN), so that every original comes
round within the cycle (BODYCAM_FIXITY_CYCLE_DAYS). `bodycam verify --all` checks everything.
"""

import logging
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bodycam.lib.errors import bilingual
from bodycam.lib.hashing import sha256_of
from bodycam.recordings.models import DerivedCopy, Recording
from bodycam.recordings.storage import blob_store

log = logging.getLogger(__name__)
ORPHAN_GRACE = 3600  # seconds: a blob this fresh may still be waiting for its row
SHARDS = "0123456789abcdef"  # one periodic run looks for orphans under one of these


def _due(all_of_them: bool) -> Iterator[tuple[int, str, int]]:
    """(id, sha256, size) of the originals to check now, never-verified first."""
    rows = Recording.objects.filter(disposed_at__isnull=True).values_list("pk", "sha256", "size")
    budget = None if all_of_them else settings.FIXITY_BYTES_PER_RUN
    taken = 0
    started = timezone.now()  # what this run verifies is not due again within it
    never = rows.filter(verified_at__isnull=True).order_by("pk")
    oldest = rows.filter(verified_at__lt=started).order_by("verified_at", "pk")
    for part in (never, oldest):
        for row in part.iterator(chunk_size=2000):
            if budget is not None and taken and taken + row[2] > budget:
                return
            taken += row[2]
            yield row


def _problem(store, recording_id: int, sha256: str, size: int) -> str:
    """What is wrong with one original ("" when it is intact)."""
    try:
        with store.open(sha256) as blob:
            digest, actual = sha256_of(blob)
    except FileNotFoundError:
        return "missing"
    except Exception as error:  # permission, an S3 error, an I/O error: reported, not fatal
        log.warning("fixity: original of recording %s unreadable: %r", recording_id, error)
        return f"unreadable: {type(error).__name__}"
    if (digest, actual) != (sha256, size):
        return f"changed: sha256 {digest}, {actual} bytes"
    return ""


def check_blobs(all_of_them: bool = False) -> dict:
    """{"ok", "checked", "bytes", "problems", "scope"} for the originals due (or all)."""
    store = blob_store()
    problems: list[str] = []
    checked = read = 0
    for recording_id, sha256, size in _due(all_of_them):
        problem = _problem(store, recording_id, sha256, size)
        Recording.objects.filter(pk=recording_id).update(
            verified_at=timezone.now(), fixity_problem=problem[:300]
        )
        checked, read = checked + 1, read + size
        if problem:
            problems.append(describe(recording_id, problem))
    orphans = find_orphans(store, "" if all_of_them else _shard())
    problems += [bilingual(_("无记录的存储对象 %(key)s"), key=key) for key in orphans]
    scope = "all" if all_of_them else "incremental"
    return {"ok": not problems, "checked": checked, "bytes": read, "problems": problems,
            "orphans": len(orphans), "scope": scope}  # fmt: skip


def describe(recording_id: int, problem: str) -> str:
    """A problem found, for the report and the ledger (Chinese and English)."""
    if problem == "missing":
        return bilingual(_("记录 %(id)s 的原始文件缺失"), id=recording_id)
    detail = problem.split(": ", 1)[1]  # the error, or what the blob now hashes to
    if problem.startswith("unreadable"):
        return bilingual(_("记录 %(id)s 的原始文件无法读取"), id=recording_id) + f" ({detail})"
    return bilingual(_("记录 %(id)s 的原始文件已被改动"), id=recording_id) + f" ({detail})"


def _shard() -> str:
    return SHARDS[timezone.now().toordinal() % len(SHARDS)]


def find_orphans(store, prefix: str) -> list[str]:
    """Keys under `prefix` that no recording or derived copy holds (older than an hour)."""
    orphans = []
    for key in store.keys(prefix):
        if Recording.objects.filter(sha256=key).exists():
            continue
        if DerivedCopy.objects.filter(sha256=key).exists():
            continue
        try:
            if store.age_seconds(key) < ORPHAN_GRACE:
                continue
        except FileNotFoundError:
            continue
        orphans.append(key)
    return orphans


def progress() -> dict:
    """How far the current cycle has come, for the ledger page."""
    cycle = timedelta(days=settings.FIXITY_CYCLE_DAYS)
    recordings = Recording.objects.filter(disposed_at__isnull=True)  # disposed ones hold no bytes
    total = recordings.count()
    recent = recordings.filter(verified_at__gte=timezone.now() - cycle)
    stored = recordings.aggregate(bytes=Sum("size"))["bytes"] or 0
    per_day = settings.FIXITY_BYTES_PER_RUN * (86400 / settings.FIXITY_INTERVAL)
    oldest = recordings.order_by("verified_at").values_list("verified_at", flat=True).first()
    return {
        "total": total,
        "within_cycle": recent.count(),
        "never": recordings.filter(verified_at__isnull=True).count(),
        "problems": recordings.filter(~Q(fixity_problem="")).count(),
        "oldest": oldest,
        "cycle_days": settings.FIXITY_CYCLE_DAYS,
        "days_per_round": round(stored / per_day, 1) if per_day else None,
    }
