from django import forms


class Form(forms.Form):
    """Our forms: labels without a trailing colon (the layout puts them above the field)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
