from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.models import User
from bodycam.accounts.roles import Role
from bodycam.activities.vocabulary import ActivityType, ExemptionGround
from bodycam.devices.models import Device, DeviceStatus
from bodycam.lib.forms import Form

LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _now_local() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class OpenActivityForm(Form):
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

    def __init__(self, *args, user: User, **kwargs) -> None:
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
        officers.initial = [user.pk]
        devices.initial = list(
            Device.objects.filter(
                issues__officer=user, issues__returned_at__isnull=True
            ).values_list("pk", flat=True)
        )
        self.fields["started_at"].initial = _now_local()


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
