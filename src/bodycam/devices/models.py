"""Recorders, who keeps them, who carries them, how they are kept working (R-05, R-07)."""

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bodycam.lib.restrict import RestrictedQuerySet


class DeviceStatus(models.TextChoices):
    IN_STOCK = "in_stock", _("在库")
    ISSUED = "issued", _("已发放")
    REPAIR = "repair", _("维修中")
    RETIRED = "retired", _("已报废")
    LOST = "lost", _("已遗失")


class DeviceEvent(models.TextChoices):
    """What a `device_event` ledger entry says happened to a recorder (its payload's `event`)."""

    REGISTERED = "registered", _("登记")
    ISSUED = "issued", _("发放")
    RETURNED = "returned", _("归还")
    PRE_USE_CHECK = "pre_use_check", _("使用前检查")
    MAINTENANCE = "maintenance", _("维护")
    LOST = "lost", _("遗失")
    FOUND = "found", _("找回")
    CORRECTED = "corrected", _("更正台账信息")


class DeviceQuerySet(RestrictedQuerySet["Device"]):
    def scope(self, user: Any, action: str) -> Self:
        """view: registry roles see all, others the devices they carry or keep.
        change/issue: custodians their own devices (R-05: one custodian each).
        check: the officer carrying it or its custodian (R-07)."""
        carried = Q(issues__officer=user, issues__returned_at__isnull=True)
        if action == "view":
            if user.has_perm("devices.view_device"):
                return self
            return self.filter(carried | Q(custodian=user)).distinct()
        if action in ("change", "issue") and user.has_perm(f"devices.{action}_device"):
            if user.has_perm("devices.change_any_device"):
                return self
            return self.filter(custodian=user)
        if action == "check" and user.has_perm("devices.check_device"):
            return self.filter(carried | Q(custodian=user)).distinct()
        return self.none()


class Device(models.Model):
    """A body-worn recorder (执法记录仪) with its ONE designated custodian (R-05)."""

    serial = models.CharField(_("产品序号"), max_length=40, unique=True)
    manufacturer = models.CharField(_("生产厂家"), max_length=100, blank=True)
    model = models.CharField(_("型号"), max_length=100, blank=True)
    explosion_proof = models.BooleanField(_("防爆型"), default=False)
    purchase_date = models.DateField(_("购置日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=DeviceStatus.choices, default=DeviceStatus.IN_STOCK
    )
    custodian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("保管员"),
        on_delete=models.PROTECT,
        related_name="kept_devices",
    )
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT
    )
    notes = models.TextField(_("备注"), blank=True)
    registered_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = DeviceQuerySet.as_manager()

    class Meta:
        verbose_name = _("执法记录仪")
        verbose_name_plural = _("执法记录仪")
        ordering = ["serial"]
        permissions = [
            ("issue_device", "Issue and take back devices"),
            ("check_device", "Record pre-use checks"),
            ("change_any_device", "Change devices kept by others"),
            ("import_devices", "Import the device ledger"),
        ]

    def __str__(self) -> str:
        return self.serial

    @property
    def current_issue(self) -> "DeviceIssue | None":
        return self.issues.filter(returned_at__isnull=True).select_related("officer").first()

    @property
    def latest_check(self) -> "PreUseCheck | None":
        return self.checks.order_by("-checked_at", "-pk").first()


class DeviceIssue(models.Model):
    """One period in which an officer carries a device (发放/领用 … 归还); kept forever."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="issues")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("领用人"),
        on_delete=models.PROTECT,
        related_name="device_issues",
    )
    issued_at = models.DateTimeField(_("发放时间"))
    issued_by = models.ForeignKey(  # None: the command line
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    override_reason = models.TextField(_("未通过检查仍发放的理由"), blank=True)
    returned_at = models.DateTimeField(_("归还时间"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    return_comment = models.TextField(_("归还备注"), blank=True)  # e.g. a scratched lens

    class Meta:
        verbose_name = _("发放记录")
        verbose_name_plural = _("发放记录")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["device"],
                condition=Q(returned_at__isnull=True),
                name="one_open_issue_per_device",
            )
        ]

    def __str__(self) -> str:
        return f"{self.device} → {self.officer}"


class MaintenanceKind(models.TextChoices):
    FAULT = "fault", _("故障")
    REPAIR = "repair", _("维修")
    BATTERY = "battery", _("更换电池")
    FIRMWARE = "firmware", _("固件升级")
    ADDITION = "addition", _("增配")
    REPLACEMENT = "replacement", _("更新替换")


class MaintenanceRecord(models.Model):
    """A fault, repair, battery or firmware change, addition or replacement (R-05)."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="maintenance")
    kind = models.CharField(_("类别"), max_length=20, choices=MaintenanceKind.choices)
    description = models.TextField(_("说明"))
    at = models.DateTimeField(_("时间"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    replacement = models.ForeignKey(
        Device,
        verbose_name=_("替换为"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
    )

    class Meta:
        verbose_name = _("维护记录")
        verbose_name_plural = _("维护记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.device} {self.kind}"


class PreUseCheck(models.Model):
    """The check before filming (R-07): fault, battery, storage, and the device clock against
    true time. The problems found are kept as they were judged at the time."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="checks")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(_("检查时间（服务器）"))
    no_fault = models.BooleanField(_("无故障"))
    battery_percent = models.PositiveSmallIntegerField(_("电量（%）"))
    free_storage_gb = models.DecimalField(_("剩余存储（GB）"), max_digits=8, decimal_places=2)
    device_clock = models.DateTimeField(_("记录仪时钟"))
    clock_offset = models.DurationField(_("时钟偏差"))  # device clock minus true time
    problems = models.JSONField(_("问题"), default=list)

    class Meta:
        verbose_name = _("使用前检查")
        verbose_name_plural = _("使用前检查")
        ordering = ["-checked_at"]

    def __str__(self) -> str:
        return f"{self.device} {self.checked_at:%Y-%m-%d %H:%M}"

    @property
    def passed(self) -> bool:
        return not self.problems
