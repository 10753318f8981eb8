"""Recordings (音像记录): one row per original file, its content hash, what it shows, who made
it and when, and the facts that R-13 judges. The original bytes live in blob storage."""

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bodycam.access.levels import LISTED_ONLY_WHEN_CLEARED, SecrecyLevel
from bodycam.activities.vocabulary import ContentTag
from bodycam.lib.restrict import RestrictedQuerySet


class Kind(models.TextChoices):
    VIDEO = "video", _("视频")
    AUDIO = "audio", _("音频")
    PHOTO = "photo", _("照片")


class Condition(models.TextChoices):
    STORED = "stored", _("完好")
    DAMAGED = "damaged", _("损坏")


class TimeSource(models.TextChoices):
    CONTAINER = "container", _("文件内记录时间")
    EXIF = "exif", _("照片 EXIF 时间")
    FILE_NAME = "file_name", _("文件名中的时间")
    CONFIRMED = "confirmed", _("综合科核实")
    UNKNOWN = "unknown", _("无法确定")


class RecordingEvent(models.TextChoices):
    """What a ledger entry about a recording's facts says happened (its payload's `event`)."""

    IDENTIFIED = "identified", _("核实执法人员、记录仪或录制时间")
    MISTAKE_PROPOSED = "mistake_proposed", _("提出误传")
    MISTAKE_APPROVED = "mistake_approved", _("确认误传")
    MISTAKE_REJECTED = "mistake_rejected", _("不同意误传")


class RecordingQuerySet(RestrictedQuerySet["Recording"]):
    def cleared_for(self, user: Any) -> Self:
        """Without the recordings whose very existence `user` is not cleared to know (R-19)."""
        if getattr(user, "clearance", SecrecyLevel.ORDINARY) >= LISTED_ONLY_WHEN_CLEARED:
            return self
        return self.exclude(secrecy__gte=LISTED_ONLY_WHEN_CLEARED)

    def scope(self, user: Any, action: str) -> Self:
        """The records office and overseeing roles see every recording's facts; an officer
        sees their own; the records office changes links and facts. Seeing content is another
        matter: it needs an approval (R-16). A state-secret recording is not even listed to
        anyone not cleared for that level (R-19)."""
        rows = self.cleared_for(user)
        if action == "change":
            return rows if user.has_perm("recordings.change_recording") else self.none()
        if action != "view":
            return self.none()
        if user.has_perm("recordings.view_recording"):
            return rows
        return rows.filter(officer=user)


