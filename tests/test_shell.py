"""The project shell: health, API authentication, language, error pages, security headers."""

import pytest
from django.urls import reverse

from tests.factories import api_key

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_storage(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "storage": "ok"}


def test_healthz_reports_unwritable_storage(client, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.BLOB_STORAGE_DIR = blocker / "blobs"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["storage"].startswith("error")


def test_anonymous_api_call_gets_401_with_a_chinese_message(client):
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert "身份认证信息未提供" in response.json()["detail"]


def test_token_authenticates_the_api(client, officer):
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {api_key(officer)}")
    assert response.status_code == 200
    assert response.json()["badge_number"] == "JX0227"
    assert response.json()["roles"] == ["officer"]


def test_api_directory_is_restricted_like_the_page(client, officer, head):
    client.force_login(officer)
    assert [u["username"] for u in client.get("/api/v1/users/").json()["results"]] == [
        officer.username
    ]
    client.force_login(head)
    assert client.get("/api/v1/users/").json()["count"] == 2


def test_openapi_schema_is_served_and_names_our_endpoints(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/me/" in paths and "/api/v1/users/" in paths


def test_api_docs_page_loads_for_a_signed_in_user(client, officer):
    client.force_login(officer)
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def test_language_switch_turns_pages_english_and_back(client, head):
    client.force_login(head)
    assert "退出登录" in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("home")).content.decode()
    assert "Log out" in page and "退出登录" not in page
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "退出登录" in client.get(reverse("home")).content.decode()


def test_an_english_browser_still_gets_chinese_first(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "<h1>登录</h1>" in response.content.decode()


def test_unknown_page_answers_404_in_chinese(client, head):
    client.force_login(head)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_responses_carry_security_headers(client):
    response = client.get(reverse("login"))
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.cookies["csrftoken"]["samesite"] == "Lax"


def test_debug_is_off_by_default(settings):
    assert settings.DEBUG is False


def test_static_files_are_served_with_debug_off(client, settings):
    assert settings.DEBUG is False
    response = client.get("/static/bodycam/app.css")
    assert response.status_code == 200
    assert b"--accent" in b"".join(response.streaming_content)


def test_a_refused_page_is_logged_as_one_warning_line(client, officer, caplog):
    client.force_login(officer)
    with caplog.at_level("WARNING", logger="django.request"):
        assert client.get("/ledger/").status_code == 403
    refused = [record for record in caplog.records if record.name == "django.request"]
    assert len(refused) == 1 and refused[0].levelname == "WARNING"
    assert refused[0].exc_info is None and "Traceback" not in caplog.text


def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content
