"""Viewing recordings (R-16 .. R-19): a request, its approvals, its register entry (the grant),
each playback, and the history of every recording's secrecy level.

A request's life (requests.py writes each step with its ledger entry):

    submitted --head approves--> [secrecy officer approves, when a recording is above
    ordinary] --> approved --custodian or records office registers--> registered (the grant:
    active from registration until `ends_at`, then expired) --revoke--> revoked
    submitted --head or secrecy officer denies--> denied
"""

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bodycam.access.levels import LISTED_ONLY_WHEN_CLEARED, SecrecyLevel
from bodycam.lib.restrict import RestrictedQuerySet


class Route(models.TextChoices):
    """The approval route a request follows."""

    WORK = "work", _("工作查看（R-16）")
    LITIGATION = "litigation", _("诉讼、信访案件调阅（R-17）")
    SUPERVISION = "supervision", _("执法监督调阅（R-17）")
    CASE_ANALYSIS = "case_analysis", _("案例分析调阅（R-17）")
    EXTERNAL = "external", _("对外提供（R-18）")


# Routes under which the original may be downloaded; work viewing is viewing only.
DOWNLOAD_ROUTES = frozenset(
    {Route.LITIGATION, Route.SUPERVISION, Route.CASE_ANALYSIS, Route.EXTERNAL}
)


class Right(models.TextChoices):
    VIEW = "view", _("查看")
    DOWNLOAD = "download", _("下载")


class Manner(models.TextChoices):
    """How the content was used, as the register records it (查阅方式)."""

    VIEW = "view", _("查看")
    DOWNLOAD = "download", _("下载")
    DISC = "disc", _("刻录光盘")


class OutsideBody(models.TextChoices):
    """Who asks from outside the bureau; the records office files it for them."""

    POLICE = "police", _("公安机关")
    PROCURATORATE = "procuratorate", _("检察院")
    COURT = "court", _("法院")
    DISCIPLINE = "discipline", _("纪检监察机关")
    AUDIT = "audit", _("审计机关")
    PARTY = "party", _("当事人或其代理律师")


class RequestState(models.TextChoices):
    SUBMITTED = "submitted", _("待审批")
    APPROVED = "approved", _("已批准，待登记")
    DENIED = "denied", _("未批准")
    REGISTERED = "registered", _("已登记")
    REVOKED = "revoked", _("已撤销")


class AccessEvent(models.TextChoices):
    """What a ledger entry about a viewing request says happened (its payload's `event`)."""

    SUBMITTED = "submitted", _("提交查阅申请")
    APPROVED = "approved", _("主要负责人批准")
    SECRECY_APPROVED = "secrecy_approved", _("保密员批准")
    DENIED = "denied", _("未予批准")
    REGISTERED = "registered", _("登记查阅")
    REVOKED = "revoked", _("撤销查阅授权")


def may_approve(user: Any) -> bool:
    """The bureau head approves viewing (R-16); a deputy may be delegated in settings."""
    return user.is_active and (
        user.has_perm("access.approve_viewingrequest") or user.username in settings.VIEWING_DEPUTIES
    )


class ViewingRequestQuerySet(RestrictedQuerySet["ViewingRequest"]):
    def scope(self, user: Any, action: str) -> Self:
        """view: the people who decide, register or audit requests see all of them; everyone
        else their own. approve / register / secrecy / revoke: the roles that do it (the
        rules in requests.py say which request is in the right state)."""
        rows = self.cleared_for(user)
        if action == "view":
            if user.has_perm("access.view_viewingrequest") or may_approve(user):
                return rows
            return rows.filter(requester=user)
        if action == "decide":
            allowed = may_approve(user) or user.has_perm("access.approve_secrecy")
            return rows if allowed else self.none()
        if action == "register":
            return rows if user.has_perm("access.register_viewingrequest") else self.none()
        if action == "revoke":
            return rows if may_approve(user) else rows.filter(requester=user)
        return self.none()

    def cleared_for(self, user: Any) -> Self:
        """Without the requests naming a recording whose existence `user` may not know."""
        if getattr(user, "clearance", SecrecyLevel.ORDINARY) >= LISTED_ONLY_WHEN_CLEARED:
            return self
        hidden = ViewingRequest.recordings.through.objects.filter(
            viewingrequest=OuterRef("pk"), recording__secrecy__gte=LISTED_ONLY_WHEN_CLEARED
        )
        return self.exclude(Exists(hidden))

    def active(self, at: Any = None) -> Self:
        """Registered grants whose window is open now (or at `at`)."""
        moment = at or timezone.now()
        return self.filter(state=RequestState.REGISTERED, starts_at__lte=moment, ends_at__gt=moment)


