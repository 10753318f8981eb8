from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.models import Unit
from bodycam.lib.forms import Form


def _periods() -> list[tuple[str, str]]:
    return [(label, label) for label in settings.CASE_RETENTION_PERIODS]


class CaseForm(Form):
    number = forms.CharField(label=_("案件编号"), max_length=60)
    title = forms.CharField(label=_("案由"), max_length=200)
    case_type = forms.CharField(label=_("案件类型"), max_length=60, required=False)
    unit = forms.ModelChoiceField(label=_("承办单位"), queryset=Unit.objects.all(), required=False)
    opened_on = forms.DateField(label=_("立案日期"), widget=forms.DateInput(attrs={"type": "date"}))
    closed_on = forms.DateField(
        label=_("结案日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("结案后，作为证据的音像记录保存至结案日期加上案卷保管期限（R-14）。"),
    )
    retention = forms.ChoiceField(label=_("案卷保管期限"), choices=_periods)


class CaseChangeForm(CaseForm):
    reason = forms.CharField(
        label=_("修改理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["number"]


class MarkForm(Form):
    recordings = forms.CharField(
        label=_("音像记录编号"),
        max_length=2000,
        help_text=_("一个或多个编号，用空格或逗号分隔，例如 12 15 16。"),
    )
    reason = forms.CharField(
        label=_("证明对象或理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
