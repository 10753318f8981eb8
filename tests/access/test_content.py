"""Hard rule 2: no content without an active grant, for anyone.

The deny matrix is built from the URL configuration: every view made by `content_endpoint`
(its `content_kind` attribute) is tried by every role without a grant, then by the grant's
holder, then after the grant is revoked and after it expired. A content endpoint added later
is covered without editing this file.
"""

import hashlib
import time

import pytest
from django.core import signing
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from bodycam.access import requests as workflow
from bodycam.access import secrecy
from bodycam.access.content import SALT, content_url
from bodycam.access.copies import make_copy
from bodycam.access.levels import SecrecyLevel
from bodycam.access.models import ViewingRequest
from bodycam.accounts.roles import Role
from bodycam.ledger.models import LedgerEntry
from bodycam.recordings.models import DerivedKind
from bodycam.recordings.storage import blob_store
from tests.access.conftest import COURT, grant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _content_kinds(patterns=None) -> dict[str, str]:
    """URL name of every content endpoint, by kind."""
    found = {}
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            found |= _content_kinds(entry.url_patterns)
        elif isinstance(entry, URLPattern) and hasattr(entry.callback, "content_kind"):
            found[entry.callback.content_kind] = entry.name
    return found


KINDS = _content_kinds()


def test_the_content_endpoints_are_found_in_the_url_configuration():
    assert {"proxy", "strip", "thumbnail", "original", "copy", "play"} <= set(KINDS)


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(user, active, recording, kind) -> str:
    if kind == "play":
        return reverse(KINDS[kind], args=[recording.pk])
    return content_url(user, active, recording, kind)


def _expected_bytes(recording, kind) -> bytes:
    if kind == "original":
        sha256 = recording.sha256
    elif kind == "copy":
        sha256 = recording.provided_copies.get().sha256
    else:
        wanted = {"proxy": DerivedKind.PROXY, "strip": DerivedKind.STRIP,
                  "thumbnail": DerivedKind.THUMBNAIL}[kind]  # fmt: skip
        sha256 = recording.derived.get(kind=wanted).sha256
    with blob_store().open(sha256) as blob:
        return blob.read()


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _denials(user) -> int:
    return LedgerEntry.objects.filter(action="access_denied", actor_id=user.pk).count()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_role_without_a_grant_is_refused_and_the_refusal_is_in_the_ledger(
    kind, recording, db
):
    for role in Role.values:
        person = UserFactory(roles=[role])
        before = _denials(person)
        response = _signed_in(person).get(
            reverse(KINDS[kind], args=[recording.pk]), HTTP_ACCEPT="text/html"
        )
        assert response.status_code in (403, 404), (role, response.status_code)
        assert not response.streaming  # a refusal, never a file
        assert _denials(person) == before + 1, role
        assert _signed_in(person).head(reverse(KINDS[kind], args=[recording.pk])).status_code in (
            403, 404,
        )  # fmt: skip


def _holder_grant(kind, recording, records_clerk, head, custodian):
    """A grant that gives `kind`: provision outside (R-18) for the watermarked copy, made
    here by the job's function; litigation with download (R-17) for everything else."""
    if kind != "copy":
        return grant(records_clerk, [recording], head, custodian, route="litigation",
                     rights=["view", "download"])  # fmt: skip
    active = grant(records_clerk, [recording], head, custodian, route="external",
                   rights=["view", "download"], outside=COURT)  # fmt: skip
    make_copy(active.provided_copies.get())
    return active


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_grant_holder_gets_the_content_until_the_grant_ends(
    kind, recording, records_clerk, head, custodian
):
    active = _holder_grant(kind, recording, records_clerk, head, custodian)
    client = _signed_in(records_clerk)
    url = _url(records_clerk, active, recording, kind)
    response = client.get(url)
    assert response.status_code == 200
    if kind == "play":
        assert "播放" in response.content.decode()
    else:
        assert _body(response) == _expected_bytes(recording, kind)
    workflow.revoke(active, head, "已不需要")
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_an_expired_grant_gives_nothing(kind, recording, records_clerk, head, custodian):
    active = _holder_grant(kind, recording, records_clerk, head, custodian)
    url = _url(records_clerk, active, recording, kind)
    ViewingRequest.objects.filter(pk=active.pk).update(ends_at=timezone.now())
    assert _signed_in(records_clerk).get(url).status_code == 403


