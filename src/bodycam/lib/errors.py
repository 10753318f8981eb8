"""Refusals: a rule said no. Pages show the message in the user's language; the API and the
command line give it in Chinese and English."""

from typing import Any

from django.utils import translation
from django.utils.functional import Promise


class Refused(Exception):
    """A domain rule refused the request; nothing was changed.

    `message` is a lazy translation (gettext_lazy) with %-placeholders filled from `params`.
    """

    def __init__(self, message: str | Promise, **params: Any) -> None:
        self.message = message
        self.params = params
        super().__init__(self.bilingual())

    def text(self) -> str:
        """The message in the active language."""
        return str(self.message) % self.params if self.params else str(self.message)

    def bilingual(self) -> str:
        """'中文 / English', for the API and the command line."""
        with translation.override("zh-hans"):
            chinese = self.text()
        with translation.override("en"):
            english = self.text()
        return chinese if chinese == english else f"{chinese} / {english}"
