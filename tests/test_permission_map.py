"""Every URL refuses anonymous users unless it is one of the few public ones.

The list is built from the URL configuration, so a page added later is covered by default.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

PUBLIC = {
    "login",
    "healthz",
    "favicon",
    "set_language",  # the login page offers the language switch
    "api-schema",
    "admin:login",
    "admin:logout",
}
# Converters get a value of the right shape; the object need not exist.
SAMPLES = {
    "drf_format_suffix": ".json",
    "int": "1",
    "id": "1",
    "str": "x",
    "slug": "x",
    "uuid": "00000000-0000-0000-0000-000000000001",
    "path": "x",
}


def _concrete(pattern) -> str:
    text = str(pattern)
    text = re.sub(r"\\\.\(\?P<format>[^)]*\)/\?", ".json", text)  # DRF format suffix
    text = re.sub(r"\(\?P<\w+>[^)]*\)", "1", text)
    text = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES[m.group(1) or "str"], text)
    return text.lstrip("^").removesuffix("$").replace("\\.", ".")


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        route = prefix + _concrete(entry.pattern)
        if isinstance(entry, URLResolver):
            space = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, space)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else route, "/" + route


URLS = sorted(set(_walk(get_resolver().url_patterns)))


def test_the_url_list_is_not_empty():
    names = {name for name, _ in URLS}
    assert {"home", "people", "me", "user-list", "api-docs"} <= names


@pytest.mark.parametrize(("name", "url"), [u for u in URLS if u[0] not in PUBLIC], ids=str)
def test_anonymous_users_are_refused(client, name, url):
    for method in (client.get, client.post):
        response = method(url)
        refused = response.status_code in (401, 403, 405) or (
            response.status_code == 302 and "login" in response.url
        )
        assert refused, f"{name} {url} answered {response.status_code} to an anonymous user"


PAGES = [
    (name, url)
    for name, url in URLS
    if name not in PUBLIC | {"logout"} and not url.startswith(("/api/", "/admin/"))
]


@pytest.mark.parametrize(("name", "url"), PAGES, ids=str)
def test_an_anonymous_visitor_is_sent_to_log_in_and_back_never_told_of_roles(client, name, url):
    response = client.get(url)
    if response.status_code == 405:  # an action taken by a form: its POST is the request
        response = client.post(url)
    assert response.status_code == 302, f"{name} {url} answered {response.status_code}"
    assert response.url == f"/login/?next={url}"