def test_a_view_only_grant_does_not_download_the_original(recording, officer, head, custodian):
    active = grant(officer, [recording], head, custodian)
    client = _signed_in(officer)
    response = client.get(content_url(officer, active, recording, "original"))
    assert response.status_code == 403
    assert response.json()["code"] == "access_denied"


def test_a_download_is_a_ledger_entry(recording, records_clerk, head, custodian):
    active = grant(records_clerk, [recording], head, custodian, route="litigation",
                   rights=["view", "download"])  # fmt: skip
    response = _signed_in(records_clerk).get(content_url(records_clerk, active, recording,
                                                         "original"))  # fmt: skip
    assert response["Content-Disposition"].startswith("attachment")
    entry = LedgerEntry.objects.filter(action="download").get()
    assert entry.actor_id == records_clerk.pk and entry.payload["grant"] == active.pk
    assert entry.subject_sha256 == recording.sha256


# -- signed URLs ----------------------------------------------------------------------------


def test_a_copied_url_is_useless_to_anyone_else_even_with_their_own_grant(
    recording, officer, head, custodian, records_clerk
):
    active = grant(officer, [recording], head, custodian)
    grant(records_clerk, [recording], head, custodian)
    url = content_url(officer, active, recording, "proxy")
    assert _signed_in(officer).get(url).status_code == 200
    response = _signed_in(records_clerk).get(url)
    assert response.status_code == 403 and response.json()["code"] == "invalid_link"


def test_a_url_for_one_recording_does_not_open_another(
    recording, clip, officer, head, custodian, tmp_path
):
    from tests import media
    from tests.access.conftest import ingested

    other = ingested(media.make_mp4(tmp_path / "JX0227_20260310_111500.mp4", 2), officer)
    active = grant(officer, [recording, other], head, custodian)
    token = content_url(officer, active, recording, "proxy").split("?t=", 1)[1]
    changed = f"{reverse('recording-proxy', args=[other.pk])}?t={token}"
    assert _signed_in(officer).get(changed).status_code == 403


def test_an_expired_or_forged_url_is_refused(recording, officer, head, custodian, settings):
    active = grant(officer, [recording], head, custodian)
    claims = {"u": officer.pk, "g": active.pk, "r": recording.pk, "k": "proxy"}
    base = reverse("recording-proxy", args=[recording.pk])
    forged = signing.dumps(claims, salt=SALT, key="not-the-secret")
    assert _signed_in(officer).get(f"{base}?t={forged}").status_code == 403
    settings.CONTENT_URL_MINUTES = 1
    stale = _SignedEarlier(salt=SALT).sign_object(claims)  # made two minutes ago
    response = _signed_in(officer).get(f"{base}?t={stale}")
    assert response.status_code == 403 and response.json()["code"] == "invalid_link"
    fresh = signing.dumps(claims, salt=SALT)
    assert _signed_in(officer).get(f"{base}?t={fresh}").status_code == 200


class _SignedEarlier(signing.TimestampSigner):
    def timestamp(self) -> str:
        return signing.b62_encode(int(time.time()) - 120)


# -- ranges -----------------------------------------------------------------------------------


@pytest.fixture
def proxy(recording, officer, head, custodian):
    active = grant(officer, [recording], head, custodian)
    data = _expected_bytes(recording, "proxy")
    return _signed_in(officer), content_url(officer, active, recording, "proxy"), data