class Recording(models.Model):
    """One original file from a recorder, stored once under its SHA-256 (R-11, R-18)."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    hash_algorithm = models.CharField(max_length=16, default="sha256")
    size = models.BigIntegerField(_("大小（字节）"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    condition = models.CharField(
        _("状态"), max_length=10, choices=Condition.choices, default=Condition.STORED
    )
    damage_reason = models.CharField(_("损坏原因"), max_length=300, blank=True)
    storage = models.CharField(_("存储"), max_length=20, default="local")
    original_name = models.CharField(_("原文件名"), max_length=400)
    source_path = models.TextField(_("来源路径"), blank=True)

    # Who: as resolved, and the raw values the resolution started from.
    device = models.ForeignKey(
        "devices.Device", verbose_name=_("执法记录仪"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="recordings",
    )  # fmt: skip
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("执法人员"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="recordings",
    )  # fmt: skip
    serial_raw = models.CharField(_("产品序号（原始）"), max_length=64, blank=True)
    badge_raw = models.CharField(_("警号（原始）"), max_length=64, blank=True)
    needs_review = models.BooleanField(_("待综合科核实"), default=False)
    review_notes = models.JSONField(_("待核实事项"), default=list)

    # When: the device's clock as written, and the interpreted true time (UTC).
    recorded_at = models.DateTimeField(_("录制时间"), null=True, blank=True, db_index=True)
    recorded_at_raw = models.CharField(_("记录仪时间（原始）"), max_length=100, blank=True)
    time_source = models.CharField(
        _("时间来源"), max_length=20, choices=TimeSource.choices, default=TimeSource.UNKNOWN
    )
    clock_convention = models.CharField(_("时钟解释方式"), max_length=60, blank=True)
    clock_offset = models.DurationField(_("校正的时钟偏差"), null=True, blank=True)

    # What: from the container header.
    container = models.CharField(_("封装格式"), max_length=60, blank=True)
    duration = models.DurationField(_("时长"), null=True, blank=True)
    video_codec = models.CharField(_("视频编码"), max_length=30, blank=True)
    audio_codec = models.CharField(_("音频编码"), max_length=30, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    metadata = models.JSONField(_("元数据"), default=dict)

    # handed over the same day, or within 24 h of returning from work away from base.
    ingested_at = models.DateTimeField(_("入库时间"), db_index=True)
    ingested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("入库人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    upload_deadline = models.DateTimeField(_("移交时限"), null=True, blank=True)
    deadline_met = models.BooleanField(_("按时移交"), null=True)

    activity = models.ForeignKey(
        "activities.EnforcementActivity", verbose_name=_("执法活动"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="recordings",
    )  # fmt: skip

    # who may see it at all, and whose second approval viewing needs (access.secrecy).
    secrecy = models.PositiveSmallIntegerField(
        _("密级"), choices=SecrecyLevel.choices, default=SecrecyLevel.ORDINARY
    )

    # kept at least until then (None: for ever, e.g. evidence in a permanent case file);
    # the store's lock as last set; the moment it was disposed of (the row stays, a tombstone)
    # and the moment its bytes were gone from the store (removal is retried until then).
    retain_until = models.DateTimeField(_("保存至"), null=True, blank=True, db_index=True)
    locked_until = models.DateTimeField(_("存储锁定至"), null=True, blank=True)
    disposed_at = models.DateTimeField(_("销毁时间"), null=True, blank=True)
    bytes_removed_at = models.DateTimeField(_("文件删除时间"), null=True, blank=True)

    # A mistaken upload (误传), once the head agreed: no recording at all, out of every list and
    # rule; its bytes are kept until retention allows disposal like any other.
    mistaken_at = models.DateTimeField(_("确认误传时间"), null=True, blank=True)

    # Fixity: when the original was last re-hashed, and what was wrong then ("" if nothing).
    verified_at = models.DateTimeField(_("最近核验时间"), null=True, blank=True)
    fixity_problem = models.CharField(_("核验发现的问题"), max_length=300, blank=True)

    objects = RecordingQuerySet.as_manager()

    class Meta:
        verbose_name = _("音像记录")
        verbose_name_plural = _("音像记录")
        ordering = ["-recorded_at", "-pk"]
        indexes = [
            models.Index(fields=["officer", "recorded_at"], name="recording_officer_time"),
            models.Index(fields=["device", "recorded_at"], name="recording_device_time"),
            models.Index(
                fields=["ingested_at"],
                condition=Q(activity__isnull=True),
                name="recording_unlinked",
            ),
            models.Index(fields=["verified_at", "id"], name="recording_fixity_order"),
        ]
        permissions = [
            ("ingest_recording", "Ingest recordings"),
            ("change_secrecy", "Change a recording's secrecy level (R-19)"),
            ("decide_mistaken_upload", "Agree or not that a file is a mistaken upload"),
        ]

    def __str__(self) -> str:
        return self.original_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The identity of an original never changes: only links and facts do.
        if not self._state.adding:
            stored = type(self).objects.filter(pk=self.pk).values("sha256", "size").get()
            if (stored["sha256"], stored["size"]) != (self.sha256, self.size):
                raise ValueError("an original's hash and size never change")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("recordings are never deleted outside disposal (R-11, R-14)")


class DerivedKind(models.TextChoices):
    THUMBNAIL = "thumbnail", _("缩略图")
    STRIP = "strip", _("时间轴缩略图")
    PROXY = "proxy", _("播放副本")
    PREVIEW = "preview", _("预览图")


# How a derived copy was made, in words (its `method`).
COPY_METHODS = {"remux": _("转封装（画面未重新编码）"), "transcode": _("转码"),
                "audio": _("提取音频"), "photo": _("缩放图片")}  # fmt: skip


class DerivedCopy(models.Model):
    """A copy made from an original by a background job: a thumbnail, a timeline strip, a
    browser-playable proxy. Kept beside the original, never instead of it, and never evidence
    (the glossary's 播放副本). Stored in blob storage under its own hash."""

    recording = models.ForeignKey(Recording, on_delete=models.PROTECT, related_name="derived")
    kind = models.CharField(_("类别"), max_length=12, choices=DerivedKind.choices)
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    method = models.CharField(_("方式"), max_length=20, blank=True)  # remux, transcode …
    partial = models.BooleanField(_("不完整"), default=False)
    details = models.JSONField(default=dict)
    made_at = models.DateTimeField(_("生成时间"))

    class Meta:
        verbose_name = _("派生副本")
        verbose_name_plural = _("派生副本")
        constraints = [
            models.UniqueConstraint(fields=["recording", "kind"], name="one_copy_of_each_kind")
        ]

    def __str__(self) -> str:
        return f"{self.recording_id} {self.kind}"

    def get_method_display(self) -> str:
        """How the copy was made, in words ("" when not said)."""
        return str(COPY_METHODS.get(self.method, self.method))


class JobState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("处理中")
    DONE = "done", _("已完成")
    RETRYING = "retrying", _("等待重试")
    FAILED = "failed", _("失败")


class ProcessingJob(models.Model):
    """The state of a recording's follow-up job (thumbnail, strip, proxy), kept by the job
    itself as it runs, so the page reads one row instead of the queue's internals.

    queued -> running -> done;  running -> retrying -> running …;  running -> failed (the last
    attempt). `report` says what each step did; `unavailable` the copies that cannot be made
    from this original (catalogue message ids, shown in the reader's language).
    """

    recording = models.OneToOneField(Recording, on_delete=models.PROTECT, related_name="processing")
    state = models.CharField(
        _("状态"), max_length=10, choices=JobState.choices, default=JobState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    queued_at = models.DateTimeField(_("排队时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    retry_at = models.DateTimeField(_("重试时间"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    report = models.JSONField(default=dict, blank=True)
    unavailable = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("后台处理")
        verbose_name_plural = _("后台处理")
        indexes = [models.Index(fields=["state"], name="processing_state")]

    def __str__(self) -> str:
        return f"{self.recording_id} {self.state}"


class ContentMark(models.Model):
    """What a recording shows at a moment or over a span (标注, R-10), marked by someone
    watching it under a grant. Marks are added, never edited: a correction is a new mark."""

    recording = models.ForeignKey(Recording, on_delete=models.PROTECT, related_name="marks")
    tag = models.CharField(_("摄录要点"), max_length=30, choices=ContentTag.choices)
    start_ms = models.PositiveBigIntegerField(_("起点（毫秒）"))
    end_ms = models.PositiveBigIntegerField(_("终点（毫秒）"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("标注人"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    marked_at = models.DateTimeField(_("标注时间"))

    class Meta:
        verbose_name = _("标注")
        verbose_name_plural = _("标注")
        ordering = ["recording", "start_ms", "pk"]
        indexes = [models.Index(fields=["tag", "recording"], name="mark_tag")]

    def __str__(self) -> str:
        return f"{self.recording_id} {self.tag} {self.start_ms}"


class MistakeStatus(models.TextChoices):
    PROPOSED = "proposed", _("待主要负责人审批")
    APPROVED = "approved", _("已确认误传")
    REJECTED = "rejected", _("不同意")


class MistakenUpload(models.Model):
    """The records office's proposal that a file is no recording at all (a text file named
    .mp4, a personal video), and the head's decision on it."""

    recording = models.ForeignKey(
        Recording, verbose_name=_("音像记录"), on_delete=models.PROTECT, related_name="mistakes"
    )
    reason = models.TextField(_("理由"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提出人"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    proposed_at = models.DateTimeField(_("提出时间"))
    status = models.CharField(
        _("状态"), max_length=10, choices=MistakeStatus.choices, default=MistakeStatus.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    comment = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("误传")
        verbose_name_plural = _("误传")
        ordering = ["-proposed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recording"],
                condition=Q(status="proposed"),
                name="one_pending_mistake_per_recording",
            )
        ]

    def __str__(self) -> str:
        return f"{self.recording} · {self.get_status_display()}"
