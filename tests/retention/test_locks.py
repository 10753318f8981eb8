"""On an object store with Object Lock (R-14), moto and SeaweedFS: the lock follows the retention
date and is never shortened; a locked original cannot be removed, whatever the approvals say;
once its lock has run out, an approved disposal removes it and its copies."""

import time
from datetime import date, timedelta

import pytest
from django.utils import timezone

from bodycam.evidence import cases
from bodycam.recordings.models import Recording
from bodycam.recordings.storage_s3 import object_key
from bodycam.retention import disposal
from tests import media
from tests.access.conftest import ingested

pytestmark = pytest.mark.django_db


def test_evidence_extends_the_objects_lock_and_never_shortens_it(
    s3_store, tmp_path, officer, records_clerk, django_capture_on_commit_callbacks
):
    recording = ingested(media.make_mp4(tmp_path / "a.mp4", 2, creation_time=None), officer)
    assert recording.storage == "s3" and recording.locked_until is not None
    _, first = s3_store.retention(recording.sha256)
    case = cases.open_case(
        "案-S3",
        records_clerk,
        title="证据",
        retention="10 年",
        opened_on=date(2026, 1, 5),
        closed_on=date(2026, 6, 30),
    )
    with django_capture_on_commit_callbacks(execute=True):
        cases.mark_evidence(case, [recording], records_clerk, "证明违法事实")
    _, extended = s3_store.retention(recording.sha256)
    assert extended.date() >= date(2036, 6, 30) and extended > first
    recording.refresh_from_db()
    assert recording.locked_until >= extended - timedelta(seconds=1)
    assert s3_store.extend_lock(recording.sha256, timezone.now()) == extended  # never shorter


def test_a_locked_original_survives_an_approved_disposal_and_is_retried_later(
    s3_store, tmp_path, officer, head, records_clerk, django_capture_on_commit_callbacks
):
    recording = ingested(media.make_mp4(tmp_path / "b.mp4", 2, creation_time=None), officer)
    # The row says due (as after a correction), but the store's lock still runs: it wins.
    Recording.objects.filter(pk=recording.pk).update(
        retain_until=timezone.now() - timedelta(days=1)
    )
    batch = disposal.collect()
    disposal.approve(batch, head)
    with django_capture_on_commit_callbacks(execute=True):
        disposal.approve(batch, records_clerk)
    recording.refresh_from_db()
    assert recording.disposed_at is not None
    assert s3_store.exists(recording.sha256)  # the lock refused the delete: nothing lost
    assert recording.bytes_removed_at is None  # so the daily job tries again
    assert disposal.remove_blobs() == 0 and s3_store.exists(recording.sha256)


def test_on_seaweedfs_an_approved_disposal_removes_what_is_no_longer_locked(
    seaweed_store, settings, tmp_path, officer, head, records_clerk,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.MINIMUM_RETENTION_DAYS = 0  # locks that run out at once (start-up refuses this)
    recording = ingested(media.make_mp4(tmp_path / "c.mp4", 1, creation_time=None), officer)
    keys = [recording.sha256, *recording.derived.values_list("sha256", flat=True)]
    _mode, until = seaweed_store.retention(recording.sha256)
    time.sleep(max(0.0, (until - timezone.now()).total_seconds()) + 1.1)
    batch = disposal.collect()
    disposal.approve(batch, head)
    with django_capture_on_commit_callbacks(execute=True):
        disposal.approve(batch, records_clerk)
    recording.refresh_from_db()
    assert recording.disposed_at is not None and recording.bytes_removed_at is not None
    for key in keys:  # the original and its derived copies, every version
        listed = seaweed_store.client.list_object_versions(
            Bucket=seaweed_store.bucket, Prefix=object_key(key)
        )
        assert not listed.get("Versions") and not listed.get("DeleteMarkers")