def test_the_first_byte_a_middle_range_and_a_suffix_range(proxy):
    client, url, data = proxy
    size = len(data)
    for header, (first, last) in {
        "bytes=0-0": (0, 0),
        f"bytes={size // 3}-{size // 2}": (size // 3, size // 2),
        "bytes=-100": (size - 100, size - 1),
        f"bytes={size - 10}-": (size - 10, size - 1),
        f"bytes=5-{size * 2}": (5, size - 1),
    }.items():
        response = client.get(url, HTTP_RANGE=header)
        assert response.status_code == 206, header
        assert response["Content-Range"] == f"bytes {first}-{last}/{size}"
        assert int(response["Content-Length"]) == last - first + 1
        assert _body(response) == data[first : last + 1]


def test_a_range_past_the_end_is_416_and_a_garbled_one_gives_the_whole(proxy):
    client, url, data = proxy
    response = client.get(url, HTTP_RANGE=f"bytes={len(data)}-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(data)}"
    whole = client.get(url, HTTP_RANGE="bytes=abc")
    assert whole.status_code == 200 and _body(whole) == data
    assert hashlib.sha256(_body(client.get(url))).digest() == hashlib.sha256(data).digest()


# -- secrecy ---------------------------------------------------------------------------------


def test_a_protected_recording_shows_no_thumbnail_or_strip_even_with_a_grant(
    recording, officer, head, custodian, secrecy_officer
):
    secrecy.change_secrecy(recording, SecrecyLevel.PERSONAL_PRIVACY, head, "涉及个人隐私")
    request = workflow.submit_request(officer, recordings=[recording.pk], route="work", reason="x")
    workflow.approve(request, head)
    workflow.approve(request, secrecy_officer)
    active = workflow.register(request, custodian)
    recording.refresh_from_db()
    client = _signed_in(officer)
    assert client.get(content_url(officer, active, recording, "proxy")).status_code == 200
    for kind in ("thumbnail", "strip"):
        assert client.get(content_url(officer, active, recording, kind)).status_code == 403
    page = client.get(reverse("recording-play", args=[recording.pk])).content.decode()
    assert f"recordings/{recording.pk}/strip" not in page


def test_a_protected_recording_is_never_downloaded(recording, records_clerk, head):
    secrecy.change_secrecy(recording, SecrecyLevel.COMMERCIAL_SECRET, head, "涉及商业秘密")
    with pytest.raises(workflow.Refused):
        workflow.submit_request(records_clerk, recordings=[recording.pk], route="litigation",
                                reason="x", rights=["view", "download"])  # fmt: skip


def test_a_state_secret_recording_is_invisible_to_the_uncleared_by_page_and_api(
    recording, records_clerk, head, secrecy_officer, api
):
    secrecy.change_secrecy(recording, SecrecyLevel.STATE_SECRET, head, "涉及国家秘密")
    client = _signed_in(records_clerk)
    assert recording.original_name not in client.get(reverse("recordings")).content.decode()
    assert client.get(reverse("recording", args=[recording.pk])).status_code == 404
    assert client.get(reverse("recording-play", args=[recording.pk]),
                      HTTP_ACCEPT="text/html").status_code == 404  # fmt: skip
    api.force_authenticate(records_clerk)
    assert api.get("/api/v1/recordings/").json()["count"] == 0
    assert api.get(f"/api/v1/recordings/{recording.pk}/").status_code == 404
    secrecy.set_clearance(records_clerk, SecrecyLevel.STATE_SECRET, secrecy_officer, "经审查")
    records_clerk.refresh_from_db()
    assert (
        recording.original_name
        in _signed_in(records_clerk).get(reverse("recordings")).content.decode()
    )


def test_the_player_starts_at_the_second_a_link_asks_for_and_explains_a_bad_one(
    client, recording, officer, head, custodian
):
    grant(officer, [recording], head, custodian)
    client.force_login(officer)
    play = reverse("recording-play", args=[recording.pk])
    assert 'data-start-at="2"' in client.get(f"{play}?at=2").content.decode()
    for bad in ("abc", "-1", "9999"):
        response = client.get(f"{play}?at={bad}")
        page = response.content.decode()
        assert response.status_code == 200 and 'data-start-at="0"' in page
        assert f"无法定位到第 {bad} 秒（应在 0 到 3 秒之间），从头播放。" in page