class ViewingRequest(models.Model):
    """A request to view recordings, and once registered the grant it gives its requester."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT,
        related_name="viewing_requests",
    )  # fmt: skip
    requested_at = models.DateTimeField(_("申请时间"))
    route = models.CharField(_("调阅途径"), max_length=20, choices=Route.choices)
    reason = models.TextField(_("事由"))
    download = models.BooleanField(_("申请下载"), default=False)
    hours = models.PositiveIntegerField(_("申请时长（小时）"))
    recordings = models.ManyToManyField(
        "recordings.Recording", verbose_name=_("音像记录"), related_name="viewing_requests"
    )
    activity = models.ForeignKey(
        "activities.EnforcementActivity", verbose_name=_("执法活动"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="viewing_requests",
    )  # fmt: skip

    # Someone from outside the bureau, for whom the records office filed the request.
    outside_body = models.CharField(
        _("调阅单位类别"), max_length=20, choices=OutsideBody.choices, blank=True
    )
    viewer_name = models.CharField(_("查阅人"), max_length=100, blank=True)
    viewer_unit = models.CharField(_("查阅人单位"), max_length=200, blank=True)
    viewer_badge = models.CharField(_("查阅人证件号或警号"), max_length=60, blank=True)
    letter_number = models.CharField(_("介绍信/调阅函编号"), max_length=100, blank=True)
    id_number = models.CharField(_("身份证件号码（已核验）"), max_length=60, blank=True)

    state = models.CharField(
        _("状态"), max_length=12, choices=RequestState.choices, default=RequestState.SUBMITTED
    )
    head_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    head_decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    head_opinion = models.TextField(_("审批意见"), blank=True)
    secrecy_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("保密审批人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    secrecy_decided_at = models.DateTimeField(_("保密审批时间"), null=True, blank=True)
    secrecy_opinion = models.TextField(_("保密审批意见"), blank=True)
    # The highest level the secrecy officer approved: a recording raised above it later needs
    # a new secrecy approval before it is seen again.
    secrecy_level = models.PositiveSmallIntegerField(
        _("已批准的密级"), choices=SecrecyLevel.choices, default=SecrecyLevel.ORDINARY
    )

    # The register entry (查阅登记).
    number = models.CharField(_("登记号"), max_length=20, null=True, blank=True, unique=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    registered_at = models.DateTimeField(_("登记时间"), null=True, blank=True)
    manner = models.CharField(_("查阅方式"), max_length=10, choices=Manner.choices, blank=True)
    copies = models.PositiveSmallIntegerField(_("复制份数"), default=0)
    remarks = models.TextField(_("备注"), blank=True)
    starts_at = models.DateTimeField(_("授权开始"), null=True, blank=True)
    ends_at = models.DateTimeField(_("授权结束"), null=True, blank=True)

    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("撤销人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoke_reason = models.TextField(_("撤销原因"), blank=True)

    objects = ViewingRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("查阅申请")
        verbose_name_plural = _("查阅申请")
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "requested_at"], name="viewing_request_state"),
            models.Index(fields=["requester", "state", "ends_at"], name="viewing_grant_holder"),
        ]
        permissions = [
            ("approve_viewingrequest", "Approve viewing requests (R-16)"),
            ("approve_secrecy", "Approve viewing above the ordinary secrecy level (R-19)"),
            ("register_viewingrequest", "Register viewing (R-16)"),
            ("file_outside_request", "File a request for someone outside the bureau"),
            ("take_copies", "Be granted downloads under R-17/R-18 routes"),
        ]

    def __str__(self) -> str:
        return str(_("查阅申请 %(number)s")) % {"number": self.number or f"#{self.pk}"}

    @property
    def is_outside(self) -> bool:
        return bool(self.outside_body)

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return (
            self.state == RequestState.REGISTERED
            and self.starts_at is not None
            and self.ends_at is not None
            and self.starts_at <= now < self.ends_at
        )

    @property
    def status_label(self) -> str:
        """The state as people read it, with 已过期 for a grant whose window has passed."""
        if (
            self.state == RequestState.REGISTERED
            and self.ends_at
            and self.ends_at <= timezone.now()
        ):
            return str(_("已过期"))
        if self.state == RequestState.REGISTERED:
            return str(_("授权中"))
        return str(self.get_state_display())

    @property
    def gives_original(self) -> bool:
        """Downloads of the original: R-17's routes, inside the bureau. Whatever leaves the
        bureau (R-18: provision outside, or any request filed for an outside party) is a
        watermarked copy instead (ProvidedCopy)."""
        return self.download and not self.leaves_bureau

    @property
    def gives_copy(self) -> bool:
        return self.download and self.leaves_bureau

    @property
    def leaves_bureau(self) -> bool:
        return self.route == Route.EXTERNAL or self.is_outside

    @property
    def viewer_label(self) -> str:
        """Who views: the outside person named in the letter, or the requester."""
        if self.is_outside:
            return self.viewer_name
        return self.requester.display_name


class Playback(models.Model):
    """One playback session of one recording under one grant (each start and end is a `view`
    ledger entry)."""

    grant = models.ForeignKey(ViewingRequest, on_delete=models.PROTECT, related_name="playbacks")
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="playbacks"
    )
    recording = models.ForeignKey(
        "recordings.Recording", on_delete=models.PROTECT, related_name="playbacks"
    )
    started_at = models.DateTimeField(_("开始播放"))
    ended_at = models.DateTimeField(_("结束播放"), null=True, blank=True)

    class Meta:
        verbose_name = _("播放记录")
        verbose_name_plural = _("播放记录")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.recording_id} · {self.viewer_id} · {self.started_at:%Y-%m-%d %H:%M}"


class SecrecyChangeState(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPLIED = "applied", _("已生效")
    REFUSED = "refused", _("未批准")


class SecrecyChangeQuerySet(RestrictedQuerySet["SecrecyChange"]):
    def scope(self, user: Any, action: str) -> Self:
        """Changes of the recordings `user` may know of (no trace of a state secret for the
        uncleared), to those who see recordings, change levels or approve lowerings."""
        rows = self
        if getattr(user, "clearance", SecrecyLevel.ORDINARY) < LISTED_ONLY_WHEN_CLEARED:
            rows = rows.exclude(
                Q(recording__secrecy__gte=LISTED_ONLY_WHEN_CLEARED)
                | Q(from_level__gte=LISTED_ONLY_WHEN_CLEARED)
                | Q(to_level__gte=LISTED_ONLY_WHEN_CLEARED)
            )
        if action == "view" and user.has_perm("recordings.view_recording"):
            return rows
        if action == "propose" and user.has_perm("recordings.change_secrecy"):
            return rows
        if action == "approve" and (user.has_perm("access.approve_secrecy") or may_approve(user)):
            return rows
        return self.none()


class SecrecyChange(models.Model):
    """A recording's secrecy level changed (R-19): raising applies at once; lowering waits for
    the head's and the secrecy officer's approval (two people, neither the proposer)."""

    recording = models.ForeignKey(
        "recordings.Recording", on_delete=models.PROTECT, related_name="secrecy_changes"
    )
    from_level = models.PositiveSmallIntegerField(_("原密级"), choices=SecrecyLevel.choices)
    to_level = models.PositiveSmallIntegerField(_("新密级"), choices=SecrecyLevel.choices)
    reason = models.TextField(_("理由"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提出人"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    proposed_at = models.DateTimeField(_("提出时间"))
    state = models.CharField(_("状态"), max_length=10, choices=SecrecyChangeState.choices)
    head_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("主要负责人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    secrecy_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("保密员"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(_("生效或驳回时间"), null=True, blank=True)
    comment = models.TextField(_("意见"), blank=True)

    objects = SecrecyChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("密级变更")
        verbose_name_plural = _("密级变更")
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recording"],
                condition=Q(state="pending"),
                name="one_pending_secrecy_change",
            )
        ]

    def __str__(self) -> str:
        return f"{self.recording_id}: {self.from_level} → {self.to_level}"


class CopyState(models.TextChoices):
    QUEUED = "queued", _("制作中")
    MADE = "made", _("已制作")
    FAILED = "failed", _("无法制作")


class ProvidedCopy(models.Model):
    """A copy for someone outside the bureau (R-18): the picture re-encoded with the viewer's
    watermark burned in, never the original. Made by a job when the request is registered."""

    grant = models.ForeignKey(
        ViewingRequest, on_delete=models.PROTECT, related_name="provided_copies"
    )
    recording = models.ForeignKey(
        "recordings.Recording", on_delete=models.PROTECT, related_name="provided_copies"
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=CopyState.choices, default=CopyState.QUEUED
    )
    stamp = models.CharField(_("水印文字"), max_length=300)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.BigIntegerField(null=True, blank=True)
    made_at = models.DateTimeField(_("制作时间"), null=True, blank=True)
    problem = models.CharField(_("问题"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("对外提供的副本")
        verbose_name_plural = _("对外提供的副本")
        constraints = [
            models.UniqueConstraint(fields=["grant", "recording"], name="one_copy_per_grant")
        ]

    def __str__(self) -> str:
        return f"{self.grant_id} · {self.recording_id} · {self.state}"
