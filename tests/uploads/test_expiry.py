"""Abandoned uploads expire: the sweep drops their bytes and they never become recordings."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bodycam.recordings.models import Recording
from bodycam.uploads import partial, tasks
from bodycam.uploads.models import Status, Upload

pytestmark = pytest.mark.django_db


def _pk(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def test_expired_uploads_are_swept_and_never_become_recordings(tus, clip):
    data = clip.read_bytes()
    stale, fresh = tus.new(len(data)), tus.new(len(data))
    tus.send(stale, data[:1000])
    tus.send(fresh, data[:1000])
    Upload.objects.filter(pk=_pk(stale)).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert tasks.sweep_expired_uploads.call() == {"expired": 1, "orphans": 0, "resumed": 0}
    assert Upload.objects.get(pk=_pk(stale)).status == Status.EXPIRED
    assert not partial.part_path(_pk(stale)).exists()
    assert partial.part_path(_pk(fresh)).exists()
    assert tus.head(stale).status_code == 410
    assert tus.patch(stale, 1000, data[1000:]).status_code == 410
    assert tus.status(stale)["status"] == "expired"
    assert not Recording.objects.exists()
    assert tasks.sweep_expired_uploads.call()["expired"] == 0  # nothing twice


def test_an_upload_past_its_time_is_gone_even_before_the_sweep(tus):
    url = tus.new(100)
    Upload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert tus.patch(url, 0, b"x" * 10).status_code == 410
    assert not partial.part_path(_pk(url)).exists()


def test_each_patch_extends_the_expiry(tus, settings):
    url = tus.new(100)
    Upload.objects.update(expires_at=timezone.now() + timedelta(minutes=1))
    response = tus.patch(url, 0, b"x" * 10)
    expires = Upload.objects.get().expires_at
    assert expires > timezone.now() + timedelta(hours=settings.UPLOAD_EXPIRE_HOURS - 1)
    assert response["Upload-Expires"].endswith(" GMT")


def test_the_sweep_removes_stale_partial_files_without_a_live_upload(tus):
    import os
    import uuid

    orphan = partial.create(uuid.uuid4())
    day_old = timezone.now().timestamp() - 25 * 3600
    os.utime(orphan, (day_old, day_old))
    live = partial.part_path(_pk(tus.new(100)))
    os.utime(live, (day_old, day_old))
    assert tasks.sweep_expired_uploads.call()["orphans"] == 1
    assert not orphan.exists() and live.exists()


def test_expired_and_terminated_uploads_do_not_count_against_the_limit(tus, settings):
    settings.UPLOAD_MAX_CONCURRENT = 1
    tus.new(100)
    Upload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert tus.create(100).status_code == 201
