"""Spot-check campaigns (R-20), one function per step, each writing its ledger entry in the same
transaction as the change: propose (a supervisor), start or refuse (the bureau head), close (a
supervisor). Starting publishes the seed, freezes the candidates, draws the sample
(sampling.py), assigns each sampled recording to a reviewer outside the officer's unit, holds
the sample against disposal, and gives each reviewer the viewing grant for theirs: the head's
approval of the campaign is the approval R-16 asks for."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from bodycam.access.levels import LISTED_ONLY_WHEN_CLEARED
from bodycam.access.models import AccessEvent, RequestState
from bodycam.access.requests import supervision_grant
from bodycam.accounts.models import Unit, User
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action
from bodycam.lib import wallclock
from bodycam.lib.errors import Refused
from bodycam.lib.numbering import next_number
from bodycam.recordings.models import Recording
from bodycam.retention.holds import hold_many, release_many
from bodycam.retention.models import Hold, HoldKind
from bodycam.supervision import sampling
from bodycam.supervision.models import Campaign, CampaignEvent, CampaignState, Candidate

RULE = _(
    "抽样规则：抽查范围是抽查期间内（北京时间）录制、已核实执法人员、属于抽查单位（含下级单位）"
    "执法人员的音像记录（不含误传、已销毁和国家秘密级的记录），在抽查开始时固定。按执法人员分层；"
    "每层内按“随机种子:记录的 SHA-256”（UTF-8 文本，十六进制小写）的 SHA-256 值从小到大排序，"
    "取前 ⌈比例 × 该层记录数⌉ 条，不少于每人最少抽查数，不超过该层记录数。种子在抽查开始时由系统"
    "随机生成并公布，任何人都可以据此重新计算抽样结果。评查人员不评查本单位的记录。"
)
NOT_PERMITTED = _("只有督察人员可以提出和结束抽查。")
ONLY_HEAD = _("只有主要负责人可以批准抽查：批准即授权评查人员查看抽中的音像记录（R-16、R-20）。")


@dataclass(frozen=True)
class Plan:
    """What a campaign asks for, as typed on a page, in the API or on the command line."""

    title: str
    period_from: date
    period_to: date
    ratio: Any
    minimum: int
    reviewers: list[User]
    units: list[Unit]
    review_until: date | None = None


def _exact_ratio(value: Any) -> Decimal:
    try:
        ratio = Decimal(str(value).strip().rstrip("%")) / (100 if "%" in str(value) else 1)
    except (InvalidOperation, ValueError):
        ratio = Decimal(-1)
    if not ratio.is_finite() or not 0 < ratio <= 1 or ratio != ratio.quantize(Decimal("0.0001")):
        raise Refused(
            _("抽查比例应在 0.0001 至 1 之间（如 0.05 即 5%%），最多四位小数；收到“%(value)s”。"),
            code="invalid_ratio", value=value,
        )  # fmt: skip
    return ratio.quantize(Decimal("0.0001"))


def _check(plan: Plan) -> tuple[Decimal, date]:
    if not plan.title.strip():
        raise Refused(_("请填写抽查名称。"), code="title_required")
    today = wallclock.local_day()
    if plan.period_to < plan.period_from:
        raise Refused(_("抽查期间的结束日期不能早于开始日期。"), code="invalid_period")
    if plan.period_to >= today:
        raise Refused(
            _("抽查期间须已经结束（最晚到昨天），这样当天的记录都已入库（R-13）。"),
            code="invalid_period",
        )
    if not 0 <= plan.minimum <= 100:
        raise Refused(_("每人至少抽查的条数应为 0 至 100。"), code="invalid_minimum")
    until = plan.review_until or today + timedelta(days=settings.SUPERVISION_REVIEW_DAYS)
    latest = today + timedelta(days=settings.SUPERVISION_REVIEW_MAX_DAYS)
    if not today <= until <= latest:
        raise Refused(
            _("评查截止日期应在今天至 %(latest)s 之间。"), code="invalid_review_until",
            latest=latest.isoformat(),
        )  # fmt: skip
    if not plan.reviewers:
        raise Refused(_("请选择评查人员。"), code="reviewers_required")
    unable = [r.display_name for r in plan.reviewers
              if not r.is_active or not r.has_perm("supervision.add_review")]  # fmt: skip
    if unable:
        raise Refused(
            _("评查人员须是在职的督察人员：%(names)s 不是。"), code="invalid_reviewer",
            names="、".join(unable),
        )  # fmt: skip
    return _exact_ratio(plan.ratio), until


@transaction.atomic
def propose_campaign(plan: Plan, actor: User | None) -> Campaign:
    """A supervisor proposes a spot check; it waits for the head (None: the command line)."""
    if actor is not None and not actor.has_perm("supervision.add_campaign"):
        raise Refused(NOT_PERMITTED, code="not_permitted", http_status=403)
    ratio, until = _check(plan)
    now = timezone.now()
    campaign = Campaign.objects.create(
        number=next_number(Campaign.objects, wallclock.local(now).year, 3),
        title=plan.title.strip(), period_from=plan.period_from, period_to=plan.period_to,
        ratio=ratio, minimum=plan.minimum, review_until=until, proposed_by=actor,
        proposed_at=now,
    )  # fmt: skip
    campaign.units.set(plan.units)
    campaign.reviewers.set(plan.reviewers)
    record(Action.SPOT_CHECK, campaign, actor, event=CampaignEvent.PROPOSED,
           title=campaign.title, period=[plan.period_from.isoformat(), plan.period_to.isoformat()],
           units=sorted(u.code for u in plan.units), ratio=ratio_text(ratio),
           minimum=plan.minimum, reviewers=sorted(r.username for r in plan.reviewers),
           review_until=until.isoformat())  # fmt: skip
    return campaign


def ratio_text(ratio: Decimal) -> str:
    """The ratio as exact decimal text without trailing zeros ("0.05")."""
    return format(ratio.normalize(), "f")


def _locked(campaign: Campaign, state: str) -> Campaign:
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.state != state:
        raise Refused(
            _("抽查 %(number)s 已经是“%(state)s”状态。"), code="already_decided",
            http_status=409, number=locked.number, state=locked.get_state_display(),
        )  # fmt: skip
    return locked


def _may_start(actor: User) -> None:
    if not actor.has_perm("supervision.start_campaign"):
        raise Refused(ONLY_HEAD, code="not_permitted", http_status=403)


def _scope_units(campaign: Campaign) -> set[int] | None:
    """The campaign's units with every unit below them; None for the whole bureau."""
    chosen = set(campaign.units.values_list("pk", flat=True))
    if not chosen:
        return None
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent in Unit.objects.values_list("pk", "parent_id"):
        children[parent].append(pk)
    found, todo = set(), list(chosen)
    while todo:
        unit = todo.pop()
        if unit not in found:
            found.add(unit)
            todo += children[unit]
    return found


