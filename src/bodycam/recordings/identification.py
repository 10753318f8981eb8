"""The records office identifies what the files could not say (待核实, R-02, R-07): who made a
recording, with which recorder, and when it was truly recorded, with a reason. The raw values
read from the file stay beside them and the original is never touched; the link, the hand-over
deadline (R-13), the retention period and the rules follow the identified facts."""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.models import User
from bodycam.accounts.roles import Role
from bodycam.compliance import triggers
from bodycam.ledger.entries import format_time, record
from bodycam.ledger.models import Action
from bodycam.lib.errors import Refused
from bodycam.recordings import linking
from bodycam.recordings.models import Recording, RecordingEvent, TimeSource

FACTS = ("officer", "device", "recorded_at")
# A recorder's file cannot have been made after it was taken in; a little for clock rounding.
INGEST_TOLERANCE = timedelta(minutes=1)


def _check(recording: Recording, actor: User, reason: str, changes: dict[str, Any]) -> None:
    if not actor.has_perm("recordings.change_recording"):
        raise Refused(
            _("只有综合科可以核实音像记录的执法人员、记录仪和录制时间。"),
            code="not_permitted", http_status=403,
        )  # fmt: skip
    if recording.disposed_at is not None:
        raise Refused(_("该音像记录已销毁，不能再核实。"), code="disposed")
    if recording.mistaken_at is not None:
        raise Refused(_("该文件已确认为误传，无需核实。"), code="mistaken")
    if not changes:
        raise Refused(_("没有要更正的内容。"), code="nothing_changed")
    if not (reason or "").strip():
        raise Refused(_("核实须写明理由和依据。"), code="reason_required")
    officer = changes.get("officer")
    if officer is not None and not (officer.is_active and officer.has_role(Role.OFFICER)):
        raise Refused(
            _("%(name)s 不是执法人员。"), code="not_an_officer", name=officer.display_name
        )
    moment = changes.get("recorded_at")
    if moment is not None and (
        timezone.is_naive(moment) or moment > recording.ingested_at + INGEST_TOLERANCE
    ):
        raise Refused(
            _("录制时间不能晚于入库时间（%(ingested)s），请检查。"),
            code="recorded_after_ingest",
            ingested=timezone.localtime(recording.ingested_at).strftime("%Y-%m-%d %H:%M"),
        )


def _shown(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "officer":
        return value.username
    if name == "device":
        return value.serial
    return format_time(value)


@transaction.atomic
def identify_recording(recording: Recording, actor: User, reason: str, **facts: Any) -> Recording:
    """Set any of FACTS (None stays as it was): the ledger entry holds what it replaced."""
    recording = Recording.objects.select_for_update().get(pk=recording.pk)
    before = {name: getattr(recording, name) for name in FACTS}
    changes = {n: v for n, v in facts.items() if n in FACTS and v is not None and v != before[n]}
    _check(recording, actor, reason, changes)
    for name, value in changes.items():
        setattr(recording, name, value)
    if "recorded_at" in changes:
        recording.time_source, recording.clock_offset = TimeSource.CONFIRMED, None
    recording.needs_review = False
    # never the identity columns: the database refuses any write to sha256 and size
    recording.save(update_fields=[*changes, "time_source", "clock_offset", "needs_review"])
    record(
        Action.METADATA_CHANGE, recording, actor, event=RecordingEvent.IDENTIFIED,
        before={n: _shown(n, before[n]) for n in changes},
        after={n: _shown(n, v) for n, v in changes.items()}, reason=reason.strip(),
    )  # fmt: skip
    earlier = before["recorded_at"]
    later = earlier is None or (recording.recorded_at or earlier) > earlier
    _follow(recording, actor, "recorded_at" in changes and later)
    return recording


def _follow(recording: Recording, actor: User, later: bool) -> None:
    """The link (unless a person made it), deadline and rules, as now identified; retention
    only ever lengthens here (a mistaken identification must not open the way to disposal)."""
    earlier = recording.activity_id
    if recording.pk in linking.by_hand([recording]):
        linking.apply_deadline(recording)
    elif (fits := linking.matching_activity(recording)) != recording.activity:
        linking.apply_link(recording, fits, actor, how="after identification")
    else:
        linking.apply_deadline(recording)
    if later:
        from bodycam.retention import periods  # retention builds on recordings, not the reverse

        periods.refresh(recording, actor, reason="identified")
    triggers.recording_changed(recording.pk)
    for activity in {earlier, recording.activity_id}:
        triggers.activity_changed(activity)
