from django import forms


class Form(forms.Form):
    """Our forms: labels without a trailing colon (the layout puts them above the field)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def readable_errors(self) -> list[str]:
        """Every error as "field: what is wrong", for a page that shows them as messages."""
        problems = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            problems += [f"{label}：{error}" if label else str(error) for error in errors]
        return problems

    # A refusal's code names the field it is about, so that it shows beside that field.
    refusal_fields: dict[str, str] = {}

    def add_refusal(self, refusal) -> None:
        field = self.refusal_fields.get(refusal.code)
        self.add_error(field if field in self.fields else None, refusal.text())
