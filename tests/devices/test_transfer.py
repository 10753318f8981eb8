"""Import and export through the page and the command line: dry run first, all or nothing."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from bodycam.accounts.models import User
from bodycam.devices.models import Device
from tests.devices.factories import make_device
from tests.devices.test_imports import HEADERS, csv_bytes

pytestmark = pytest.mark.django_db


def _ledger(custodian, *serials) -> bytes:
    rows = [
        [serial, "海康", "V9", "否", "2024-01-02", custodian.username, "", ""] for serial in serials
    ]
    return csv_bytes([HEADERS, *rows], "utf-8-sig")


def _upload(data: bytes, name: str = "台账.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_the_page_checks_first_then_imports_the_same_file(client, custodian):
    client.force_login(custodian)
    data = _ledger(custodian, "TA00801", "TA00802")
    page = client.post(reverse("device-import"), {"file": _upload(data)}).content.decode()
    assert "共 2 行，0 行有问题" in page and "确认导入" in page
    assert not Device.objects.exists()  # the dry run writes nothing
    done = client.post(
        reverse("device-import"), {"file": _upload(data), "confirm": "1"}, follow=True
    )
    assert "已导入 2 台记录仪" in done.content.decode()
    assert set(Device.objects.values_list("serial", flat=True)) == {"TA00801", "TA00802"}


def test_confirming_with_another_file_writes_nothing(client, custodian):
    client.force_login(custodian)
    client.post(reverse("device-import"), {"file": _upload(_ledger(custodian, "TA00801"))})
    other = _upload(_ledger(custodian, "TA00999"))
    page = client.post(reverse("device-import"), {"file": other, "confirm": "1"})
    assert "同一个文件" in page.content.decode()
    assert not Device.objects.exists()


def test_bad_rows_are_listed_with_their_lines_and_cannot_be_confirmed(client, custodian):
    make_device(custodian, "TA00801")
    client.force_login(custodian)
    page = client.post(reverse("device-import"), {"file": _upload(_ledger(custodian, "TA00801"))})
    text = page.content.decode()
    assert "已经登记过" in text and "<td>2</td>" in text and "确认导入" not in text


def test_a_picture_is_refused_in_plain_words(client, custodian):
    client.force_login(custodian)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    page = client.post(reverse("device-import"), {"file": _upload(png, "x.png")}).content.decode()
    assert "不是 Excel（.xlsx）或 CSV 表格" in page
    assert not Device.objects.exists()


@pytest.mark.parametrize("who", ["officer", "head", "auditor"])
def test_only_custodians_and_administrators_import(client, request, who, custodian):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("device-import"), {"file": _upload(_ledger(custodian, "X1"))})
    assert response.status_code == 403


def test_the_export_is_an_xlsx_of_the_registry(client, custodian, head):
    make_device(custodian, "TA00801")
    client.force_login(head)
    response = client.get(reverse("device-export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == ["产品序号", "TA00801"]


def test_the_command_line_dry_run_writes_nothing_and_apply_writes_all(tmp_path, custodian, capsys):
    path = tmp_path / "台账.csv"
    path.write_bytes(_ledger(custodian, "TA00801", "TA00802"))
    call_command("device", "import", str(path), "--json")
    dry = json.loads(capsys.readouterr().out)
    assert (dry["total"], dry["bad"], dry["applied"]) == (2, 0, False)
    assert not Device.objects.exists()
    call_command("device", "import", str(path), "--apply")
    assert "已导入 2 行" in capsys.readouterr().out
    assert Device.objects.count() == 2


def test_the_command_line_refuses_to_apply_a_file_with_problems(tmp_path, custodian):
    make_device(custodian, "TA00801")
    path = tmp_path / "台账.csv"
    path.write_bytes(_ledger(custodian, "TA00801", "TA00802"))
    with pytest.raises(CommandError, match="有 1 行存在问题"):
        call_command("device", "import", str(path), "--apply")
    assert Device.objects.count() == 1


def test_users_import_from_the_command_line_prints_generated_passwords(tmp_path, capsys, db):
    from tests.devices.test_imports import csv_bytes as table

    path = tmp_path / "人员.csv"
    path.write_bytes(
        table(
            [["用户名", "姓名", "警号", "角色"], ["wangwu", "王五", "JX0999", "执法人员"]], "utf-8"
        )
    )
    call_command("people", "import", str(path), "--apply", "--json")
    result = json.loads(capsys.readouterr().out)
    password = result["passwords"]["wangwu"]
    user = User.objects.get(username="wangwu")
    assert user.check_password(password) and user.has_role("officer")
