"""What ledger entries are about: each kind of subject, its name as people read it, the page of
one subject, the events its app records, and who may read its custody history.

One rule for every page, the API and the command line: whoever may see an object's facts sees
its custody history; the head and auditors see every entry; everyone sees their own actions
and the entries about their own account.
"""

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from bodycam.lib.parsing import parse_id


@dataclass(frozen=True)
class SubjectKind:
    """A kind of subject: its model ("app.Model"), the URL name of its page, the dotted path
    of the TextChoices naming its events (or several, tried in turn), the payload key holding
    the event, and event codes of older entries that now have another name."""

    model: str | None
    url_name: str | None = None
    events: str | tuple[str, ...] | None = None
    event_key: str = "event"
    label: Any = None
    renamed: dict[str, str] = field(default_factory=dict)

    def verbose_name(self) -> str:
        if self.label is not None:
            return str(self.label)
        assert self.model is not None, "a kind without a model is given a label"
        return str(apps.get_model(self.model)._meta.verbose_name)


KINDS: dict[str, SubjectKind] = {
    "device": SubjectKind("devices.Device", "device", "bodycam.devices.models.DeviceEvent"),
    "enforcementactivity": SubjectKind(
        "activities.EnforcementActivity",
        "activity",
        "bodycam.activities.models.ActivityEvent",
        renamed={"returned": "returned_to_base"},  # an activity's 返回单位, not a device's 归还
    ),
    "recording": SubjectKind(
        "recordings.Recording",
        "recording",
        (
            "bodycam.recordings.models.RecordingEvent",
            "bodycam.evidence.models.CaseEvent",
            "bodycam.evidence.models.ExtractionEvent",
            "bodycam.retention.models.RetentionEvent",
            "bodycam.supervision.models.CampaignEvent",
        ),
    ),
    "viewingrequest": SubjectKind(
        "access.ViewingRequest", "viewing-request", "bodycam.access.models.AccessEvent"
    ),
    "finding": SubjectKind(
        "compliance.Finding", "finding", "bodycam.compliance.models.FindingEvent"
    ),
    "case": SubjectKind("evidence.Case", "case", "bodycam.evidence.models.CaseEvent"),
    "extraction": SubjectKind(
        "evidence.Extraction", "extraction", "bodycam.evidence.models.ExtractionEvent"
    ),
    "disposalbatch": SubjectKind(
        "retention.DisposalBatch", "disposal-batch", "bodycam.retention.models.RetentionEvent"
    ),
    "campaign": SubjectKind(
        "supervision.Campaign", "campaign", "bodycam.supervision.models.CampaignEvent"
    ),
    "violationcase": SubjectKind(
        "accountability.ViolationCase", "violation", "bodycam.accountability.models.CaseEvent"
    ),
    "user": SubjectKind(
        "accounts.User", None, "bodycam.accounts.models.AccountChange", event_key="change"
    ),
    "file": SubjectKind(None, label=_("文件")),
}


def kind_choices() -> list[tuple[str, str]]:
    """(kind, name) of every kind, for a filter people choose from."""
    return [(kind, about.verbose_name()) for kind, about in KINDS.items()]


def kind_label(kind: str) -> str:
    """The name of a subject kind as people read it ("执法记录仪"); "" for none."""
    about = KINDS.get(kind)
    return about.verbose_name() if about else kind


def event_label(entry: Any) -> str:
    """What happened, readable: "发放" rather than "issued"; the action's name when the
    entry names no event."""
    about = KINDS.get(entry.subject_kind)
    if about is None or about.events is None:
        return str(entry.get_action_display())
    code = entry.payload.get(about.event_key, "")
    code = about.renamed.get(code, code)
    for path in (about.events,) if isinstance(about.events, str) else about.events:
        events = import_string(path)
        if code in events.values:
            return str(events(code).label)
    return str(entry.get_action_display())


def subject_url(entry: Any) -> str | None:
    """The page of the entry's subject, if it has one."""
    about = KINDS.get(entry.subject_kind)
    number = parse_id(entry.subject_id)
    if about is None or about.url_name is None or number is None:
        return None
    return reverse(about.url_name, args=[number])


def visible_to(user: Any) -> Q:
    """The entries `user` may read (without the view-all permission)."""
    allowed = Q(actor_id=user.pk) | Q(subject_kind="user", subject_id=str(user.pk))
    for kind, about in KINDS.items():
        if about.model is None:
            continue
        rows = apps.get_model(about.model).objects.restrict(user, "view")
        if rows.query.is_empty():
            continue
        if not rows.query.where:  # every row of this kind: no need to list them
            allowed |= Q(subject_kind=kind)
            continue
        keys = rows.annotate(subject_key=Cast("pk", CharField())).values("subject_key")
        allowed |= Q(subject_kind=kind, subject_id__in=keys)
    return allowed
