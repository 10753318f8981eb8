"""API tokens: stored hashed and shown once, expiring, revocable by their owner or an
administrator; each issue and revocation in the ledger; nobody obtains someone else's."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from bodycam.accounts import tokens
from bodycam.accounts.models import ApiToken
from bodycam.ledger.models import Action, LedgerEntry
from tests.api import refused
from tests.factories import api_key

pytestmark = pytest.mark.django_db
ME = "/api/v1/me/"
TOKENS = "/api/v1/tokens/"


def _changes(user) -> list[str]:
    """The token events in the ledger about `user`."""
    entries = LedgerEntry.objects.filter(
        action=Action.USER_CHANGE, subject_kind="user", subject_id=str(user.pk)
    )
    changes = (entry.payload["change"] for entry in entries.order_by("seq"))
    return [change for change in changes if change.startswith("token")]


def _every_stored_text() -> str:
    """Every value of every column of every table, as text: where a key might hide."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            found.extend(str(value) for row in cursor.fetchall() for value in row)
    return "\n".join(found)


def test_a_key_is_never_stored_only_its_digest_and_prefix(officer):
    key = api_key(officer)
    token = ApiToken.objects.get()
    assert key.startswith(token.prefix) and len(token.prefix) < len(key) // 3
    assert token.digest == tokens.digest(key) != key
    assert key not in _every_stored_text()


def test_the_key_authenticates_its_owner_and_records_its_use(client, officer):
    key = api_key(officer)
    response = client.get(ME, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200 and response.json()["username"] == officer.username
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize("state", ["expired", "revoked", "owner_deactivated", "unknown"])
def test_a_dead_key_is_refused_with_401_in_the_language_asked_for(client, officer, state):
    key = api_key(officer)
    token = ApiToken.objects.get()
    if state == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    elif state == "revoked":
        tokens.revoke_token(token, officer)
    elif state == "owner_deactivated":
        officer.is_active = False
        officer.save()
    else:
        key = key[:-4] + "AAAA"
    chinese, english = refused(
        lambda **lang: client.get(ME, HTTP_AUTHORIZATION=f"Token {key}", **lang), 401
    )
    assert "令牌" in chinese and "token" in english


def test_issuing_and_revoking_are_ledger_entries_without_the_key(officer):
    key = api_key(officer)
    tokens.revoke_token(ApiToken.objects.get(), officer)
    assert _changes(officer) == ["token_issued", "token_revoked"]
    for entry in LedgerEntry.objects.filter(action=Action.USER_CHANGE):
        assert key not in entry.payload_json
    token_entries = LedgerEntry.objects.filter(payload_json__contains='"token":')
    assert [entry.payload["token"] for entry in token_entries] == [key[:11]] * 2


def test_a_token_is_issued_through_the_api_for_oneself_and_its_key_shown_once(api, officer):
    api.force_authenticate(officer)
    created = api.post(TOKENS, {"name": "采集站一", "days": 30}, format="json")
    assert created.status_code == 201
    key = created.json()["key"]
    assert created.json()["user"] == officer.username
    expires = ApiToken.objects.get().expires_at - ApiToken.objects.get().created_at
    assert expires == timedelta(days=30)
    listed = api.get(TOKENS).json()["results"]
    assert [row["prefix"] for row in listed] == [key[:11]]
    assert key not in json.dumps(listed) and "key" not in listed[0]
    assert key not in json.dumps(api.get(f"{TOKENS}{listed[0]['id']}/").json())


def test_a_lifetime_beyond_the_limit_is_refused(api, officer, settings):
    settings.API_TOKEN_MAX_DAYS = 30
    api.force_authenticate(officer)
    refused(lambda **lang: api.post(TOKENS, {"days": 31}, format="json", **lang),
            code="invalid_lifetime")  # fmt: skip
    assert not ApiToken.objects.exists()


def test_nobody_issues_a_token_for_someone_else_not_even_an_administrator(officer, administrator):
    with pytest.raises(tokens.Refused) as refusal:
        tokens.issue_token(officer, administrator)
    assert refusal.value.code == "not_your_token"
    assert not ApiToken.objects.exists()


def test_owners_and_administrators_revoke_others_may_not(api, officer, custodian, administrator):
    api_key(officer)
    token = ApiToken.objects.get()
    api.force_authenticate(custodian)
    assert api.post(f"{TOKENS}{token.pk}/revoke/").status_code == 404  # not theirs to see
    api.force_authenticate(administrator)
    listed = api.get(TOKENS).json()["results"]
    assert [row["prefix"] for row in listed] == [token.prefix]  # the prefix only
    assert api.post(f"{TOKENS}{token.pk}/revoke/").status_code == 200
    token.refresh_from_db()
    assert token.revoked_by == administrator
    entry = LedgerEntry.objects.filter(action=Action.USER_CHANGE).order_by("-seq").first()
    assert entry.actor_id == administrator.pk and entry.payload["change"] == "token_revoked"
    again = api.post(f"{TOKENS}{token.pk}/revoke/")
    assert again.status_code == 409 and again.json()["code"] == "already_revoked"


def test_the_account_page_shows_a_new_key_once_then_only_its_prefix(client, officer):
    client.force_login(officer)
    response = client.post("/account/tokens/new/", {"name": "脚本", "days": "7"}, follow=True)
    page = response.content.decode()
    token = ApiToken.objects.get()
    shown = page.split('id="new-token">')[1].split("<")[0]
    assert shown.startswith(token.prefix) and tokens.digest(shown) == token.digest
    again = client.get("/account/").content.decode()
    assert shown not in again and f"{token.prefix}…" in again


def test_the_account_page_revokes_ones_own_token(client, officer):
    api_key(officer)
    token = ApiToken.objects.get()
    client.force_login(officer)
    client.post(f"/account/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_by == officer


def test_the_command_prints_the_key_once_and_revokes_by_prefix(officer, capsys):
    call_command("token", officer.username, "--json")
    issued = json.loads(capsys.readouterr().out)
    assert tokens.digest(issued["key"]) == ApiToken.objects.get().digest
    call_command("token", "--list", officer.username)
    listing = capsys.readouterr().out
    assert issued["prefix"] in listing and issued["key"] not in listing
    call_command("token", "--revoke", issued["prefix"])
    assert ApiToken.objects.get().revoked_at is not None
    assert _changes(officer) == ["token_issued", "token_revoked"]


def test_the_command_refuses_an_unknown_user_in_both_languages():
    with pytest.raises(CommandError, match=r"没有名为.*There is no active user"):
        call_command("token", "nobody")
