"""Case files (案卷) and the recordings used as evidence in them (作为证据使用, R-14)."""

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bodycam.lib.restrict import RestrictedQuerySet


class CaseEvent(models.TextChoices):
    """What a ledger entry about a case says happened (its payload's `event`)."""

    OPENED = "opened", _("建立案卷")
    CHANGED = "changed", _("案卷信息变更")
    EVIDENCE_MARKED = "evidence_marked", _("作为证据使用")


class CaseQuerySet(RestrictedQuerySet["Case"]):
    """Seen by those with evidence.view_case, changed (and evidence marked) with change_case."""


class Case(models.Model):
    """A case file: its number, what it is about, and how long it is kept (R-14)."""

    number = models.CharField(_("案件编号"), max_length=60, unique=True)
    title = models.CharField(_("案由"), max_length=200)
    case_type = models.CharField(_("案件类型"), max_length=60, blank=True)
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    opened_on = models.DateField(_("立案日期"))
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    retention = models.CharField(_("案卷保管期限"), max_length=30)  # a CASE_RETENTION_PERIODS key
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("建立人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip  # None: the command line
    created_at = models.DateTimeField(_("建立时间"))
    recordings: models.ManyToManyField = models.ManyToManyField(
        "recordings.Recording", through="EvidenceUse", related_name="cases"
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("案卷")
        verbose_name_plural = _("案卷")
        ordering = ["-opened_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class EvidenceUse(models.Model):
    """A recording used as evidence in a case: who marked it and why."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="evidence")
    recording = models.ForeignKey(
        "recordings.Recording", on_delete=models.PROTECT, related_name="evidence_uses"
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("标记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    marked_at = models.DateTimeField(_("标记时间"))
    reason = models.TextField(_("证明对象或理由"))

    class Meta:
        verbose_name = _("证据使用")
        verbose_name_plural = _("证据使用")
        constraints = [
            models.UniqueConstraint(fields=["case", "recording"], name="evidence_once_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.recording_id}"


class ExtractionState(models.TextChoices):
    QUEUED = "queued", _("制作中")
    MADE = "made", _("已制作")
    FAILED = "failed", _("未能制作")


class ExtractionEvent(models.TextChoices):
    """What a ledger entry about an extraction says happened (its payload's `event`)."""

    EXTRACTED = "extracted", _("证据提取")
    IMAGE_MADE = "image_made", _("光盘镜像制作完成")
    IMAGE_FAILED = "image_failed", _("光盘镜像未能制作")
    IMAGE_DOWNLOADED = "image_downloaded", _("下载光盘镜像")
    DISC_CHECKED = "disc_checked", _("光盘核验")


class ExtractionQuerySet(RestrictedQuerySet["Extraction"]):
    """Seen by those who see case files; made by those with evidence.extract_evidence."""

    def scope(self, user: Any, action: str) -> Self:
        if action == "view" and user.has_perm("evidence.view_case"):
            return self
        if action == "change" and user.has_perm("evidence.extract_evidence"):
            return self
        return self.none()


class Extraction(models.Model):
    """An evidence extraction (证据提取, R-15): originals copied from central storage onto a
    disc for a case file, with the written description a court checks of a copy."""

    number = models.CharField(_("光盘编号"), max_length=20, unique=True)
    case = models.ForeignKey(
        Case, verbose_name=_("案卷"), on_delete=models.PROTECT, related_name="extractions"
    )
    grant = models.ForeignKey(
        "access.ViewingRequest", verbose_name=_("调阅批准"), on_delete=models.PROTECT,
        related_name="extractions",
    )  # fmt: skip
    maker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("制作人"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    extractor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提取人"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    extracted_at = models.DateTimeField(_("提取时间"))
    purpose = models.TextField(_("证明对象"))
    recipient = models.CharField(_("接收单位或人员"), max_length=200, blank=True)
    place = models.CharField(_("提取地点"), max_length=200)
    method = models.TextField(_("提取方法"))
    original_location = models.TextField(_("原始载体存放处"))
    why_not_original = models.TextField(_("未提供原始载体的原因"))
    copies = models.PositiveSmallIntegerField(_("制作份数"), default=1)

    state = models.CharField(
        _("状态"), max_length=10, choices=ExtractionState.choices, default=ExtractionState.QUEUED
    )
    problem = models.CharField(_("未能制作的原因"), max_length=300, blank=True)  # a msgid
    image_sha256 = models.CharField(_("光盘镜像 SHA-256"), max_length=64, blank=True)
    image_size = models.BigIntegerField(_("光盘镜像大小（字节）"), null=True, blank=True)
    manifest_sha256 = models.CharField(max_length=64, blank=True)
    made_at = models.DateTimeField(_("制作完成时间"), null=True, blank=True)
    head = models.ForeignKey(
        "ledger.SignedHead", verbose_name=_("签名树头"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip

    objects = ExtractionQuerySet.as_manager()

    class Meta:
        verbose_name = _("证据提取")
        verbose_name_plural = _("证据提取")
        ordering = ["-extracted_at", "-pk"]
        permissions = [("extract_evidence", "Extract evidence to disc (R-15)")]

    def __str__(self) -> str:
        return str(_("证据光盘 %(number)s")) % {"number": self.number}


class ExtractedFile(models.Model):
    """One recording on an evidence disc: its name there and the key content the maker marked
    (关键内容和相应时间段), required where it stands in for a written record."""

    extraction = models.ForeignKey(Extraction, on_delete=models.PROTECT, related_name="files")
    recording = models.ForeignKey(
        "recordings.Recording", on_delete=models.PROTECT, related_name="extractions"
    )
    name = models.CharField(_("光盘中的文件名"), max_length=100)
    key_content = models.TextField(_("关键内容"), blank=True)
    segments = models.JSONField(_("相应时间段"), default=list)  # [[from s, to s, what], …]

    class Meta:
        verbose_name = _("光盘中的音像记录")
        verbose_name_plural = _("光盘中的音像记录")
        constraints = [
            models.UniqueConstraint(
                fields=["extraction", "recording"], name="extracted_once_per_disc"
            )
        ]

    def __str__(self) -> str:
        return self.name


class DiscCheck(models.Model):
    """A check of a burnt disc or its image against its signed manifest."""

    extraction = models.ForeignKey(
        Extraction, null=True, blank=True, on_delete=models.PROTECT, related_name="checks"
    )  # None: a disc this installation did not make
    checked_at = models.DateTimeField(_("核验时间"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("核验人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip  # None: the command line
    what = models.CharField(_("核验对象"), max_length=300)
    passed = models.BooleanField(_("核验通过"))
    files_checked = models.PositiveIntegerField(_("核对文件数"), default=0)
    problems = models.JSONField(_("发现的问题"), default=list)  # [{"code", "file"}, …]

    class Meta:
        verbose_name = _("光盘核验")
        verbose_name_plural = _("光盘核验")
        ordering = ["-checked_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.what} {self.passed}"
