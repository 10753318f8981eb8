from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.models import Unit, User
from bodycam.lib.forms import Form
from bodycam.lib.words import period_words


def _periods() -> list[tuple[str, str]]:
    periods = settings.CASE_RETENTION_PERIODS
    return [(name, period_words(name, periods)) for name in periods]


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


KEY_EXAMPLE = _("00:01:10-00:02:30 询问当事人")


class ExtractionForm(Form):
    """An evidence disc of some of the case's evidence (R-15); each chosen recording's key
    content is a field of its own (`key_<id>`), added for the case's evidence."""

    extractor = forms.ModelChoiceField(
        label=_("提取人（持有人）"),
        queryset=User.objects.filter(is_active=True).order_by("username"),
        help_text=_("把光盘带走、交给案卷的人，可以是制作人本人。"),
    )
    purpose = forms.CharField(
        label=_("证明对象"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    recipient = forms.CharField(label=_("接收单位或人员"), max_length=200, required=False)
    copies = forms.IntegerField(label=_("制作份数"), min_value=1, max_value=10, initial=1)

    def __init__(self, *args, evidence=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.evidence = list(evidence)
        for use in self.evidence:
            self.fields[f"key_{use.recording_id}"] = forms.CharField(
                label=_("关键内容和相应时间段"), required=False, max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2, "placeholder": KEY_EXAMPLE}),
            )  # fmt: skip


class DiscCheckForm(Form):
    image = forms.FileField(
        label=_("光盘镜像文件"),
        help_text=_("刻录后从光盘读出的镜像（.iso），或制作时下载的镜像。"),
    )
