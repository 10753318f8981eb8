from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.models import User
from bodycam.accounts.roles import Role
from bodycam.devices.models import Device
from bodycam.lib.forms import Form
from bodycam.recordings.models import Recording

TO_THE_SECOND = forms.DateTimeInput(
    attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S"
)


class IdentifyForm(Form):
    """What the records office establishes about a recording the files left unclear."""

    refusal_fields = {
        "not_an_officer": "officer",
        "recorded_after_ingest": "recorded_at",
        "reason_required": "reason",
    }

    officer = forms.ModelChoiceField(
        label=_("执法人员"), queryset=User.objects.none(), required=False
    )
    device = forms.ModelChoiceField(
        label=_("执法记录仪"), queryset=Device.objects.order_by("serial"), required=False
    )
    recorded_at = forms.DateTimeField(
        label=_("真实录制时间（北京时间）"), widget=TO_THE_SECOND, required=False
    )
    reason = forms.CharField(
        label=_("核实理由和依据"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如：经询问保管员，当天该记录仪由李明领用；记录仪时钟慢 3 小时。"),
        error_messages={"required": _("核实须写明理由和依据。")},
    )

    def __init__(self, *args, recording: Recording, **kwargs) -> None:
        recorded = recording.recorded_at and timezone.localtime(recording.recorded_at)
        initial = {
            "officer": recording.officer_id,
            "device": recording.device_id,
            "recorded_at": recorded and recorded.strftime("%Y-%m-%dT%H:%M:%S"),
        }
        super().__init__(*args, initial=initial, **kwargs)
        officer = self.fields["officer"]
        assert isinstance(officer, forms.ModelChoiceField)
        officer.queryset = User.objects.filter(
            is_active=True, role_assignments__role=Role.OFFICER
        ).order_by("badge_number")
