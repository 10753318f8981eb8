"""Holds and disposal batches through the API (R-14): two different approvers, a confirmation,
and no way to dispose of evidence or a held recording, whoever approves."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bodycam.evidence import cases
from bodycam.recordings.models import Recording
from bodycam.recordings.storage import blob_store
from bodycam.retention import disposal
from tests import media
from tests.access.conftest import ingested

pytestmark = pytest.mark.django_db


@pytest.fixture
def due(tmp_path, officer):
    """Three recordings past their retention date, collected into a batch."""
    made = [ingested(media.make_mp4(tmp_path / f"{n}.mp4", n), officer) for n in (1, 2, 3)]
    assert len({r.pk for r in made}) == 3
    Recording.objects.filter(pk__in=[r.pk for r in made]).update(
        retain_until=timezone.now() - timedelta(days=1)
    )
    return made


def _approve(api, user, batch, **body):
    api.force_authenticate(user)
    return api.post(f"/api/v1/retention/batches/{batch}/approve/",
                    {"confirm": True, **body}, format="json")  # fmt: skip


def test_evidence_and_held_recordings_survive_two_api_approvals(
    api, due, head, records_clerk, supervisor, django_capture_on_commit_callbacks
):
    batch = disposal.collect()
    evidence, held, plain = due
    case = cases.open_case("（2026）执罚字第 40 号", records_clerk, title="证据", retention="永久")
    cases.mark_evidence(case, [evidence], records_clerk, "证明违法事实")
    api.force_authenticate(supervisor)
    spot_check = {"recording": held.pk, "kind": "spot_check", "reason": "抽查进行中"}
    placed = api.post("/api/v1/retention/holds/", spot_check, format="json")
    assert placed.status_code == 201

    unconfirmed = _approve(api, head, batch.pk, confirm=False)
    assert unconfirmed.status_code == 400 and unconfirmed.json()["code"] == "not_confirmed"
    assert _approve(api, head, batch.pk).json()["head_approved_by"] == head.username
    again = _approve(api, head, batch.pk)
    assert again.status_code == 400 and again.json()["code"] == "already_approved"
    with django_capture_on_commit_callbacks(execute=True):
        done = _approve(api, records_clerk, batch.pk)
    assert done.json()["state"] == "disposed"
    kept = {r.pk: r.disposed_at for r in Recording.objects.all()}
    assert kept[evidence.pk] is None and kept[held.pk] is None and kept[plain.pk] is not None
    assert blob_store().exists(evidence.sha256) and blob_store().exists(held.sha256)
    assert not blob_store().exists(plain.sha256)


def test_only_the_head_and_the_records_office_decide_and_a_refusal_keeps_everything(
    api, due, head, officer, supervisor
):
    batch = disposal.collect()
    for outsider in (officer, supervisor):
        assert _approve(api, outsider, batch.pk).status_code == 403
    api.force_authenticate(head)
    refused = api.post(f"/api/v1/retention/batches/{batch.pk}/reject/", {}, format="json")
    assert refused.status_code == 400
    rejected = api.post(f"/api/v1/retention/batches/{batch.pk}/reject/",
                        {"comment": "其中有投诉未结"}, format="json")  # fmt: skip
    assert rejected.json()["state"] == "rejected"
    assert not Recording.objects.filter(disposed_at__isnull=False).exists()
    closed = _approve(api, head, batch.pk)
    assert closed.status_code == 400 and closed.json()["code"] == "closed"


def test_a_hold_is_released_with_a_reason(api, due, supervisor, officer):
    api.force_authenticate(officer)
    legal = {"recording": due[0].pk, "kind": "legal", "reason": "诉讼"}
    refused = api.post("/api/v1/retention/holds/", legal, format="json")
    assert refused.status_code == 403
    api.force_authenticate(supervisor)
    hold = api.post("/api/v1/retention/holds/", legal, format="json").json()
    path = f"/api/v1/retention/holds/{hold['id']}/release/"
    assert api.post(path, {}, format="json").status_code == 400
    released = api.post(path, {"reason": "诉讼已结"}, format="json").json()
    assert released["released_by"] == supervisor.username and released["release_reason"]
    assert disposal.collect().recordings.filter(pk=due[0].pk).exists()
