"""Activity pages: officers open and close their own; the oversight office reviews."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bodycam.activities import exemptions, lifecycle
from bodycam.activities.models import EnforcementActivity, ExemptionStatus
from tests.forms import local_input

pytestmark = pytest.mark.django_db


def _local(moment) -> str:
    return local_input(moment, seconds=False)


def _activity(officer, closed=False):
    start = timezone.now() - timedelta(hours=1)
    activity = lifecycle.open_activity("routine_inspection", [officer], start, officer,
                                       subject_name="某某超市")  # fmt: skip
    return lifecycle.close_activity(activity, timezone.now(), officer) if closed else activity


def test_officer_opens_an_activity_and_is_reminded_of_the_notification(client, officer):
    client.force_login(officer)
    form = {"type": "routine_inspection", "officers": [officer.pk], "subject_name": "某某超市",
            "started_at": _local(timezone.now())}  # fmt: skip
    page = client.post(reverse("activity-new"), form, follow=True).content.decode()
    assert "执法活动已开始" in page and "告知用语" in page and "某某超市" in page
    assert EnforcementActivity.objects.count() == 1


@pytest.mark.parametrize("who", ["custodian", "head", "oversight", "administrator"])
def test_only_officers_open_activities(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("activity-new")).status_code == 403


def test_closing_with_an_end_before_the_start_is_explained(client, officer):
    activity = _activity(officer)
    client.force_login(officer)
    early = _local(activity.started_at - timedelta(hours=1))
    page = client.post(
        reverse("activity-close", args=[activity.pk]), {"ended_at": early}, follow=True
    )
    assert "结束时间早于开始时间" in page.content.decode()
    activity.refresh_from_db()
    assert activity.status == "open"


def test_another_officer_cannot_close_my_activity(client, officer):
    from tests.factories import UserFactory

    activity = _activity(officer)
    client.force_login(UserFactory(roles=["officer"]))
    response = client.post(
        reverse("activity-close", args=[activity.pk]), {"ended_at": _local(timezone.now())}
    )
    assert response.status_code == 404


def test_head_sees_every_activity_and_officers_only_theirs(client, officer, head):
    from tests.factories import UserFactory

    _activity(officer)
    client.force_login(head)
    assert "某某超市" in client.get(reverse("activities")).content.decode()
    client.force_login(UserFactory(roles=["officer"]))
    assert "某某超市" not in client.get(reverse("activities")).content.decode()


def test_officer_files_an_exemption_and_oversight_acknowledges_it(client, officer, oversight):
    activity = _activity(officer, closed=True)
    client.force_login(officer)
    form = {"ground": "secrecy", "legal_basis": "《保守国家秘密法》", "facts": "涉密场所，禁止录像"}
    page = client.post(reverse("exemption-new", args=[activity.pk]), form, follow=True)
    assert "已报送编委办" in page.content.decode()
    client.force_login(oversight)
    inbox = client.get(reverse("exemptions")).content.decode()
    assert "涉密场所，禁止录像" in inbox
    exemption = activity.exemptions.get()
    client.post(reverse("exemption-review", args=[exemption.pk]), {"decision": "acknowledge"})
    exemption.refresh_from_db()
    assert exemption.status == ExemptionStatus.ACKNOWLEDGED
    client.force_login(officer)
    page = client.get(reverse("activity", args=[activity.pk])).content.decode()
    assert "不予记录情形已签收" in page


def test_returning_without_a_comment_is_explained(client, officer, oversight):
    activity = _activity(officer, closed=True)
    exemption = exemptions.file_exemption(activity, "emergency", "依据", "事实", officer)
    client.force_login(oversight)
    page = client.post(
        reverse("exemption-review", args=[exemption.pk]), {"decision": "return"}, follow=True
    )
    assert "退回时请写明意见" in page.content.decode()
    exemption.refresh_from_db()
    assert exemption.status == ExemptionStatus.FILED


def test_officers_cannot_review_exemptions(client, officer):
    activity = _activity(officer, closed=True)
    exemption = exemptions.file_exemption(activity, "emergency", "依据", "事实", officer)
    client.force_login(officer)
    assert (
        client.post(
            reverse("exemption-review", args=[exemption.pk]), {"decision": "acknowledge"}
        ).status_code
        == 403
    )
    exemption.refresh_from_db()
    assert exemption.status == ExemptionStatus.FILED
