"""Marking what a recording shows (标注, R-10) while watching it: only under an active grant
(the mark is made looking at the content), each mark a ledger entry."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.models import User
from bodycam.activities.vocabulary import ContentTag
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action
from bodycam.lib.errors import Refused
from bodycam.recordings.models import ContentMark, Recording


def _within(recording: Recording, moment: int) -> bool:
    if recording.duration is None:
        return True
    return moment <= recording.duration.total_seconds() * 1000 + 1000


@transaction.atomic
def mark_content(
    recording: Recording,
    actor: User,
    tag: str,
    start_ms: int,
    end_ms: int | None = None,
    note: str = "",
) -> ContentMark:
    """Mark a moment (`end_ms` None) or a span of the recording with one of R-10's tags."""
    from bodycam.access.requests import grant_for

    grant = grant_for(actor, recording)
    if tag not in ContentTag.values:
        raise Refused(_("请从《办法》第十条的摄录要点中选择。"), code="invalid_tag")
    if start_ms < 0 or (end_ms is not None and end_ms < start_ms):
        raise Refused(_("终点不能早于起点。"), code="invalid_span")
    if not _within(recording, end_ms if end_ms is not None else start_ms):
        raise Refused(_("标注的时间超出了这条记录的时长。"), code="invalid_span")
    mark = ContentMark.objects.create(
        recording=recording, tag=tag, start_ms=start_ms, end_ms=end_ms, note=note.strip()[:500],
        marked_by=actor, marked_at=timezone.now(),
    )  # fmt: skip
    record(Action.TAG_CHANGE, recording, actor, event="marked", mark=mark.pk, tag=tag,
           start_ms=start_ms, end_ms=end_ms, note=mark.note, grant=grant.pk)  # fmt: skip
    if tag in settings.RETENTION_CLASSES:  # e.g. obstruction of enforcement: kept for ever
        from bodycam.retention import periods  # retention builds on recordings, not the reverse

        periods.refresh(recording, actor, reason=f"tag:{tag}")
    return mark
