"""Refusals: a rule said no. Pages show the message in the user's language; the API answers
with a stable `code`, the HTTP status and the message in the request's language; the command
line prints it in Chinese and English."""

from typing import Any

from django.utils import translation
from django.utils.functional import Promise


class Refused(Exception):
    """A domain rule refused the request; nothing was changed.

    `message` is a lazy translation (gettext_lazy) with %-placeholders filled from `params`;
    `code` is the stable name a program matches on; `http_status` the HTTP status that says it.
    """

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str = "refused",
        http_status: int = 400,
        headers: dict[str, str] | None = None,
        **params: Any,
    ) -> None:
        self.message = message
        self.code = code
        self.http_status = http_status
        self.headers = headers or {}
        self.params = params
        super().__init__(self.bilingual())

    def text(self) -> str:
        """The message in the active language."""
        return str(self.message) % self.params if self.params else str(self.message)

    def bilingual(self) -> str:
        """'中文 / English', for the command line."""
        with translation.override("zh-hans"):
            chinese = self.text()
        with translation.override("en"):
            english = self.text()
        return chinese if chinese == english else f"{chinese} / {english}"


def bilingual(message: str | Promise, **params: Any) -> str:
    """A catalogue message in Chinese and English, for the command line and logs."""
    return Refused(message, **params).bilingual()


def msgid(message: str | Promise) -> str:
    """The catalogue id of a lazy message (the Chinese original), to store and translate
    later with gettext where it is shown."""
    with translation.override("zh-hans"):
        return str(message)


def bilingual_id(message_id: str) -> str:
    """A stored catalogue message id ("" stays "") in Chinese and English, for the command
    line; text that is no message id is printed as it is."""
    if not message_id:
        return ""
    with translation.override("zh-hans"):
        chinese = translation.gettext(message_id)
    with translation.override("en"):
        english = translation.gettext(message_id)
    return chinese if chinese == english else f"{chinese} / {english}"
