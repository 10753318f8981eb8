from datetime import datetime, timedelta

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.models import User
from bodycam.accounts.roles import Role
from bodycam.devices.checks import Reading
from bodycam.devices.models import Device, MaintenanceKind
from bodycam.lib.forms import Form

SALT = "bodycam.pre-use-check"
READ_WINDOW_MS = 3600 * 1000  # as long as a served page's signed time is trusted

LOCAL_SECONDS = forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"})


def people_with(role: str):
    return User.objects.filter(is_active=True, role_assignments__role=role).order_by("username")


class DeviceForm(Form):
    serial = forms.CharField(label=_("产品序号"), max_length=40)
    manufacturer = forms.CharField(label=_("生产厂家"), max_length=100, required=False)
    model = forms.CharField(label=_("型号"), max_length=100, required=False)
    explosion_proof = forms.BooleanField(label=_("防爆型"), required=False)
    purchase_date = forms.DateField(
        label=_("购置日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    custodian = forms.ModelChoiceField(label=_("保管员"), queryset=User.objects.none())
    notes = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        custodian = self.fields["custodian"]
        assert isinstance(custodian, forms.ModelChoiceField)
        custodian.queryset = people_with(Role.CUSTODIAN)


class IssueForm(Form):
    officer = forms.ModelChoiceField(label=_("领用人"), queryset=User.objects.none())
    override_reason = forms.CharField(
        label=_("检查未通过仍发放的理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("仅在最近一次使用前检查未通过时需要填写。"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        officer = self.fields["officer"]
        assert isinstance(officer, forms.ModelChoiceField)
        officer.queryset = people_with(Role.OFFICER)


class CheckForm(Form):
    """Large, simple fields: filled on a phone before filming (R-07).

    The device's clock is compared with true time at the moment the officer read it: the page
    carries the signed time it was served, and check.js adds how long after that the officer
    started typing (measured with the browser's monotonic clock, not the phone's).
    """

    no_fault = forms.TypedChoiceField(
        label=_("记录仪是否有故障"),
        choices=[("1", _("无故障")), ("0", _("有故障"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    battery_percent = forms.IntegerField(
        label=_("电量（%）"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": _("请填写 0 到 100 之间的整数，如 80。")},
    )
    free_storage_gb = forms.DecimalField(
        label=_("剩余存储（GB）"),
        max_digits=8,
        decimal_places=2,
        error_messages={
            "invalid": _("请填写数字，如 32 或 12.5。"),
            "max_digits": _("数字太大：记录仪的剩余存储不会超过 999999 GB，请检查。"),
            "max_whole_digits": _("数字太大：记录仪的剩余存储不会超过 999999 GB，请检查。"),
            "max_decimal_places": _("最多保留两位小数，如 12.75。"),
        },
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    device_clock = forms.DateTimeField(
        label=_("记录仪屏幕上显示的时间"),
        widget=LOCAL_SECONDS,
        help_text=_("看着记录仪，照抄它此刻显示的日期和时间（精确到秒），系统会与标准时间比对。"),
    )
    served_at = forms.CharField(widget=forms.HiddenInput, required=False)
    # How long after serving the page the officer read the clock (check.js measures it).
    read_after_ms = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["served_at"].initial = signing.dumps(timezone.now().isoformat(), salt=SALT)

    def read_at(self) -> datetime | None:
        """When the officer read the device's clock, in true (server) time, if the page says."""
        token, after = self.cleaned_data.get("served_at"), self.cleaned_data.get("read_after_ms")
        if not token or after is None or not 0 <= after <= READ_WINDOW_MS:
            return None  # no measurement, or one no page could have made: submission time
        try:
            served = datetime.fromisoformat(signing.loads(token, salt=SALT, max_age=3600))
        except (signing.BadSignature, ValueError):
            return None
        return served + timedelta(milliseconds=after)

    def reading(self) -> Reading:
        data = self.cleaned_data
        return Reading(
            no_fault=data["no_fault"],
            battery_percent=data["battery_percent"],
            free_storage_gb=data["free_storage_gb"],
            device_clock=data["device_clock"],
            read_at=self.read_at(),
        )


class MaintenanceForm(Form):
    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:  # a custodian replaces with a device they keep
            replacement = self.fields["replacement"]
            assert isinstance(replacement, forms.ModelChoiceField)
            replacement.queryset = Device.objects.restrict(user, "change")

    kind = forms.ChoiceField(label=_("类别"), choices=MaintenanceKind.choices)
    description = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}))
    replacement = forms.ModelChoiceField(
        label=_("替换为（仅更新替换时）"), queryset=Device.objects.all(), required=False
    )


class ReasonForm(Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}))


class CorrectionForm(Form):
    """A correction of a device's record: the fields as they should be, and why."""

    manufacturer = forms.CharField(label=_("生产厂家"), max_length=100, required=False)
    model = forms.CharField(label=_("型号"), max_length=100, required=False)
    purchase_date = forms.DateField(
        label=_("购置日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    explosion_proof = forms.BooleanField(label=_("防爆型"), required=False)
    reason = forms.CharField(
        label=_("更正理由"), widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("原来的信息保留在监管链日志中。"),
    )  # fmt: skip

    @classmethod
    def of(cls, device: Device) -> "CorrectionForm":
        fields = ("manufacturer", "model", "purchase_date", "explosion_proof")
        return cls(initial={name: getattr(device, name) for name in fields})
