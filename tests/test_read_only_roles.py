"""Roles that read but change nothing (R-20 supervision, the auditor, the head before approvals
exist, the administrator outside people and settings) are refused every change the URL
configuration offers: nothing changes, no request gets as far as validating its body (which
would show that authorisation let it through), and nothing answers with a server error.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from bodycam.activities import exemptions, lifecycle
from bodycam.activities.models import EnforcementActivity, Exemption
from bodycam.devices.models import Device, DeviceIssue, PreUseCheck
from bodycam.ledger.models import LedgerEntry
from bodycam.recordings.ingest import ingest_paths
from bodycam.recordings.models import Recording
from bodycam.recordings.resolution import Given
from tests import media
from tests.test_permission_map import PUBLIC, URLS

pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)

# What each of these roles may change (everything else is refused).
ALLOWED = {
    "auditor": {"ledger-verify-now", "ledger-verify", "ledger-head-list"},
    # a spot check in progress holds what it samples; supervisors propose, review and close
    # spot checks
    "supervisor": {
        "api-hold-list",
        "campaigns",
        "campaign-close",
        "campaign-review",
        "api-campaign-list",
        "api-campaign-close",
        "api-campaign-review",
        # and open and carry violation cases
        "violations",
        "violation-step",
        "finding-escalate",
        "review-escalate",
        "api-violation-list",
        "api-violation-statement",
        "api-violation-notify",
        "api-violation-close",
        "api-violation-appeal",
    },
    # raising a recording's secrecy level; a legal hold
    # and a violation case's decision and its one extension
    "head": {
        "api-secrecy-change-list",
        "api-hold-list",
        "violation-decide",
        "violation-step",
        "api-violation-decide",
        "api-violation-extend",
    },
    "administrator": {
        "people-import",
        "device-import",
        "person-new",
        "person-edit",
        "person-roles",
        "person-active",
        "person-password",
        "units",
        "unit-edit",
    },
}
NOT_CHANGES = PUBLIC | {"logout", "api-docs"}
# Everyone keeps their own account (password, API tokens) and may ask to view.
OWN_ACCOUNT = {"account-password", "token-new", "token-revoke", "api-token-list",
               "api-token-revoke", "viewing-request-new", "api-viewing-request-list"}  # fmt: skip


@pytest.fixture
def world(tmp_path, custodian, officer, issued):
    """One of everything, each with pk 1, so that every URL's object exists."""
    start = timezone.now() - timedelta(hours=2)
    activity = lifecycle.open_activity("investigation", [officer], start, officer, devices=[issued])
    lifecycle.close_activity(activity, start + timedelta(hours=1), officer)
    exemptions.file_exemption(activity, "emergency", "依据", "事实", officer)
    list(ingest_paths([media.make_mp4(tmp_path / "TA-007_JX0227_20261120093621.MP4")], Given()))
    assert {Device.objects.get().pk, activity.pk, Recording.objects.get().pk} == {1}


def _state() -> tuple:
    return tuple(
        model.objects.count()
        for model in (Device, DeviceIssue, PreUseCheck, EnforcementActivity, Exemption,
                      Recording, LedgerEntry)
    ) + tuple(Exemption.objects.values_list("status", flat=True))  # fmt: skip


@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_read_only_roles_are_refused_every_change(client, request, world, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    before = _state()
    leaks = []
    for name, url in URLS:
        if name in NOT_CHANGES | OWN_ACCOUNT | ALLOWED[role] or name.startswith("admin:"):
            continue
        for method in (client.post, client.put, client.patch, client.delete):
            response = method(url)
            # 400 would mean the request got past authorisation and only failed validation.
            if response.status_code == 400 or response.status_code >= 500:
                leaks.append(f"{method.__name__.upper()} {url} ({name}) -> {response.status_code}")
    assert leaks == [], "\n".join(leaks)
    assert _state() == before
