"""Evidence extraction (证据提取, R-15): originals copied from central storage onto a disc for a
case file, with the written description (文字说明材料) naming the maker, the extractor and the
time. Like every read of content it rests on an approval (hard rule 2): a registered grant of the
maker's, with download rights, covering every recording; R-18 lets originals leave as evidence.

`extract` records the extraction, marks the recordings as the case's evidence (so they are kept
as long as the case file, R-14) and queues the disc image (discs.py) in the same transaction.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bodycam.access.levels import PROTECTED
from bodycam.access.models import ViewingRequest
from bodycam.accounts.models import User
from bodycam.activities.vocabulary import ActivityType, ContentTag
from bodycam.evidence import cases
from bodycam.evidence.models import (
    Case,
    EvidenceUse,
    ExtractedFile,
    Extraction,
    ExtractionEvent,
)
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action
from bodycam.lib import disc, wallclock
from bodycam.lib.errors import Refused
from bodycam.lib.numbering import next_number
from bodycam.recordings.models import Recording

MAX_RECORDINGS = 200
MAX_COPIES = 10
# A recording standing in for a written record of questioning, inspection or a coercive
# measure needs its key content and time segments described (刑诉法解释 §108–115).
RECORD_ACTIVITIES = frozenset({ActivityType.INVESTIGATION, ActivityType.COERCIVE_MEASURE})
RECORD_TAGS = frozenset({ContentTag.QUESTIONING, ContentTag.INSPECTION})
_SEGMENT = re.compile(
    r"^\s*(\d{1,2}):(\d{2}):(\d{2})\s*[-–—至]\s*(\d{1,2}):(\d{2}):(\d{2})\s*(.*)$"
)

NO_REQUEST = _("没有登记号为 %(number)s 的查阅登记。")
NO_GRANT = _(
    "制作证据光盘须有经批准并已登记、包含下载权限、覆盖全部所选音像记录的调阅授权"
    "（诉讼、监督、案例分析调阅或对外提供，R-17、R-18）；请先提交调阅申请。"
)


@dataclass(frozen=True)
class KeyContent:
    """What the maker says a recording shows, each line optionally starting with its time span
    ("00:01:10-00:02:30 询问当事人")."""

    text: str = ""

    def segments(self) -> list[list]:
        found = []
        for line in self.text.splitlines():
            match = _SEGMENT.match(line)
            if match:
                h1, m1, s1, h2, m2, s2, what = match.groups()
                start = int(h1) * 3600 + int(m1) * 60 + int(s1)
                end = int(h2) * 3600 + int(m2) * 60 + int(s2)
                found.append([start, max(start, end), what.strip()])
        return found


def _may_extract(maker: User) -> None:
    if not maker.has_perm("evidence.extract_evidence"):
        raise Refused(
            _("只有综合科可以制作证据光盘（R-15）。"), code="not_permitted", http_status=403
        )


def authorising_grant(
    maker: User, recordings: list[Recording], grant: ViewingRequest | None = None
) -> ViewingRequest:
    """The maker's active grant with download rights that covers every recording (`grant` if
    given); Refused otherwise. Recordings above the ordinary secrecy level never go on a disc
    this way (R-19)."""
    if any(recording.secrecy >= PROTECTED for recording in recordings):
        raise Refused(
            _("涉密或涉及个人隐私的音像记录不能在本系统制作证据光盘，须按保密规定办理（R-19）。"),
            code="secret",
        )
    ids = {recording.pk for recording in recordings}
    grants = ViewingRequest.objects.active().filter(requester=maker, download=True)
    if grant is not None:
        grants = grants.filter(pk=grant.pk)
    covering = (
        grants.annotate(covered=Count("recordings", filter=Q(recordings__in=ids)))
        .filter(covered=len(ids))
        .order_by("-ends_at")
        .first()
    )
    if covering is None:
        raise Refused(NO_GRANT, code="access_denied", http_status=403)
    return covering


def grant_numbered(number: str | None) -> ViewingRequest | None:
    """The register entry named on the command line or in a request (None if none named)."""
    if not number:
        return None
    found = ViewingRequest.objects.filter(number=number).first()
    if found is None:
        raise Refused(NO_REQUEST, code="no_request", number=number)
    return found


def needs_key_content(recording: Recording) -> bool:
    """Whether the recording stands in for a written record (its activity or its marks say so)."""
    activity = recording.activity
    if activity is not None and activity.type in RECORD_ACTIVITIES:
        return True
    return recording.marks.filter(tag__in=RECORD_TAGS).exists()


def _check(
    case: Case, recordings: list[Recording], extractor: User, purpose: str, copies: int,
    key_content: dict[int, KeyContent],
) -> None:  # fmt: skip
    if not recordings:
        raise Refused(_("请选择要刻入光盘的音像记录。"), code="recordings_required")
    if len(recordings) > MAX_RECORDINGS:
        raise Refused(
            _("一张证据光盘最多 %(most)s 条音像记录。"), code="too_many", most=MAX_RECORDINGS
        )
    if not (purpose or "").strip():
        raise Refused(_("请写明证明对象（提取的音像记录用于证明什么）。"), code="purpose_required")
    if not 1 <= copies <= MAX_COPIES:
        raise Refused(_("制作份数应为 1 至 %(most)s。"), code="invalid_copies", most=MAX_COPIES)
    if not extractor.is_active:
        raise Refused(_("提取人的账户已停用。"), code="extractor_inactive")
    disposed = [str(r.pk) for r in recordings if r.disposed_at is not None]
    if disposed:
        raise Refused(
            _("音像记录 %(ids)s 已销毁，不能提取。"), code="disposed", ids="、".join(disposed)
        )
    missing = [
        str(r.pk)
        for r in recordings
        if needs_key_content(r) and not key_content.get(r.pk, KeyContent()).text.strip()
    ]
    if missing:
        raise Refused(
            _(
                "音像记录 %(ids)s 用于代替询问、检查或强制措施的文字记录，须写明关键内容和相应"
                "时间段（如“00:01:10-00:02:30 询问当事人”）。"
            ),
            code="key_content_required",
            ids="、".join(missing),
        )


def disc_names(recordings: list[Recording]) -> dict[int, str]:
    """Each recording's readable name on the disc, `<Beijing time>_<officer>_<device>.<ext>`,
    unique on the disc and within a disc name's 64 bytes."""
    names: dict[int, str] = {}
    taken: set[str] = set()
    for recording in recordings:
        moment = recording.recorded_at or recording.ingested_at
        when = wallclock.local(moment).strftime("%Y%m%d_%H%M%S")
        officer = recording.officer.full_name if recording.officer else "未知人员"
        device = recording.device.serial if recording.device else "未知设备"
        ext = (
            recording.original_name.rpartition(".")[2].lower()
            if "." in recording.original_name
            else "bin"
        )
        ext = re.sub(r"[^a-z0-9]", "", ext)[:6] or "bin"
        stem, number = f"{when}_{officer}_{device}", 1
        name = disc.fit_name(stem, f".{ext}")
        while name.casefold() in taken:
            number += 1
            name = disc.fit_name(stem, f"_{number}.{ext}")
        taken.add(name.casefold())
        names[recording.pk] = name
    return names


