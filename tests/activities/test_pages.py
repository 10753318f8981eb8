"""Activity pages: officers open and close their own; the oversight office reviews."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bodycam.activities import exemptions, lifecycle
from bodycam.activities.models import EnforcementActivity, ExemptionStatus
from tests.forms import local_input
from tests.ledger_entries import last_entry_of

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
    assert "签收后不能撤回" in inbox and "确认签收" in inbox  # irreversible: one more step
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


# Corrections (hard rule 6, R-23) ------------------------------------------------------------


def _open_form(officer, **overrides) -> dict:
    form = {"type": "routine_inspection", "officers": [officer.pk], "subject_name": "某某超市",
            "started_at": _local(timezone.now())}  # fmt: skip
    return form | overrides


def test_a_start_days_ago_asks_for_a_late_entry_reason_beside_that_field(client, officer):
    client.force_login(officer)
    form = _open_form(officer, started_at=_local(timezone.now() - timedelta(days=5)))
    response = client.post(reverse("activity-new"), form)
    assert response.status_code == 200 and not EnforcementActivity.objects.exists()
    errors = response.context["form"].errors
    assert "事后补录" in errors["late_reason"][0] and "__all__" not in errors
    form["late_reason"] = "出差回来补录"
    page = client.post(reverse("activity-new"), form, follow=True).content.decode()
    assert "本活动是事后补录的" in page and "出差回来补录" in page


def test_a_borrowed_recorder_asks_for_a_reason_and_shows_a_warning(client, officer, device):
    client.force_login(officer)
    form = _open_form(officer, devices=[device.pk])
    response = client.post(reverse("activity-new"), form)
    assert "TA-007" in response.context["form"].errors["device_reason"][0]
    form["device_reason"] = "本人记录仪送修，借用"
    page = client.post(reverse("activity-new"), form, follow=True).content.decode()
    assert "不是发给本次执法人员的记录仪" in page and "本人记录仪送修，借用" in page


def test_the_officer_corrects_the_subject_on_the_page_and_sees_the_old_one_kept(client, officer):
    activity = _activity(officer)
    client.force_login(officer)
    url = reverse("activity-correct", args=[activity.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data |= {"subject_name": "某某便利店"}
    missing = client.post(url, data)
    assert "理由" in missing.context["form"].errors["reason"][0]
    page = client.post(url, data | {"reason": "单位名称填错"}, follow=True).content.decode()
    assert "已更正" in page and "某某便利店" in page
    activity.refresh_from_db()
    assert activity.subject_name == "某某便利店"
    assert last_entry_of(activity).payload["before"] == {"subject_name": "某某超市"}


@pytest.mark.parametrize("who", ["head", "custodian", "oversight"])
def test_roles_that_do_not_correct_get_no_correction_page(client, request, who, officer):
    activity = _activity(officer)
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("activity-correct", args=[activity.pk])).status_code == 403
    response = client.post(reverse("activity-cancel", args=[activity.pk]), {"reason": "x"})
    assert response.status_code == 403
    activity.refresh_from_db()
    assert activity.status == "open"


def test_cancelling_on_the_page_leaves_the_activity_shown_as_cancelled(client, officer):
    activity = _activity(officer, closed=True)
    client.force_login(officer)
    page = client.post(
        reverse("activity-cancel", args=[activity.pk]), {"reason": "误开"}, follow=True
    ).content.decode()
    assert "执法活动已撤销，不再要求录像" in page and "撤销理由：误开" in page
    assert "否：活动已撤销" in page
    listing = client.get(reverse("activities") + "?status=cancelled").content.decode()
    assert "某某超市" in listing and "已撤销" in listing
