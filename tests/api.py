"""What every API refusal promises: a stable code, and its detail in the language asked for."""

import re

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def refused(send, status: int = 400, code: str | None = None) -> tuple[str, str]:
    """Send a refused request as a Chinese client (the default) and as an English one
    (Accept-Language: en); both answer `status` with the same stable code, each detail in its
    language. Returns (Chinese detail, English detail). `send(**headers)` makes the request."""
    chinese, english = send(), send(HTTP_ACCEPT_LANGUAGE="en")
    assert chinese.status_code == english.status_code == status, (chinese.json(), status)
    zh, en = chinese.json(), english.json()
    assert zh["code"] == en["code"], (zh, en)
    if code is not None:
        assert zh["code"] == code, zh
    assert CHINESE.search(zh["detail"]), zh
    # names and serials stay as they are; the sentence around them is English
    assert en["detail"] != zh["detail"] and re.search("[A-Za-z]{3,}", en["detail"]), en
    return zh["detail"], en["detail"]


def field_errors(response) -> dict[str, list[str]]:
    """The per-field messages of a 400 for a body that did not validate."""
    body = response.json()
    assert response.status_code == 400 and body["code"] and body["detail"], body
    return body["errors"]
