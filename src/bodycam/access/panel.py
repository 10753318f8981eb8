"""What a recording's page shows about viewing it: the way to ask, or the grant in force with a
thumbnail and the player; its secrecy level and, for those who may, how to change it."""

from typing import Any

from bodycam.access.content import content_url
from bodycam.access.levels import PROTECTED, SecrecyLevel
from bodycam.access.models import SecrecyChangeState, may_approve
from bodycam.access.requests import active_grant
from bodycam.accounts.models import User
from bodycam.recordings.models import DerivedKind, Recording


def viewing_panel(user: User, recording: Recording) -> dict[str, Any]:
    grant = active_grant(user, recording)
    thumbnail = ""
    glances = recording.secrecy < PROTECTED
    if grant and glances and recording.derived.filter(kind=DerivedKind.THUMBNAIL).exists():
        thumbnail = content_url(user, grant, recording, "thumbnail")
    pending = recording.secrecy_changes.filter(state=SecrecyChangeState.PENDING).first()
    may_decide_lowering = bool(
        pending
        and user.pk not in (pending.proposed_by_id, pending.head_approved_by_id,
                            pending.secrecy_approved_by_id)
        and (may_approve(user) or user.has_perm("access.approve_secrecy"))
    )  # fmt: skip
    return {
        "grant": grant,
        "thumbnail_url": thumbnail,
        "may_change_secrecy": user.has_perm("recordings.change_secrecy"),
        "secrecy_levels": SecrecyLevel.choices,
        "pending_lowering": pending,
        "may_decide_lowering": may_decide_lowering,
    }