def in_scope(campaign: Campaign) -> QuerySet[Recording]:
    """The recordings the campaign's rule makes candidates (see RULE)."""
    zone = wallclock.zone()
    start = datetime.combine(campaign.period_from, time.min, tzinfo=zone)
    end = datetime.combine(campaign.period_to + timedelta(days=1), time.min, tzinfo=zone)
    rows = Recording.objects.filter(
        recorded_at__gte=start, recorded_at__lt=end, officer__isnull=False,
        mistaken_at__isnull=True, disposed_at__isnull=True,
        secrecy__lt=LISTED_ONLY_WHEN_CLEARED,
    )  # fmt: skip
    units = _scope_units(campaign)
    return rows if units is None else rows.filter(officer__unit__in=units)


def _assign(sample: list[tuple[int, int, int | None]], reviewers: list[User]) -> dict[int, User]:
    """Each sampled recording (id, officer, officer's unit) to the least-loaded reviewer who is
    neither the officer nor of the officer's unit; Refused naming the units nobody may review."""
    load = {reviewer.pk: 0 for reviewer in reviewers}
    chosen: dict[int, User] = {}
    stuck: set[int | None] = set()
    for recording, officer, unit in sample:
        eligible = [
            r for r in reviewers if r.pk != officer and (r.unit_id is None or r.unit_id != unit)
        ]
        if not eligible:
            stuck.add(unit)
            continue
        reviewer = min(eligible, key=lambda r: (load[r.pk], r.username))
        load[reviewer.pk] += 1
        chosen[recording] = reviewer
    if stuck:
        names = Unit.objects.filter(pk__in=stuck).values_list("name", flat=True)
        raise Refused(
            _("抽中了 %(units)s 的记录，但评查人员都属于该单位，不能评查本单位的记录。"
              "请增加其他单位的评查人员后再批准。"),
            code="no_eligible_reviewer", units="、".join(sorted(names)),
        )  # fmt: skip
    return chosen


@transaction.atomic
def start_campaign(campaign: Campaign, actor: User, opinion: str = "") -> Campaign:
    """The head approves: seed, candidates, sample, reviewers, holds and grants, at once."""
    _may_start(actor)
    campaign = _locked(campaign, CampaignState.PROPOSED)
    if campaign.proposed_by_id == actor.pk:
        raise Refused(_("不能批准本人提出的抽查。"), code="own_request")
    rows = list(
        in_scope(campaign).values_list("pk", "sha256", "officer__username", "officer_id",
                                       "officer__unit_id")
    )  # fmt: skip
    seed = sampling.new_seed()
    candidates = [sampling.Candidate(pk, sha, stratum) for pk, sha, stratum, _o, _u in rows]
    drawn = sampling.draw(seed, candidates, Fraction(campaign.ratio), campaign.minimum)
    who = {pk: (officer, unit) for pk, _s, _n, officer, unit in rows}
    reviewers = list(campaign.reviewers.all())
    assigned = _assign([(pk, *who[pk]) for pk in drawn], reviewers)
    strata = {pk: stratum for pk, _s, stratum, _o, _u in rows}
    Candidate.objects.bulk_create(
        (Candidate(campaign=campaign, recording_id=pk, stratum=strata[pk], sampled=pk in assigned,
                   reviewer=assigned.get(pk)) for pk in strata),
        batch_size=2000,
    )  # fmt: skip
    now = timezone.now()
    campaign.state, campaign.seed = CampaignState.STARTED, seed
    campaign.decided_by, campaign.decided_at, campaign.opinion = actor, now, opinion.strip()
    campaign.save()
    record(Action.SPOT_CHECK, campaign, actor, event=CampaignEvent.STARTED, seed=seed,
           opinion=campaign.opinion, candidates=len(rows), sample=drawn)  # fmt: skip
    _hold_and_grant(campaign, assigned, actor)
    return campaign


