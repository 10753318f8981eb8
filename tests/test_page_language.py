"""Every page each demo role can reach speaks that user's language: in Chinese no English word
outside a short allow-list (serials, badge numbers, hashes, units, codec names), in English no
Chinese outside what people typed in (names, units, reasons). The crawl follows the links a
person can click, from the home page, as each role."""

import re
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from bodycam.accounts.models import User

pytestmark = pytest.mark.django_db

ROLES = ["head", "officer", "custodian", "records", "supervisor", "oversight", "auditor",
         "secrecy", "admin"]  # fmt: skip
# Not pages: files, the API and its browsable docs (a library's own UI), Django's admin.
SKIPPED = re.compile(
    r"^/(static|api|admin|i18n|logout)/|/(original|copy|proxy|strip|thumbnail|playback)\b"
    r"|\.(xlsx|pdf|iso|csv|json|mp4)$|/export"
)
PER_ROLE = 250
ENOUGH = 15

# Words that stay as they are in Chinese: units, formats and codecs, standards, product names.
ENGLISH_ALLOWED = {
    "SHA", "MB", "KB", "GB", "TB", "API", "MP4", "MOV", "AVI", "JPEG", "JPG", "PNG", "WAV",
    "MP3", "AAC", "PCM", "HEVC", "ISO", "UDF", "PDF", "Token", "Authorization", "Beijing",
    "UTC", "GPS", "EXIF", "USB", "tus", "IETF", "RFC", "Merkle", "Ed25519", "Chromium",
    "Excel", "xlsx", "csv", "DSJ", "URL", "HTTP", "HTTPS", "JSON", "ECharts", "signed-note",
}  # fmt: skip
# Serials, badge numbers, unit codes, hashes, setting names.
CODE_LIKE = re.compile(
    r"^(?=.*\d)[A-Za-z0-9_.-]+$|^[0-9a-f]{8,}$|^[A-Z0-9]{2,}(-[A-Z0-9]+)*$|^BODYCAM_[A-Z_]+$"
)


class _Page(HTMLParser):
    """The text a person reads on a page in its language, and the links they can follow.
    What is marked as another language (lang="zh-hans" around the notification an officer
    says aloud, lang="zxx" around hashes, keys and signed notes) is left out."""

    SILENT = {"script", "style", "template"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
            "source", "track", "wbr"}  # fmt: skip

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language
        self.text: list[str] = []
        self.links: list[str] = []
        self._silent = 0
        self._open: list[bool] = []  # per open element: does it start another language?

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        other = bool(attrs.get("lang")) and attrs["lang"] != self.language
        if tag not in self.VOID:
            self._open.append(other)
            if tag in self.SILENT or other:
                self._silent += 1
        if self._silent:
            return
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in ("placeholder", "title", "aria-label", "alt"):
            if attrs.get(name):
                self.text.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.text.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in self.VOID or not self._open:
            return
        other = self._open.pop()
        if tag in self.SILENT or other:
            self._silent -= 1

    def handle_data(self, data):
        if not self._silent:
            self.text.append(data)


def _typed_in() -> set[str]:
    """Every Chinese text people or the demo put into the database (names, units, reasons):
    data, shown as it was written whatever the page's language."""
    found = set()
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields
                 if isinstance(f, models.CharField | models.TextField)]  # fmt: skip
        for row in model.objects.values_list(*names) if names else []:
            found.update(v for v in row if isinstance(v, str) and CHINESE.search(v))
    return found


CHINESE = re.compile(r"[\u3400-\u9fff]+")


def _crawl(client, language: str) -> dict[str, str]:
    """Each page the signed-in user can reach by clicking, with its visible text."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    seen, queue, pages = set(), ["/"], {}
    while queue and len(pages) < PER_ROLE:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, f"{url} answered {response.status_code}"
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = _Page(language)
        page.feed(response.content.decode())
        pages[url] = " ".join(page.text)
        for href in page.links:
            target = urljoin(url, href.split("#")[0])
            parts = urlsplit(target)
            if parts.netloc or not target.startswith("/") or SKIPPED.search(parts.path):
                continue
            if "page=" in parts.query:  # the first page of a list is enough
                continue
            queue.append(target)
    return pages


def _english_words(text: str) -> set[str]:
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9_.-]*[A-Za-z0-9]|[A-Za-z]", text))
    return {w for w in words if len(w) > 2 and w not in ENGLISH_ALLOWED and not CODE_LIKE.match(w)}


@pytest.mark.parametrize("role", ROLES)
def test_chinese_pages_have_no_english_words(client, bureau, role):
    client.force_login(User.objects.get(username=role))
    usernames = set(User.objects.values_list("username", flat=True))
    found = defaultdict(set)
    pages = _crawl(client, "zh-hans")
    assert len(pages) >= ENOUGH, sorted(pages)  # the crawl really went round (16 to 74 pages)
    for url, text in pages.items():
        for word in _english_words(text) - usernames:
            found[word].add(url)
    assert not found, "\n".join(f"{w}: {sorted(urls)[:3]}" for w, urls in sorted(found.items()))


@pytest.mark.parametrize("role", ROLES)
def test_english_pages_have_no_untranslated_chinese(client, bureau, role):
    client.force_login(User.objects.get(username=role))
    typed = sorted(_typed_in(), key=len, reverse=True)
    found = defaultdict(set)
    pages = _crawl(client, "en")
    assert len(pages) >= ENOUGH, sorted(pages)
    for url, text in pages.items():
        for value in typed:
            text = text.replace(value, " ")
        for chinese in CHINESE.findall(text):
            found[chinese].add(url)
    assert not found, "\n".join(f"{c}: {sorted(urls)[:3]}" for c, urls in sorted(found.items()))