def extract(
    case: Case,
    recordings: list[Recording],
    maker: User,
    extractor: User,
    purpose: str,
    *,
    recipient: str = "",
    copies: int = 1,
    key_content: dict[int, KeyContent] | None = None,
    grant: ViewingRequest | None = None,
    queue: bool = True,
) -> Extraction:
    """Record an extraction of `recordings` for `case` made by `maker` and taken by
    `extractor`; with `queue`, the disc image is made by a job (the command line makes it
    itself). Refused, with nothing written, when a rule says no."""
    _may_extract(maker)
    key_content = key_content or {}
    for attempt in range(3):  # two makers at the same moment: the second takes the next number
        try:
            return _extract(
                case, recordings, maker, extractor, purpose.strip(), recipient.strip(), copies,
                key_content, grant, queue,
            )  # fmt: skip
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def _extract(
    case: Case, recordings: list[Recording], maker: User, extractor: User, purpose: str,
    recipient: str, copies: int, key_content: dict[int, KeyContent],
    grant: ViewingRequest | None, queue: bool,
) -> Extraction:  # fmt: skip
    recordings = list(
        Recording.objects.select_related("officer", "device", "activity").filter(
            pk__in=[r.pk for r in recordings]
        )
    )
    _check(case, recordings, extractor, purpose, copies, key_content)
    covering = authorising_grant(maker, recordings, grant)
    marked = set(EvidenceUse.objects.filter(case=case).values_list("recording_id", flat=True))
    unmarked = [r for r in recordings if r.pk not in marked]
    if unmarked:  # extracted for the case: its evidence, kept as long as the case file
        cases.mark_evidence(case, unmarked, maker, purpose)
    now = timezone.now()
    with transaction.atomic():
        extraction = Extraction.objects.create(
            number=next_number(Extraction.objects, wallclock.local(now).year, 4),
            case=case, grant=covering, maker=maker, extractor=extractor, extracted_at=now,
            purpose=purpose, recipient=recipient, place=settings.EVIDENCE_PLACE,
            method=str(METHOD), original_location=str(ORIGINAL_LOCATION),
            why_not_original=str(WHY_NOT_ORIGINAL), copies=copies,
        )  # fmt: skip
    names = disc_names(recordings)
    for recording in recordings:
        content = key_content.get(recording.pk, KeyContent())
        ExtractedFile.objects.create(
            extraction=extraction, recording=recording, name=names[recording.pk],
            key_content=content.text.strip(), segments=content.segments(),
        )  # fmt: skip
        record(
            Action.EXPORT, recording, maker, event=ExtractionEvent.EXTRACTED,
            extraction=extraction.number, case=case.number, grant=covering.number,
        )  # fmt: skip
    record(
        Action.EXPORT, extraction, maker, event=ExtractionEvent.EXTRACTED, case=case.number,
        grant=covering.number, extractor=extractor.username, purpose=purpose,
        recordings=[r.pk for r in recordings], copies=copies,
    )  # fmt: skip
    if queue:
        from bodycam.evidence.tasks import make_disc

        make_disc.enqueue(extraction.pk)
    return extraction


