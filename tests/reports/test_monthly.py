"""The monthly report: a Chinese PDF of the month's figures per unit, made once by the job for
last month and on demand; its numbers are the dashboard's."""

import subprocess

from bodycam.reports.models import MonthlyReport
from bodycam.reports.monthly import make_monthly_reports, month_bounds
from bodycam.reports.tasks import monthly_reports
from bodycam.schedule import periodic_jobs


def text_of(document: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=document,
                          capture_output=True, check=True).stdout.decode()  # fmt: skip


def test_the_job_makes_last_months_reports_once_for_the_bureau_and_each_unit(recorded, day, squads):
    first = day.replace(day=1)
    assert make_monthly_reports(first) == 1 + 3  # the bureau and its three units
    assert make_monthly_reports(first) == 0
    bureau = MonthlyReport.objects.get(unit=None, month=first)
    text = text_of(bytes(bureau.pdf))
    assert f"{first.year} 年 {first.month} 月" in text and "每日音像记录" in text
    line = next(row for row in text.splitlines() if day.isoformat() in row)
    assert line.split()[1] == "30"  # all thirty photos of that day
    squad_b = MonthlyReport.objects.get(unit=squads["B"], month=first)
    line = next(row for row in text_of(bytes(squad_b.pdf)).splitlines() if day.isoformat() in row)
    assert line.split()[1] == "7"  # zhao's seven


def test_the_job_is_scheduled():
    assert monthly_reports in [job for job, _interval in periodic_jobs()]


def test_month_bounds_end_on_the_last_day():
    from datetime import date

    assert month_bounds(date(2026, 2, 1)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert month_bounds(date(2026, 12, 1))[1] == date(2026, 12, 31)


def test_a_report_on_demand_and_the_list(client, people, recorded, day, squads):
    client.force_login(people["head"])
    response = client.get(f"/reports/monthly/?unit=SQB&month={day:%Y-%m}")
    assert response["Content-Type"] == "application/pdf"
    assert "二中队" in text_of(response.content)
    make_monthly_reports(day.replace(day=1))
    page = client.get("/reports/monthly/").content.decode()
    report = MonthlyReport.objects.get(unit=squads["A"])
    assert f"/reports/monthly/{report.pk}.pdf" in page
    assert client.get(f"/reports/monthly/{report.pk}.pdf").content.startswith(b"%PDF")
    response = client.get("/reports/monthly/?month=2026-13", follow=True)
    assert response.status_code == 200 and "不是有效的日期" in response.content.decode()
    client.force_login(people["wang"])
    assert client.get("/reports/monthly/").status_code == 403
