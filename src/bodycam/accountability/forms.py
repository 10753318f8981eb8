from django import forms
from django.utils.translation import gettext_lazy as _

from bodycam.accountability.models import (
    AdministrativeSanction,
    Category,
    Part,
    Responsibility,
    Sanction,
)
from bodycam.accounts.models import User
from bodycam.lib.forms import Form

TEXT = {"rows": 3}


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} · {obj.unit.name if obj.unit else '—'}"


def _person(label, required: bool = False) -> PersonField:
    people = User.objects.filter(is_active=True).select_related("unit").order_by("username")
    return PersonField(label=label, queryset=people, required=required)


class EscalateForm(Form):
    """A finding or a review becomes a case: the ground, and facts if the carried ones are not
    enough."""

    category = forms.ChoiceField(label=_("过错情形（R-21）"), choices=Category.choices)
    facts = forms.CharField(
        label=_("过错事实（不填则沿用问题或评查的内容）"), widget=forms.Textarea(attrs=TEXT),
        max_length=5000, required=False,
    )  # fmt: skip


class OpenCaseForm(Form):
    category = forms.ChoiceField(label=_("过错情形（R-21）"), choices=Category.choices)
    facts = forms.CharField(label=_("过错事实"), widget=forms.Textarea(attrs=TEXT), max_length=5000)
    handler = _person(Part.HANDLER.label, required=True)
    reviewer = _person(Part.REVIEWER.label)
    approver = _person(Part.APPROVER.label)

    def shares(self) -> list[tuple[User, str]]:
        data = self.cleaned_data
        return [(data[part], part) for part in Part.values if data.get(part)]


class TextForm(Form):
    """One text, for the steps that need nothing more (statement, extension, notice, criticism,
    closing report, appeal)."""

    text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs=TEXT), max_length=5000)


class DecideForm(Form):
    """The head's decision: its text, then a sanction (and any administrative sanction) per
    person responsible."""

    decision = forms.CharField(
        label=_("决定的内容和理由"), widget=forms.Textarea(attrs=TEXT), max_length=5000
    )
    mitigating = forms.BooleanField(label=_("从轻情节：主动纠正"), required=False)

    def __init__(self, shares: list[Responsibility], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.shares = shares
        for share in shares:
            who = f"{share.person.display_name}（{share.get_part_display()}）"
            self.fields[f"sanction-{share.person_id}"] = forms.ChoiceField(
                label=who, choices=Sanction.choices
            )
            self.fields[f"administrative-{share.person_id}"] = forms.ChoiceField(
                label=_("行政处分（由有权机关决定后登记）"),
                choices=[("", "—"), *AdministrativeSanction.choices], required=False,
            )  # fmt: skip

    def rows(self) -> list[tuple]:
        return [(self[f"sanction-{s.person_id}"], self[f"administrative-{s.person_id}"])
                for s in self.shares]  # fmt: skip