METHOD = _(
    "从本局执法音像记录管理系统的集中存储中按原文件逐字节复制，核对每个文件的 SHA-256 与入库时"
    "记录的值一致后刻录为只读光盘；未对任何内容进行剪接、删改。"
)
ORIGINAL_LOCATION = _("原始文件保存于本局执法音像记录管理系统的集中存储（只读、不可删改）。")
WHY_NOT_ORIGINAL = _(
    "原始文件存放于集中存储系统中，须按规定长期保存，原始存储介质无法随案移交，故提供完整复制件。"
)


def record_download(extraction: Extraction, user: User) -> None:
    """A download of the disc image: by the maker or the extractor while the grant lasts;
    a ledger entry with the image's hash."""
    if user.pk not in (extraction.maker_id, extraction.extractor_id):
        raise Refused(
            _("只有该光盘的制作人或提取人可以下载光盘镜像。"), code="not_permitted", http_status=403
        )
    if not extraction.grant.is_active:
        raise Refused(
            _("光盘所依据的调阅授权已到期或被撤销，不能再下载。"), code="access_denied",
            http_status=403,
        )  # fmt: skip
    record(
        Action.DOWNLOAD, extraction, user, event=ExtractionEvent.IMAGE_DOWNLOADED,
        image_sha256=extraction.image_sha256,
    )  # fmt: skip
