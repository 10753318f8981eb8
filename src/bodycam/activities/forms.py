from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.models import User
from bodycam.accounts.roles import Role
from bodycam.activities import corrections
from bodycam.activities.models import EnforcementActivity
from bodycam.activities.vocabulary import ActivityType, ExemptionGround
from bodycam.devices.models import Device, DeviceStatus
from bodycam.lib.forms import Form

LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M") if moment else None


def _now_local() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class ActivityFactsForm(Form):
    """What an activity is: opened with it, corrected through it."""

    refusal_fields = {
        "late_entry": "late_reason",
        "start_in_future": "started_at",
        "device_not_issued": "device_reason",
        "end_in_future": "ended_at",
        "ended_before_started": "ended_at",
        "return_in_future": "returned_at",
        "returned_before_ended": "returned_at",
        "reason_required": "reason",
    }

    type = forms.ChoiceField(label=_("活动类型"), choices=ActivityType.choices)
    subject_name = forms.CharField(label=_("被检查单位"), max_length=200, required=False)
    subject_code = forms.CharField(label=_("单位代码"), max_length=60, required=False)
    location = forms.CharField(label=_("地点"), max_length=200, required=False)
    officers = forms.ModelMultipleChoiceField(
        label=_("执法人员"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    devices = forms.ModelMultipleChoiceField(
        label=_("使用的记录仪"),
        queryset=Device.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    started_at = forms.DateTimeField(label=_("到达现场时间"), widget=LOCAL)
    away_from_base = forms.BooleanField(
        label=_("外出执法（返回后 24 小时内移交记录，R-13）"), required=False
    )
    case_number = forms.CharField(label=_("案件编号"), max_length=60, required=False)
    late_reason = forms.CharField(
        label=_("补录理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("仅在事后补录（开始时间在几天以前）时填写：写明为什么现在才登记。"),
    )
    device_reason = forms.CharField(
        label=_("使用他人记录仪的理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("仅在使用了不是发给本次执法人员的记录仪时填写，如临时借用。"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        officers, devices = self.fields["officers"], self.fields["devices"]
        assert isinstance(officers, forms.ModelMultipleChoiceField)
        assert isinstance(devices, forms.ModelMultipleChoiceField)
        officers.queryset = User.objects.filter(
            is_active=True, role_assignments__role=Role.OFFICER
        ).order_by("badge_number")
        devices.queryset = Device.objects.exclude(
            status__in=[DeviceStatus.RETIRED, DeviceStatus.LOST]
        )


class OpenActivityForm(ActivityFactsForm):
    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        officers, devices = self.fields["officers"], self.fields["devices"]
        officers.initial = [user.pk]
        devices.initial = list(
            Device.objects.filter(
                issues__officer=user, issues__returned_at__isnull=True
            ).values_list("pk", flat=True)
        )
        self.fields["started_at"].initial = _now_local()


class CorrectActivityForm(ActivityFactsForm):
    """The facts as they stand, to change; every correction says why (hard rule 6)."""

    ended_at = forms.DateTimeField(label=_("结束时间"), widget=LOCAL, required=False)
    returned_at = forms.DateTimeField(
        label=_("返回单位时间（外出执法）"), widget=LOCAL, required=False
    )
    reason = forms.CharField(
        label=_("更正理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("写明哪里填错了、为什么这样改。原来的内容保留在记录中。"),
        error_messages={"required": _("更正须写明理由。")},
    )
    field_order = [
        "type", "subject_name", "subject_code", "location", "officers", "devices", "started_at",
        "ended_at", "away_from_base", "returned_at", "case_number", "late_reason",
        "device_reason", "reason",
    ]  # fmt: skip

    def __init__(self, *args, activity: EnforcementActivity, **kwargs) -> None:
        initial = {name: getattr(activity, name) for name in corrections.FIELDS[:9]}
        initial |= {
            "officers": list(activity.officers.values_list("pk", flat=True)),
            "devices": list(activity.devices.values_list("pk", flat=True)),
            "started_at": _local(activity.started_at),
            "ended_at": _local(activity.ended_at),
            "returned_at": _local(activity.returned_at),
        }
        super().__init__(*args, initial=initial, **kwargs)

    def changes(self) -> dict:
        """The facts as the form now holds them; a time shown to the minute and left as it
        was is no change (the seconds stored stay)."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in corrections.FIELDS
            and not (name.endswith("_at") and _local(value) == self.initial.get(name))
        }


class CancelActivityForm(Form):
    reason = forms.CharField(
        label=_("撤销理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如：误开、重复登记。撤销后活动仍保留，显示为已撤销，不再要求录像。"),
        error_messages={"required": _("撤销须写明理由。")},
    )


class CloseActivityForm(Form):
    ended_at = forms.DateTimeField(label=_("结束时间"), widget=LOCAL)
    returned_at = forms.DateTimeField(
        label=_("返回单位时间（外出执法）"), widget=LOCAL, required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ended_at"].initial = _now_local()


class ReturnForm(Form):
    returned_at = forms.DateTimeField(label=_("返回单位时间"), widget=LOCAL)


class ExemptionForm(Form):
    ground = forms.ChoiceField(
        label=_("不予记录的情形"), choices=ExemptionGround.choices, widget=forms.RadioSelect
    )
    legal_basis = forms.CharField(label=_("法律依据"), widget=forms.Textarea(attrs={"rows": 3}))
    facts = forms.CharField(label=_("事实和理由"), widget=forms.Textarea(attrs={"rows": 4}))


class ReviewForm(Form):
    comment = forms.CharField(
        label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
