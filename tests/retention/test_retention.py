"""Retention (R-14): how long a recording is kept, what holds it, and disposal by two approvals;
an early disposal is impossible through the function, the page and raw SQL."""

from datetime import date, timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from bodycam.evidence import cases
from bodycam.ledger.models import LedgerEntry
from bodycam.lib.errors import Refused
from bodycam.recordings import fixity, marks
from bodycam.recordings.models import Recording
from bodycam.recordings.storage import blob_store
from bodycam.retention import disposal, holds, periods
from bodycam.retention.models import BatchState
from tests import media
from tests.access.conftest import grant, ingested

pytestmark = pytest.mark.django_db


@pytest.fixture
def old(tmp_path, officer):
    """A recording made two years ago (its year of minimum retention is over)."""
    two_years = timezone.now() - timedelta(days=730)
    clip = media.make_mp4(
        tmp_path / "old.mp4", 2, creation_time=two_years.strftime("%Y-%m-%dT%H:%M:%S.000000Z")
    )
    recording = ingested(clip, officer)
    assert recording.retain_until < timezone.now()
    return recording


def test_a_recording_is_kept_at_least_a_year_from_when_it_was_made(tmp_path, officer):
    recording = ingested(media.make_mp4(tmp_path / "a.mp4", 2), officer)
    kept = recording.retain_until - recording.recorded_at
    assert kept == timedelta(days=366)


def test_the_minimum_period_cannot_be_set_below_a_year(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from bodycam.lib.config import env_int, env_periods

    monkeypatch.setenv("BODYCAM_MINIMUM_RETENTION_DAYS", "300")
    with pytest.raises(ImproperlyConfigured, match="不小于 366"):
        env_int("BODYCAM_MINIMUM_RETENTION_DAYS", 366, minimum=366)
    monkeypatch.setenv("BODYCAM_RETENTION_CLASSES", "obstruction=permanent,minor=0")
    with pytest.raises(ImproperlyConfigured, match="不少于 1 年"):
        env_periods("BODYCAM_RETENTION_CLASSES", "")


def test_evidence_in_a_case_is_kept_as_long_as_the_case_file(old, records_clerk):
    case = cases.open_case(
        "（2026）执罚字第 7 号",
        records_clerk,
        title="无证经营",
        retention="10 年",
        opened_on=date(2024, 3, 1),
    )
    cases.mark_evidence(case, [old], records_clerk, "证明当事人无证经营")
    old.refresh_from_db()
    assert old.retain_until is None  # an open case keeps its evidence
    cases.change_case(case, records_clerk, "已结案", closed_on=date(2025, 6, 30))
    old.refresh_from_db()
    assert periods.wallclock.local(old.retain_until).date() == date(2035, 6, 30)
    changes = LedgerEntry.objects.filter(
        subject_kind="recording", subject_id=str(old.pk), action="retention_change"
    )
    assert [e.payload.get("event") for e in changes.order_by("seq")] == [
        "evidence_marked",
        "retain_until",
        "retain_until",
    ]
    assert changes.order_by("seq").last().payload["before"] == "permanent"


def test_a_moment_marked_as_obstruction_keeps_the_recording_for_ever(old, officer, head, custodian):
    grant(officer, [old], head, custodian)  # marking is done while watching
    marks.mark_content(old, officer, "obstruction", 500, None, "当事人推搡执法人员")
    old.refresh_from_db()
    assert old.retain_until is None


def test_evidence_and_held_recordings_are_never_collected(
    old, tmp_path, officer, records_clerk, supervisor
):
    held = ingested(media.make_mp4(tmp_path / "held.mp4", 2, creation_time=None), officer)
    Recording.objects.filter(pk=held.pk).update(retain_until=timezone.now() - timedelta(days=1))
    holds.place_hold(held, "spot_check", "2026 年第四季度抽查", supervisor)
    case = cases.open_case("案-1", records_clerk, title="投诉", retention="永久")
    evidence = ingested(media.make_mp4(tmp_path / "ev.mp4", 3, creation_time=None), officer)
    cases.mark_evidence(case, [evidence], records_clerk, "证明投诉内容")
    batch = disposal.collect()
    assert list(batch.recordings.values_list("pk", flat=True)) == [old.pk]


def test_one_approval_is_not_enough_and_two_people_dispose_of_the_batch(
    old, head, records_clerk, custodian
):
    batch = disposal.collect()
    with pytest.raises(Refused) as refused:
        disposal.approve(batch, custodian)
    assert refused.value.code == "not_permitted"
    disposal.approve(batch, head, "同意")
    with pytest.raises(Refused) as twice:
        disposal.approve(batch, head)
    assert twice.value.code in ("already_approved", "same_person")
    assert blob_store().exists(old.sha256)  # nothing removed on one approval
    with transaction.atomic():  # the removal runs once the tombstones are committed
        disposal.approve(batch, records_clerk, "同意")
    batch.refresh_from_db()
    old.refresh_from_db()
    assert batch.state == BatchState.DISPOSED and old.disposed_at is not None
    assert old.sha256 and Recording.objects.filter(pk=old.pk).exists()  # the tombstone
    events = [e.payload["event"] for e in LedgerEntry.objects.filter(action="disposal")]
    assert events == ["collected", "approved", "approved", "disposed"]


def test_the_bytes_go_once_disposed_and_the_page_says_so(
    old, head, records_clerk, client, django_capture_on_commit_callbacks
):
    batch = disposal.collect()
    disposal.approve(batch, head)
    with django_capture_on_commit_callbacks(execute=True):
        disposal.approve(batch, records_clerk)
    assert not blob_store().exists(old.sha256)
    old.refresh_from_db()
    assert old.bytes_removed_at is not None  # not tried again by the daily job
    client.force_login(records_clerk)
    page = client.get(f"/recordings/{old.pk}/").content.decode()
    assert "原始文件及其派生文件已于" in page and old.sha256 in page


def test_a_disposed_recording_plays_nothing_and_fixity_does_not_miss_it(
    old, head, records_clerk, custodian, client, django_capture_on_commit_callbacks
):
    grant(records_clerk, [old], head, custodian)
    batch = disposal.collect()
    disposal.approve(batch, head)
    with django_capture_on_commit_callbacks(execute=True):
        disposal.approve(batch, records_clerk)
    client.force_login(records_clerk)
    response = client.get(f"/recordings/{old.pk}/play/", HTTP_ACCEPT="text/html")
    assert response.status_code == 410
    assert "已按规定经批准销毁，内容不再存在" in response.content.decode()
    report = fixity.check_blobs(all_of_them=True)
    assert report["ok"] and report["checked"] == 0  # a tombstone holds no bytes to check


def test_the_database_refuses_an_early_or_held_disposal_whatever_the_sql(
    old, tmp_path, officer, supervisor
):
    young = ingested(media.make_mp4(tmp_path / "young.mp4", 2, creation_time=None), officer)
    holds.place_hold(old, "legal", "行政诉讼中", supervisor)
    for recording in (young, old):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE recordings_recording SET disposed_at = %s WHERE id = %s",
                [timezone.now(), recording.pk],
            )
        recording.refresh_from_db()
        assert recording.disposed_at is None