def grant_ends(campaign: Campaign) -> datetime:
    """The end of the review period: midnight after the review day, Beijing time."""
    return datetime.combine(
        campaign.review_until + timedelta(days=1), time.min, tzinfo=wallclock.zone()
    )


def _hold_and_grant(campaign: Campaign, assigned: dict[int, User], actor: User) -> None:
    with translation.override(settings.LANGUAGE_CODE):  # kept in the records: the bureau's language
        reason = str(_("执法监督抽查 %(number)s：%(title)s")) % {
            "number": campaign.number, "title": campaign.title}  # fmt: skip
    recordings = Recording.objects.in_bulk(list(assigned))
    holds = hold_many(list(recordings.values()), HoldKind.SPOT_CHECK, reason, actor)
    held = {hold.recording_id: hold for hold in holds}
    sampled = list(campaign.candidates.filter(sampled=True))
    for candidate in sampled:
        candidate.hold = held.get(candidate.recording_id)
    Candidate.objects.bulk_update(sampled, ["hold"], batch_size=2000)
    by_reviewer: dict[User, list[Recording]] = defaultdict(list)
    for pk, reviewer in assigned.items():
        by_reviewer[reviewer].append(recordings[pk])
    for reviewer, theirs in sorted(by_reviewer.items(), key=lambda pair: pair[0].username):
        ends = grant_ends(campaign)
        grant = supervision_grant(
            reviewer, theirs, actor, reason=reason, ends_at=ends, campaign=campaign.number
        )
        campaign.grants.add(grant)


@transaction.atomic
def refuse_campaign(campaign: Campaign, actor: User, opinion: str) -> Campaign:
    _may_start(actor)
    campaign = _locked(campaign, CampaignState.PROPOSED)
    if not opinion.strip():
        raise Refused(_("不批准时请写明意见，告诉提出人原因。"), code="opinion_required")
    campaign.state = CampaignState.REFUSED
    campaign.decided_by, campaign.decided_at = actor, timezone.now()
    campaign.opinion = opinion.strip()
    campaign.save()
    record(Action.SPOT_CHECK, campaign, actor, event=CampaignEvent.REFUSED,
           opinion=campaign.opinion)  # fmt: skip
    return campaign


@transaction.atomic
def close_campaign(campaign: Campaign, actor: User, summary: str) -> Campaign:
    """A supervisor ends the spot check with a summary: its holds are released and any grant
    still open ends now. Unreviewed recordings are named in the summary's ledger entry."""
    if not actor.has_perm("supervision.add_campaign"):
        raise Refused(NOT_PERMITTED, code="not_permitted", http_status=403)
    campaign = _locked(campaign, CampaignState.STARTED)
    if not summary.strip():
        raise Refused(_("请填写抽查总结。"), code="summary_required")
    sampled = campaign.candidates.filter(sampled=True)
    unreviewed = list(sampled.filter(review__isnull=True).values_list("recording_id", flat=True))
    now = timezone.now()
    campaign.state, campaign.closed_by, campaign.closed_at = CampaignState.CLOSED, actor, now
    campaign.summary = summary.strip()
    campaign.save()
    record(Action.SPOT_CHECK, campaign, actor, event=CampaignEvent.CLOSED,
           summary=campaign.summary, unreviewed=unreviewed)  # fmt: skip
    with translation.override(settings.LANGUAGE_CODE):
        reason = str(_("抽查 %(number)s 已结束")) % {"number": campaign.number}
    holds = Hold.objects.active().filter(pk__in=sampled.values("hold"))
    release_many(list(holds.select_related("recording")), reason, actor)
    for grant in campaign.grants.filter(state=RequestState.REGISTERED, ends_at__gt=now):
        grant.state, grant.revoked_by, grant.revoked_at = RequestState.REVOKED, actor, now
        grant.revoke_reason = reason
        grant.save(update_fields=["state", "revoked_by", "revoked_at", "revoke_reason"])
        record(Action.REVOKE, grant, actor, event=AccessEvent.REVOKED, reason=reason)
    return campaign
