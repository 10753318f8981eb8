"""Exemptions (R-04): filed after the activity, acknowledged or returned by the oversight office."""

import pytest
from django.utils import timezone

from bodycam.activities import exemptions, lifecycle
from bodycam.activities.models import ExemptionStatus
from bodycam.devices import registry
from bodycam.lib.errors import Refused
from tests.devices.factories import make_device

pytestmark = pytest.mark.django_db


def _closed(officer, devices=()):
    start = timezone.now() - timezone.timedelta(hours=1)
    activity = lifecycle.open_activity("investigation", [officer], start, officer, devices=devices)
    return lifecycle.close_activity(activity, timezone.now(), officer)


def _file(activity, officer, ground="emergency"):
    return exemptions.file_exemption(
        activity, ground, "《行政处罚法》第X条", "突发火情，人员疏散", officer
    )


def test_an_acknowledged_exemption_means_no_recording_is_needed(officer, oversight):
    activity = _closed(officer)
    assert exemptions.needs_recording(activity)
    exemption = _file(activity, officer)
    assert exemption.status == ExemptionStatus.FILED and exemptions.needs_recording(activity)
    exemptions.review_exemption(exemption, oversight, accept=True, comment="同意")
    assert not exemptions.needs_recording(activity)


def test_an_exemption_comes_after_the_activity(officer):
    start = timezone.now() - timezone.timedelta(hours=1)
    activity = lifecycle.open_activity("investigation", [officer], start, officer)
    with pytest.raises(Refused, match="结束后"):
        _file(activity, officer)


def test_an_exemption_needs_its_legal_basis_and_facts(officer):
    activity = _closed(officer)
    with pytest.raises(Refused, match="法律依据"):
        exemptions.file_exemption(activity, "emergency", " ", "事实", officer)
    with pytest.raises(Refused, match="事实和理由"):
        exemptions.file_exemption(activity, "emergency", "依据", "", officer)


def test_no_explosion_ground_when_an_explosion_proof_device_was_there(officer, custodian):
    device = make_device(custodian, "FB00001", explosion_proof=True)
    registry.issue_device(device, officer, custodian)
    activity = _closed(officer, devices=[device])
    with pytest.raises(Refused, match="FB00001 是防爆型"):
        _file(activity, officer, ground="explosion_hazard")
    assert _file(activity, officer, ground="emergency").pk


def test_only_the_activity_officers_may_file(officer):
    from tests.factories import UserFactory

    stranger = UserFactory(roles=["officer"])
    with pytest.raises(Refused, match="参加该活动"):
        _file(_closed(officer), stranger)


def test_a_returned_exemption_can_be_filed_again_but_not_a_pending_one(officer, oversight):
    activity = _closed(officer)
    first = _file(activity, officer)
    with pytest.raises(Refused, match="无需重复"):
        _file(activity, officer)
    with pytest.raises(Refused, match="写明意见"):
        exemptions.review_exemption(first, oversight, accept=False)
    exemptions.review_exemption(first, oversight, accept=False, comment="请补充现场照片说明")
    second = _file(activity, officer)
    assert second.status == ExemptionStatus.FILED
    with pytest.raises(Refused, match="已经处理过"):
        exemptions.review_exemption(first, oversight, accept=True)