def test_a_hold_placed_after_collection_keeps_the_recording(old, head, records_clerk, supervisor):
    batch = disposal.collect()
    disposal.approve(batch, head)
    holds.place_hold(old, "complaint", "当事人投诉正在调查", supervisor)
    disposal.approve(batch, records_clerk)
    old.refresh_from_db()
    assert old.disposed_at is None and blob_store().exists(old.sha256)


def test_the_batch_page_needs_the_tick_and_shows_each_step(old, client, head, records_clerk):
    batch = disposal.collect()
    client.force_login(head)
    page = client.get(f"/retention/batches/{batch.pk}/").content.decode()
    assert "我已核对清单，确认批准销毁" in page and old.original_name in page
    response = client.post(
        f"/retention/batches/{batch.pk}/decide/", {"decision": "approve"}, follow=True
    )
    assert "请先勾选" in response.content.decode()
    client.post(f"/retention/batches/{batch.pk}/decide/", {"decision": "approve", "confirmed": "1"})
    client.force_login(records_clerk)
    response = client.post(
        f"/retention/batches/{batch.pk}/decide/",
        {"decision": "approve", "confirmed": "1"},
        follow=True,
    )
    assert "已销毁" in response.content.decode()


def test_holds_are_placed_and_released_on_the_recording_page(old, client, supervisor, officer):
    client.force_login(supervisor)
    client.post(f"/recordings/{old.pk}/hold/", {"kind": "spot_check", "reason": "抽查"})
    hold = old.holds.get()
    page = client.get(f"/recordings/{old.pk}/").content.decode()
    assert "抽查进行中" in page and "解除保全" in page
    assert disposal.collect() is None
    client.post(f"/retention/holds/{hold.pk}/release/", {"reason": "抽查结束"})
    assert disposal.collect() is not None
    client.force_login(officer)
    response = client.post(f"/recordings/{old.pk}/hold/", {"kind": "legal", "reason": "x"})
    assert response.status_code == 403 and old.holds.count() == 1
