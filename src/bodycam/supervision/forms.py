from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.models import Unit, User
from bodycam.accounts.roles import Role
from bodycam.lib.forms import Form
from bodycam.supervision.models import Verdict
from bodycam.supervision.reviews import Item

DATE = {"type": "date"}


class ReviewerField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} · {obj.unit.name if obj.unit else '—'}"


class CampaignForm(Form):
    title = forms.CharField(label=_("抽查名称"), max_length=200)
    period_from = forms.DateField(label=_("抽查期间自"), widget=forms.DateInput(attrs=DATE))
    period_to = forms.DateField(
        label=_("抽查期间至"), widget=forms.DateInput(attrs=DATE),
        help_text=_("最晚到昨天：当天的记录当天入库，期间结束后才抽样（R-13）。"),
    )  # fmt: skip
    percent = forms.DecimalField(
        label=_("抽查比例（%）"), min_value=Decimal("0.01"), max_value=100, decimal_places=2,
        initial=5, help_text=_("每名执法人员的记录按这个比例抽取，向上取整。"),
    )  # fmt: skip
    minimum = forms.IntegerField(
        label=_("每人至少抽查（条）"), min_value=0, max_value=100, initial=1
    )
    units = forms.ModelMultipleChoiceField(
        label=_("抽查单位"), queryset=Unit.objects.order_by("code"), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选即全局抽查；选中的单位包括其下级单位。"),
    )  # fmt: skip
    reviewers = ReviewerField(
        label=_("评查人员"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text=_("评查人员不评查本单位的记录：系统按单位回避分配。"),
    )  # fmt: skip
    review_until = forms.DateField(
        label=_("评查截止日期"), widget=forms.DateInput(attrs=DATE), required=False,
        help_text=_("评查人员在此日期之前可以查看抽中的记录；不填为 14 天后。"),
    )  # fmt: skip

    refusal_fields = {"invalid_period": "period_to", "invalid_ratio": "percent",
                      "invalid_minimum": "minimum", "invalid_reviewer": "reviewers",
                      "reviewers_required": "reviewers", "title_required": "title",
                      "invalid_review_until": "review_until"}  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reviewers"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = User.objects.filter(
            is_active=True, role_assignments__role=Role.SUPERVISOR
        ).select_related("unit")


class DecisionForm(Form):
    opinion = forms.CharField(
        label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )


class CloseForm(Form):
    summary = forms.CharField(
        label=_("抽查总结"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class ReviewForm(Form):
    """One verdict, comment and second per item of the review form, then an overall comment
    (and a reason when correcting)."""

    def __init__(self, items: list[Item], *args, correcting: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"{item.key}-verdict"] = forms.ChoiceField(
                label=str(item.label), choices=Verdict.choices, widget=forms.RadioSelect
            )
            self.fields[f"{item.key}-comment"] = forms.CharField(
                label=_("说明"), max_length=2000, required=False
            )
            self.fields[f"{item.key}-second"] = forms.IntegerField(
                label=_("位置（秒）"), min_value=0, max_value=10**7, required=False
            )
        self.fields["comment"] = forms.CharField(
            label=_("评查意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
            required=False,
        )  # fmt: skip
        if correcting:
            self.fields["reason"] = forms.CharField(
                label=_("更正理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
            )

    def rows(self) -> list[dict]:
        """Each item with its three fields, for the template."""
        return [
            {"item": item, "verdict": self[f"{item.key}-verdict"],
             "comment": self[f"{item.key}-comment"], "second": self[f"{item.key}-second"]}
            for item in self.items
        ]  # fmt: skip
