"""Recording pages and API: facts for those entitled, filters, linking by hand (R-02)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from bodycam.activities import lifecycle
from bodycam.ledger.models import Action, LedgerEntry
from bodycam.recordings.ingest import ingest_paths
from bodycam.recordings.models import Recording
from bodycam.recordings.resolution import Given
from tests import media
from tests.devices.factories import make_device

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(tmp_path, custodian, officer):
    """Two recordings of officer 李明 (one damaged) and one nobody can place."""
    make_device(custodian, "TA00716")
    card = media.make_recorder_folder(tmp_path / "card")
    stray = media.make_mp4(
        tmp_path / "ZZ00001_XX0001_20261120100000.MP4", creation_time="2026-11-20T10:00:00.000000Z"
    )
    list(ingest_paths([card["segment1"], card["truncated"], stray], Given()))
    return Recording.objects.order_by("pk")


def test_the_records_office_lists_and_filters_recordings(client, records_clerk, stored):
    client.force_login(records_clerk)
    page = client.get(reverse("recordings"), {"condition": "damaged"}).content.decode()
    assert (
        "损坏" in page and stored[1].original_name in page and stored[0].original_name not in page
    )
    page = client.get(reverse("recordings"), {"review": "1"}).content.decode()
    assert stored[2].original_name in page and stored[0].original_name not in page


def test_the_detail_page_shows_raw_and_corrected_times_and_the_hash(client, head, stored):
    client.force_login(head)
    page = client.get(reverse("recording", args=[stored[0].pk])).content.decode()
    assert stored[0].sha256 in page
    assert "2026-11-20T09:36:21.000000Z" in page  # as the recorder wrote it
    assert "2026-11-20 09:36:21" in page  # corrected, shown in Beijing time
    assert "查看画面须经主要负责人批准" in page and "<video" not in page


def test_a_stray_recording_says_what_to_resolve(client, records_clerk, stored):
    client.force_login(records_clerk)
    page = client.get(reverse("recording", args=[stored[2].pk])).content.decode()
    assert "文件名中的产品序号 ZZ00001 未登记" in page


def test_an_officer_sees_only_their_own_recordings(client, officer, stored):
    from tests.factories import UserFactory

    api = APIClient()
    api.force_authenticate(officer)
    mine = {r["id"] for r in api.get("/api/v1/recordings/").json()["results"]}
    assert mine == {stored[0].pk, stored[1].pk}
    api.force_authenticate(UserFactory(roles=["officer"]))
    assert api.get("/api/v1/recordings/").json()["count"] == 0


def test_the_administrator_sees_no_recordings(client, administrator, stored):
    api = APIClient()
    api.force_authenticate(administrator)
    assert api.get("/api/v1/recordings/").json()["count"] == 0  # hard rule 2


def test_the_api_finds_a_recording_by_its_hash(records_clerk, stored):
    api = APIClient()
    api.force_authenticate(records_clerk)
    body = api.get("/api/v1/recordings/", {"sha256": stored[0].sha256.upper()}).json()
    assert [r["id"] for r in body["results"]] == [stored[0].pk]
    assert body["results"][0]["recorded_at_raw"] == "2026-11-20T09:36:21.000000Z"
    assert api.get("/api/v1/recordings/", {"since": "yesterday"}).status_code == 400


def test_linking_by_hand_is_ledgered_and_sets_the_deadline(client, records_clerk, officer, stored):
    from datetime import UTC, datetime, timedelta

    start = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
    activity = lifecycle.open_activity(
        "routine_inspection", [officer], start, officer, late_reason="补录"
    )
    lifecycle.close_activity(activity, start + timedelta(hours=3), officer)
    stray = stored[2]
    client.force_login(records_clerk)
    client.post(reverse("recording-link", args=[stray.pk]), {"activity": activity.pk})
    stray.refresh_from_db()
    assert stray.activity == activity and stray.upload_deadline is not None
    entry = LedgerEntry.objects.filter(action=Action.LINK_CHANGE, subject_id=str(stray.pk)).last()
    assert entry.payload["after"] == activity.pk and entry.actor_id == records_clerk.pk
    api = APIClient()
    api.force_authenticate(records_clerk)
    assert (
        api.post(f"/api/v1/recordings/{stray.pk}/link/", {"activity": None}, format="json").json()[
            "activity"
        ]
        is None
    )


@pytest.mark.parametrize("who", ["officer", "head", "auditor"])
def test_only_the_records_office_links(client, request, who, stored):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("recording-link", args=[stored[2].pk]), {"activity": ""})
    assert response.status_code == 403
    api = APIClient()
    api.force_authenticate(request.getfixturevalue(who))
    assert (
        api.post(
            f"/api/v1/recordings/{stored[2].pk}/link/", {"activity": None}, format="json"
        ).status_code
        == 403
    )


def test_the_model_refuses_to_change_an_originals_identity_or_delete_it(stored):
    recording = stored[0]
    recording.sha256 = "0" * 64
    with pytest.raises(ValueError):
        recording.save()
    with pytest.raises(ValueError):
        Recording.objects.get(pk=stored[1].pk).delete()


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM recordings_recording",
        "UPDATE recordings_recording SET sha256 = 'x'",
        "UPDATE recordings_recording SET size = 1",
    ],
)
def test_the_database_refuses_to_delete_or_rehash_an_original(stored, sql):
    from django.db import DatabaseError, connection, transaction

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert Recording.objects.count() == 3


def test_the_database_still_lets_a_recording_be_linked(stored):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE recordings_recording SET needs_review = FALSE")
    assert not Recording.objects.filter(needs_review=True).exists()


def test_the_format_reads_as_people_know_it(client, records_clerk, stored):
    client.force_login(records_clerk)
    page = client.get(reverse("recording", args=[stored[2].pk])).content.decode()
    assert "MP4 · H.264 视频 · AAC 音频" in page
    assert "mov,mp4" not in page and "h264" not in page
    client.cookies["django_language"] = "en"
    assert (
        "MP4 · H.264 video · AAC audio"
        in client.get(reverse("recording", args=[stored[2].pk])).content.decode()
    )


def test_the_link_list_is_searched_by_day_and_officer_in_beijing_time(
    client, records_clerk, officer, stored
):
    from datetime import UTC, datetime

    # 23:30 Beijing on 20 November is 15:30 UTC the same day; 00:30 Beijing on the 21st is
    # still the 20th in UTC: the list names the Beijing day.
    late = datetime(2026, 11, 20, 16, 30, tzinfo=UTC)
    activity = lifecycle.open_activity("routine_inspection", [officer], late, officer,
                                       subject_name="夜市", late_reason="补录")  # fmt: skip
    client.force_login(records_clerk)
    url = reverse("recording", args=[stored[2].pk])
    page = client.get(url, {"link_day": "2026-11-21", "link_officer": "JX0227"}).content.decode()
    assert f"{activity.pk} · 日常执法检查 夜市 2026-11-21 00:30" in page
    elsewhere = client.get(url, {"link_day": "2026-10-01", "link_officer": ""}).content.decode()
    assert "夜市" not in elsewhere
