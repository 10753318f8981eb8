from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from bodycam.access.models import Manner, OutsideBody, Route
from bodycam.lib.forms import Form


class RequestForm(Form):
    route = forms.ChoiceField(label=_("调阅途径"), choices=Route.choices, initial=Route.WORK)
    reason = forms.CharField(
        label=_("事由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
        help_text=_("写明为什么需要查看，例如核实投诉情况、案件审理需要。"),
    )  # fmt: skip
    download = forms.BooleanField(
        label=_("同时申请下载原始记录（仅限诉讼、监督、案例分析和对外提供，R-17、R-18）"),
        required=False,
    )
    hours = forms.IntegerField(
        label=_("查阅时长（小时）"), min_value=1, max_value=settings.VIEWING_MAX_HOURS,
        initial=settings.VIEWING_DEFAULT_HOURS,
    )  # fmt: skip
    outside_body = forms.ChoiceField(
        label=_("外单位调阅（由综合科代为申请）"),
        choices=[("", _("（本局人员查阅）")), *OutsideBody.choices], required=False,
    )  # fmt: skip
    viewer_name = forms.CharField(label=_("查阅人"), max_length=100, required=False)
    viewer_unit = forms.CharField(label=_("查阅人单位"), max_length=200, required=False)
    viewer_badge = forms.CharField(label=_("查阅人证件号或警号"), max_length=60, required=False)
    letter_number = forms.CharField(label=_("介绍信/调阅函编号"), max_length=100, required=False)
    id_number = forms.CharField(label=_("身份证件号码（已核验）"), max_length=60, required=False)

    OUTSIDE_FIELDS = ("outside_body", "viewer_name", "viewer_unit", "viewer_badge",
                      "letter_number", "id_number")  # fmt: skip

    def __init__(self, *args, outside_allowed: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not outside_allowed:
            for name in self.OUTSIDE_FIELDS:
                del self.fields[name]


class OpinionForm(Form):
    opinion = forms.CharField(
        label=_("审批意见"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
        required=False,
    )  # fmt: skip


class RegisterForm(Form):
    manner = forms.ChoiceField(label=_("查阅方式"), choices=Manner.choices)
    copies = forms.IntegerField(label=_("复制份数"), min_value=0, max_value=20, initial=0)
    remarks = forms.CharField(
        label=_("备注"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )


class RevokeForm(Form):
    reason = forms.CharField(
        label=_("撤销原因"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
