"""Provision outside the bureau (R-18): a copy with the viewer's watermark burned into the
picture, made by a job; the original is never given out this way."""

import av
import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult
from PIL import ImageChops, ImageStat

from bodycam.access.content import content_url
from bodycam.access.copies import make_copy
from bodycam.access.models import CopyState
from bodycam.ledger.models import LedgerEntry
from bodycam.recordings.models import DerivedKind
from bodycam.recordings.storage import blob_store
from tests.access.conftest import COURT, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def provided(recording, records_clerk, head, custodian):
    return grant(records_clerk, [recording], head, custodian, route="external",
                 reason="法院调取证据", rights=["view", "download"], outside=COURT)  # fmt: skip


def _frame(sha256: str, tmp_path, name: str, index: int = 15):
    path = tmp_path / name
    with blob_store().open(sha256) as blob:
        path.write_bytes(blob.read())
    with av.open(str(path)) as container:
        for number, frame in enumerate(container.decode(video=0)):
            if number == index:
                return frame.to_image().convert("L")
    raise AssertionError("too few frames")


def test_registering_a_provision_outside_queues_a_watermarked_copy(provided, recording):
    copy = provided.provided_copies.get()
    assert copy.state == CopyState.QUEUED and copy.recording == recording
    assert "某区人民法院 刘法官" in copy.stamp and provided.number in copy.stamp
    queued = DBTaskResult.objects.filter(task_path="bodycam.access.tasks.make_provided_copy")
    assert queued.count() == 1 and queued.get().args_kwargs["args"] == [copy.pk]


def test_the_copy_has_the_watermark_in_its_picture(provided, recording, tmp_path):
    copy = make_copy(provided.provided_copies.get())
    assert copy.state == CopyState.MADE and copy.sha256 != recording.sha256
    proxy = recording.derived.get(kind=DerivedKind.PROXY)
    plain = _frame(proxy.sha256, tmp_path, "proxy.mp4")
    stamped = _frame(copy.sha256, tmp_path, "copy.mp4")
    band = (0, plain.height - plain.height // 8, plain.width, plain.height)
    difference = ImageStat.Stat(ImageChops.difference(plain.crop(band), stamped.crop(band)))
    assert difference.mean[0] > 20  # the dark band with the text line
    entry = LedgerEntry.objects.filter(action="export", subject_id=str(recording.pk)).get()
    assert entry.payload["what"] == "provided_copy" and entry.payload["sha256"] == copy.sha256
    assert make_copy(copy).sha256 == copy.sha256  # a second run changes nothing


def test_outside_the_bureau_the_copy_is_given_never_the_original(
    provided, recording, records_clerk
):
    copy = make_copy(provided.provided_copies.get())
    client = Client()
    client.force_login(records_clerk)
    original = client.get(content_url(records_clerk, provided, recording, "original"))
    assert original.status_code == 403
    given = client.get(content_url(records_clerk, provided, recording, "copy"))
    assert given.status_code == 200
    with blob_store().open(copy.sha256) as blob:
        assert b"".join(given.streaming_content) == blob.read()
    assert given["Content-Disposition"].startswith("attachment")
    download = LedgerEntry.objects.filter(action="download").get()
    assert download.payload["copy"] == copy.pk
