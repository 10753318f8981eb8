"""Device pages: who may do what, what the page says, and that nothing changes on refusal."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bodycam.devices import registry
from bodycam.devices.models import Device, DeviceStatus, PreUseCheck
from tests.devices.factories import make_device
from tests.forms import local_input
from tests.ledger_entries import last_entry_of

pytestmark = pytest.mark.django_db


def _local(moment) -> str:
    return local_input(moment, seconds=True)


def test_custodian_registers_a_device_through_the_form(client, custodian):
    client.force_login(custodian)
    response = client.post(
        reverse("device-new"), {"serial": "ta00716", "model": "DSJ", "custodian": custodian.pk}
    )
    device = Device.objects.get(serial="TA00716")
    assert response.url == reverse("device", args=[device.pk])
    page = client.get(response.url).content.decode()
    assert "已登记记录仪 TA00716" in page and "尚未做过使用前检查" in page


def test_a_duplicate_serial_is_explained_on_the_form(client, custodian):
    make_device(custodian)
    client.force_login(custodian)
    response = client.post(reverse("device-new"), {"serial": "TA00716", "custodian": custodian.pk})
    assert response.status_code == 200
    assert "产品序号 TA00716 已经登记过" in response.content.decode()
    assert Device.objects.count() == 1


@pytest.mark.parametrize("who", ["officer", "head", "administrator", "auditor"])
def test_only_custodians_register_devices(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse("device-new"), {"serial": "X1"}).status_code == 403
    assert not Device.objects.exists()


def test_issue_and_return_from_the_device_page(client, custodian, officer):
    device = make_device(custodian)
    client.force_login(custodian)
    page = client.post(
        reverse("device-issue", args=[device.pk]), {"officer": officer.pk}, follow=True
    )
    assert "已发放给 李明" in page.content.decode()
    assert Device.objects.get(pk=device.pk).status == DeviceStatus.ISSUED
    shown = client.get(reverse("device", args=[device.pk])).content.decode()
    assert "确认归还" in shown and "备注（可选）" in shown  # one more step, and a comment
    page = client.post(
        reverse("device-return", args=[device.pk]), {"comment": "镜头有划痕"}, follow=True
    ).content.decode()
    assert "已归还" in page and "镜头有划痕" in page
    issue = device.issues.get()
    assert issue.return_comment == "镜头有划痕"
    assert last_entry_of(device).payload["comment"] == "镜头有划痕"


def test_another_custodian_cannot_issue_my_device(client, custodian, officer):
    from tests.factories import UserFactory

    device = make_device(custodian)
    other = UserFactory(roles=["custodian"])
    client.force_login(other)
    assert (
        client.post(reverse("device-issue", args=[device.pk]), {"officer": officer.pk}).status_code
        == 404
    )
    assert Device.objects.get(pk=device.pk).current_issue is None


def test_the_officer_checks_the_device_they_carry_and_sees_why_it_failed(
    client, custodian, officer
):
    device = make_device(custodian)
    registry.issue_device(device, officer, custodian)
    client.force_login(officer)
    clock = _local(timezone.now() + timedelta(minutes=2))
    form = {
        "no_fault": "1",
        "battery_percent": "30",
        "free_storage_gb": "20",
        "device_clock": clock,
    }
    page = client.post(
        reverse("device-check", args=[device.pk]), form, follow=True
    ).content.decode()
    assert "使用前检查未通过" in page and "电量 30% 低于 50%" in page and "请先校准时间" in page
    form.update(battery_percent="90", device_clock=_local(timezone.now()))
    page = client.post(
        reverse("device-check", args=[device.pk]), form, follow=True
    ).content.decode()
    assert "使用前检查通过" in page


def test_a_battery_of_120_percent_is_refused_on_the_form(client, custodian, officer):
    device = make_device(custodian)
    registry.issue_device(device, officer, custodian)
    client.force_login(officer)
    form = {"no_fault": "1", "battery_percent": "120", "free_storage_gb": "20",
            "device_clock": _local(timezone.now())}  # fmt: skip
    response = client.post(reverse("device-check", args=[device.pk]), form)
    assert "电量应在 0 到 100 之间" in response.content.decode()
    assert not PreUseCheck.objects.exists()


def test_a_clock_three_hours_fast_reads_as_such_and_bad_numbers_are_said_plainly(
    client, custodian, officer
):
    device = make_device(custodian)
    registry.issue_device(device, officer, custodian)
    client.force_login(officer)
    url = reverse("device-check", args=[device.pk])
    wrong = {"no_fault": "1", "battery_percent": "八十", "free_storage_gb": "123456789.123",
             "device_clock": _local(timezone.now())}  # fmt: skip
    errors = client.post(url, wrong).context["form"].errors
    assert errors["battery_percent"] == ["请填写 0 到 100 之间的整数，如 80。"]
    assert "剩余存储不会超过" in errors["free_storage_gb"][0]
    fast = timezone.now() + timedelta(hours=3, minutes=2, seconds=5)
    form = {**wrong, "battery_percent": "90", "free_storage_gb": "20",
            "device_clock": _local(fast)}  # fmt: skip
    page = client.post(url, form, follow=True).content.decode()
    assert "快 3 小时 2 分" in page


def test_an_officer_cannot_check_a_device_they_do_not_carry(client, custodian, officer):
    device = make_device(custodian)
    client.force_login(officer)
    assert client.get(reverse("device-check", args=[device.pk])).status_code == 404


def test_the_registry_list_filters_and_searches(client, custodian, head):
    make_device(custodian, "TA00716", model="DSJ-V9")
    spare = make_device(custodian, "TB00001")
    registry.record_maintenance(spare, "fault", "不开机", custodian)
    client.force_login(head)
    page = client.get(reverse("devices"), {"status": "repair"}).content.decode()
    assert "TB00001" in page and "TA00716" not in page
    page = client.get(reverse("devices"), {"q": "v9"}).content.decode()
    assert "TA00716" in page and "TB00001" not in page


def test_the_device_page_shows_its_whole_history(client, custodian, officer, head):
    device = make_device(custodian)
    registry.issue_device(device, officer, custodian)
    registry.return_device(device, custodian)
    client.force_login(head)
    page = client.get(reverse("device", args=[device.pk])).content.decode()
    assert page.count("李明（JX0227）") >= 1
    ledger_part = page.split("监管链日志")[-1]
    for event in ("登记", "发放", "归还"):
        assert f"<td>{event}</td>" in ledger_part
    assert "发放" not in page.split("发放记录")[0].split("<h2>")[-1]  # head has no issue form
