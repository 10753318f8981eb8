"""Fixity that reports every incident and holds at a city's size: incremental runs within a
byte budget, never-verified originals first; an unreadable blob or one with no recording is a
problem reported, never a crash; every run ends with its ledger entry; nothing is repaired."""

import hashlib
import json
import os
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from bodycam.ledger import integrity
from bodycam.ledger.models import Action, LedgerEntry
from bodycam.recordings import fixity
from bodycam.recordings.ingest import ingest_paths
from bodycam.recordings.models import Recording
from bodycam.recordings.resolution import Given
from bodycam.recordings.storage import blob_store
from tests import media

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(tmp_path):
    clips = [
        media.make_mp4(tmp_path / f"TA-007_JX0227_2026112009362{n}.MP4", seconds=1 + n)
        for n in range(3)
    ]
    list(ingest_paths(clips, Given()))
    return list(Recording.objects.order_by("pk"))


def _verified(recordings) -> list[bool]:
    return [Recording.objects.get(pk=r.pk).verified_at is not None for r in recordings]


def test_each_run_takes_the_never_verified_first_within_its_budget(three, settings):
    settings.FIXITY_BYTES_PER_RUN = max(r.size for r in three) + 1  # about one per run
    assert fixity.check_blobs()["checked"] == 1 and _verified(three) == [True, False, False]
    fixity.check_blobs()
    fixity.check_blobs()
    assert _verified(three) == [True, True, True]
    first = Recording.objects.get(pk=three[0].pk).verified_at
    fixity.check_blobs()  # the least recently verified comes round again
    assert Recording.objects.get(pk=three[0].pk).verified_at > first


def test_verify_all_checks_every_original_whatever_the_budget(three, settings, capsys):
    settings.FIXITY_BYTES_PER_RUN = 1
    call_command("verify", "--all", as_json=True)
    report = json.loads(capsys.readouterr().out)
    assert report["blobs"]["checked"] == 3 and report["blobs"]["scope"] == "all"
    assert all(_verified(three))


def _blob_path(recording):
    return blob_store().path(recording.sha256)


def test_an_unreadable_blob_is_reported_for_its_recording_and_the_run_goes_on(three):
    broken = _blob_path(three[1])
    broken.unlink()
    broken.mkdir()  # reading it fails with an I/O error
    report = integrity.run_check(include_blobs=True, everything=True)
    assert report["blobs"]["checked"] == 3
    assert report["blobs"]["problems"] == [
        f"记录 {three[1].pk} 的原始文件无法读取 / original {three[1].pk} cannot be read "
        "(IsADirectoryError)"
    ]
    assert Recording.objects.get(pk=three[1].pk).fixity_problem.startswith("unreadable")
    assert Recording.objects.get(pk=three[2].pk).fixity_problem == ""
    entry = LedgerEntry.objects.filter(action=Action.VERIFICATION).order_by("-seq").first()
    assert entry.payload["ok"] is False and entry.payload["originals_checked"] == 3


def test_a_blob_without_a_recording_is_reported_and_left_where_it_is(three):
    store = blob_store()
    staging = store.stage()
    staging.write(b"left by a crash between the blob and its row")
    key = hashlib.sha256(b"left by a crash between the blob and its row").hexdigest()
    staging.commit(key, None)
    path = store.path(key)
    assert fixity.check_blobs(all_of_them=True)["orphans"] == 0  # too fresh: its row may come
    old = time.time() - 2 * 3600
    os.utime(path, (old, old))
    report = fixity.check_blobs(all_of_them=True)
    assert report["orphans"] == 1 and key in " ".join(report["problems"])
    assert path.exists()  # reported, never "cleaned up"


def test_a_run_that_cannot_finish_still_ends_with_its_ledger_entry(three, monkeypatch):
    def store_away(everything):  # stands for an object store that stopped answering mid-run
        raise ConnectionError("object store unreachable")

    monkeypatch.setitem(integrity.EXTRA_CHECKS, "blobs", store_away)
    before = LedgerEntry.objects.filter(action=Action.VERIFICATION).count()
    report = integrity.run_check(include_blobs=True)
    assert report["ok"] is False and report["blobs"]["problems"] == [
        "核验中断 / check interrupted: ConnectionError"
    ]
    entries = LedgerEntry.objects.filter(action=Action.VERIFICATION).order_by("-seq")
    assert entries.count() == before + 1 and entries.first().payload["ok"] is False


def test_pages_show_when_each_original_was_verified_and_how_far_the_cycle_is(
    client, auditor, three, settings
):
    settings.FIXITY_BYTES_PER_RUN = 1  # one original a run: a round takes longer than a cycle
    fixity.check_blobs()
    client.force_login(auditor)
    page = client.get(f"/recordings/{three[0].pk}/").content.decode()
    assert "完好，与入库时的 SHA-256 一致" in page
    assert "尚未核验" in client.get(f"/recordings/{three[1].pk}/").content.decode()
    ledger = client.get("/ledger/").content.decode()
    assert "已核验 1 / 3 个原始文件" in ledger and "2 个尚未核验" in ledger
    assert "BODYCAM_FIXITY_GB_PER_RUN" in ledger  # the budget cannot cover the cycle


def test_a_cycle_counts_only_recent_verifications(three):
    fixity.check_blobs(all_of_them=True)
    Recording.objects.filter(pk=three[0].pk).update(
        verified_at=timezone.now() - timedelta(days=200)
    )
    progress = fixity.progress()
    assert (progress["total"], progress["within_cycle"], progress["never"]) == (3, 2, 0)
