"""Playback sessions: each start and each end is a `view` entry in the custody ledger (who,
under which grant, from when to when), whatever the player does in between."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bodycam.access.models import Playback, ViewingRequest
from bodycam.accounts.models import User
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action
from bodycam.lib.errors import Refused
from bodycam.recordings.models import Recording


@transaction.atomic
def start_playback(viewer: User, grant: ViewingRequest, recording: Recording) -> Playback:
    playback = Playback.objects.create(
        grant=grant, viewer=viewer, recording=recording, started_at=timezone.now()
    )
    record(Action.VIEW, recording, viewer, event="started", grant=grant.pk,
           register_number=grant.number, playback=playback.pk,
           started=playback.started_at.isoformat())  # fmt: skip
    return playback


@transaction.atomic
def end_playback(playback: Playback, viewer: User) -> Playback:
    """Close the session (the page says so as it is left); a second call changes nothing."""
    found = Playback.objects.select_for_update().filter(pk=playback.pk).first()
    if found is None or found.viewer_id != viewer.pk:
        raise Refused(_("这不是您的播放记录。"), code="not_found", http_status=404)
    playback = found
    if playback.ended_at is not None:
        return playback
    playback.ended_at = timezone.now()
    playback.save(update_fields=["ended_at"])
    record(
        Action.VIEW, playback.recording, viewer, event="ended", grant=playback.grant_id,
        register_number=playback.grant.number, playback=playback.pk,
        started=playback.started_at.isoformat(), ended=playback.ended_at.isoformat(),
    )  # fmt: skip
    return playback
