"""Copies provided outside the bureau (R-18): when a request for provision outside is
registered, a job per recording re-encodes the playable copy (or the original, if it has none)
with the viewer's watermark burned into the picture. The original never leaves this way."""

import tempfile
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from bodycam.access.models import CopyState, ProvidedCopy, ViewingRequest
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action
from bodycam.lib import wallclock
from bodycam.lib.errors import msgid
from bodycam.lib.fonts import NO_FONT, NoChineseFont, chinese_font_path
from bodycam.recordings import proxies
from bodycam.recordings.models import DerivedKind, Kind
from bodycam.recordings.processing import local_blob
from bodycam.recordings.storage import blob_store, copy_in


def stamp_text(grant: ViewingRequest) -> str:
    """What the copy's picture says: for whom, under which register entry, when."""
    who = " ".join(filter(None, [grant.viewer_unit, grant.viewer_name]))
    day = wallclock.local(grant.registered_at).strftime("%Y-%m-%d")
    return f"仅供 {who} 使用 · 登记号 {grant.number} · {day}"


def queue_copies(grant: ViewingRequest) -> list[ProvidedCopy]:
    """In the registration's transaction: one copy (and its job) per recording of the grant."""
    from bodycam.access.tasks import make_provided_copy

    made = []
    for recording in grant.recordings.filter(kind=Kind.VIDEO):
        copy = ProvidedCopy.objects.create(grant=grant, recording=recording,
                                           stamp=stamp_text(grant))  # fmt: skip
        make_provided_copy.enqueue(copy.pk)
        made.append(copy)
    return made


def make_copy(copy: ProvidedCopy) -> ProvidedCopy:
    """Burn the watermark into a new copy and store it; a file that cannot be decoded leaves
    the copy "failed" with the reason, to be seen on the request's page."""
    if copy.state == CopyState.MADE:
        return copy
    recording = copy.recording
    proxy = recording.derived.filter(kind=DerivedKind.PROXY).first()
    source = (proxy.sha256, "proxy.mp4") if proxy else (recording.sha256, recording.original_name)
    with tempfile.TemporaryDirectory(prefix="bodycam-copy-") as work:
        output = Path(work) / "copy.mp4"
        try:
            stamp = proxies.Stamp(copy.stamp, chinese_font_path())
            with local_blob(*source) as readable:
                proxies.watermarked(readable, output, stamp)
        except proxies.ProxyError as unreadable:
            return _failed(copy, unreadable.reason)
        except NoChineseFont:
            return _failed(copy, msgid(NO_FONT))
        staging, sha256, size = copy_in(blob_store(), output, output.stat().st_size)
        staging.commit(sha256, None)
    with transaction.atomic():
        copy = ProvidedCopy.objects.select_for_update().get(pk=copy.pk)
        copy.state, copy.sha256, copy.size, copy.made_at = (
            CopyState.MADE,
            sha256,
            size,
            timezone.now(),
        )
        copy.save()
        record(Action.EXPORT, recording, None, what="provided_copy", grant=copy.grant_id,
               copy=copy.pk, sha256=sha256, size=size, stamp=copy.stamp)  # fmt: skip
    return copy


def _failed(copy: ProvidedCopy, reason: str) -> ProvidedCopy:
    copy.state, copy.problem = CopyState.FAILED, reason or gettext_noop("无法解码，未能制作副本")
    copy.save(update_fields=["state", "problem"])
    return copy
