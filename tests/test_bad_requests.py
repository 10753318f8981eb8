"""Bad requests get a clear 4xx, never a server error: every cause an independent probe found,
each reproduced here (ids that are no ids, huge numbers, dates out of range, impossible clocks,
a schema asked for by many at once)."""

import subprocess
import sys
import textwrap
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from bodycam.activities import exemptions, lifecycle
from bodycam.devices import checks
from bodycam.devices.models import PreUseCheck
from bodycam.recordings.ingest import ingest_paths
from bodycam.recordings.resolution import Given
from tests import media
from tests.api import refused
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
HUGE = "9" * 30

# Every custom action that looks an object up, and the role that may take it.
ACTIONS = [
    ("devices", "issue", "custodian"),
    ("devices", "return", "custodian"),
    ("devices", "maintenance", "custodian"),
    ("devices", "checks", "officer"),
    ("activities", "close", "officer"),
    ("activities", "return", "officer"),
    ("exemptions", "acknowledge", "oversight"),
    ("exemptions", "return", "oversight"),
    ("recordings", "link", "records_clerk"),
    ("tokens", "revoke", "officer"),
]


@pytest.fixture
def closed_activity(officer, issued):
    start = timezone.now() - timedelta(hours=2)
    activity = lifecycle.open_activity("investigation", [officer], start, officer, devices=[issued])
    lifecycle.close_activity(activity, start + timedelta(hours=1), officer)
    return activity


@pytest.mark.parametrize(("resource", "name", "role"), ACTIONS)
@pytest.mark.parametrize("key", ["abc", "0", "-1", HUGE, "1.5", "²"])
def test_an_id_that_is_no_id_is_a_404_for_those_who_may_and_a_403_for_others(
    api, request, resource, name, role, key
):
    url = f"/api/v1/{resource}/{key}/{name}/"
    api.force_authenticate(request.getfixturevalue(role))
    assert api.post(url, {}, format="json").status_code == 404
    api.force_authenticate(request.getfixturevalue("supervisor"))
    answer = api.post(url, {}, format="json")
    assert answer.status_code in (403, 404) and answer.json()["code"]


@pytest.mark.parametrize("page", ["devices", "activities", "recordings"])
def test_a_page_id_too_long_for_the_database_is_a_404(client, head, page):
    client.force_login(head)
    assert client.get(f"/{page}/{HUGE}/").status_code == 404


def test_someone_elses_activity_and_a_missing_one_answer_alike(api, closed_activity):
    other = UserFactory(roles=["officer"])
    api.force_authenticate(other)
    body = {"ground": "emergency", "legal_basis": "依据", "facts": "事实"}
    foreign = api.post(
        "/api/v1/exemptions/", {**body, "activity": closed_activity.pk}, format="json"
    )
    missing = api.post("/api/v1/exemptions/", {**body, "activity": 9999}, format="json")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


@pytest.mark.parametrize("limit", [HUGE, "100000", "-5", "lots"])
def test_a_huge_or_odd_limit_gets_a_bounded_page(api, head, limit):
    UserFactory.create_batch(3)
    api.force_authenticate(head)
    answer = api.get(f"/api/v1/users/?limit={limit}&offset={HUGE}")
    assert answer.status_code == 200 and answer.json()["results"] == []
    page = api.get(f"/api/v1/users/?limit={limit}").json()
    assert 1 <= len(page["results"]) <= 500


@pytest.mark.parametrize("url", ["/api/v1/recordings/", "/api/v1/ledger/entries/"])
@pytest.mark.parametrize("since", ["0001-01-01", "9999-12-31", "2026-02-30", "20261301"])
def test_dates_out_of_range_are_refused_in_the_api(api, auditor, url, since):
    api.force_authenticate(auditor)
    chinese, _english = refused(lambda **lang: api.get(f"{url}?since={since}", **lang))
    assert since in chinese


@pytest.mark.parametrize("page", ["/recordings/", "/ledger/"])
def test_dates_out_of_range_are_explained_on_the_pages(client, auditor, page):
    client.force_login(auditor)
    answer = client.get(f"{page}?since=0001-01-01&until=0001-01-01")
    assert answer.status_code == 200
    assert "超出范围" in answer.content.decode()


@pytest.mark.parametrize(
    "query",
    [f"unit={HUGE}", f"activity={HUGE}", "unit=²", "activity=-1", f"unit={2**63}"],
)
def test_integers_too_big_for_the_database_match_nothing(api, head, tmp_path, query):
    list(ingest_paths([media.make_mp4(tmp_path / "TA-007_JX0227_20261120093621.MP4")], Given()))
    api.force_authenticate(head)
    for url in ("/api/v1/recordings/", "/api/v1/devices/"):
        answer = api.get(f"{url}?{query}")
        assert answer.status_code == 200 and answer.json()["count"] == 0, url
    assert api.get(f"/api/v1/ledger/entries/?actor={HUGE}").status_code == 200


def test_a_huge_reading_delay_on_the_check_page_is_ignored_not_a_crash(client, officer, issued):
    client.force_login(officer)
    form = client.get(f"/devices/{issued.pk}/check/").context["form"]
    now = timezone.localtime(timezone=ZoneInfo("Asia/Shanghai"))  # as the officer reads it
    answer = client.post(
        f"/devices/{issued.pk}/check/",
        {"no_fault": "1", "battery_percent": "90", "free_storage_gb": "32",
         "device_clock": now.strftime("%Y-%m-%dT%H:%M:%S"),
         "served_at": form["served_at"].initial, "read_after_ms": HUGE},
    )  # fmt: skip
    assert answer.status_code == 302
    assert PreUseCheck.objects.get().problems == []  # judged at submission time instead


@pytest.mark.parametrize("clock", ["0202-11-20T09:00:00+08:00", "2202-01-01T00:00:00Z"])
def test_an_impossible_device_clock_is_refused_and_never_stored(api, officer, issued, clock):
    api.force_authenticate(officer)
    body = {"no_fault": True, "battery_percent": 90, "free_storage_gb": "32",
            "device_clock": clock}  # fmt: skip
    refused(
        lambda **lang: api.post(
            f"/api/v1/devices/{issued.pk}/checks/", body, format="json", **lang
        ),
        code="impossible_clock",
    )
    assert not PreUseCheck.objects.exists()


def test_a_recorder_clock_reset_to_1970_is_recorded_as_a_wrong_clock(officer, issued):
    reading = checks.Reading(True, 90, 32, timezone.now().replace(year=1970))
    assert [
        problem["code"] for problem in checks.record_check(issued, reading, officer).problems
    ] == ["clock"]


def test_many_first_requests_for_the_schema_at_once_all_succeed(tmp_path):
    # A fresh process, eight threads asking at the same instant (drf-spectacular loads its
    # extensions on first use without a lock).
    script = textwrap.dedent(
        """
        import io, os, sys, threading
        os.environ["DJANGO_SETTINGS_MODULE"] = "bodycam.settings"
        import django; django.setup()
        from django.core.wsgi import get_wsgi_application
        app, gate, answers = get_wsgi_application(), threading.Barrier(8), []
        def ask():
            environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/api/schema/", "SERVER_NAME": "x",
                       "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "wsgi.input": io.BytesIO(),
                       "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr}
            gate.wait()
            b"".join(app(environ, lambda status, headers: answers.append(status)))
        threads = [threading.Thread(target=ask) for _ in range(8)]
        [t.start() for t in threads]; [t.join() for t in threads]
        print(sorted(set(answers)))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
        env={"BODYCAM_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert done.stdout.strip() == "['200 OK']", done.stderr[-3000:]


def test_the_exemption_review_pages_refuse_a_foreign_role_with_403(
    client, officer, closed_activity
):
    exemption = exemptions.file_exemption(closed_activity, "emergency", "依据", "事实", officer)
    client.force_login(officer)
    assert client.post(f"/exemptions/{exemption.pk}/review/").status_code == 403


@pytest.mark.parametrize("seq", ["²", HUGE, "-1", "x"])
def test_a_proof_asked_for_an_entry_that_is_no_number_is_a_400(api, auditor, seq):
    api.force_authenticate(auditor)
    chinese, _english = refused(lambda **lang: api.get(f"/api/v1/ledger/proof/inclusion?seq={seq}",
                                                       **lang))  # fmt: skip
    assert "seq" in chinese or seq in chinese  # names what was wrong


# A NUL character (PostgreSQL refuses it in text; schemathesis sent one in a ledger filter) --------


@pytest.mark.parametrize(
    "url",
    ["/api/v1/ledger/entries/1/?actor=%00", "/api/v1/recordings/?q=a%00b",
     "/api/v1/activities/?x=%00"],
)  # fmt: skip
def test_a_nul_in_a_query_is_a_400_in_both_languages(api, auditor, url):
    api.force_authenticate(auditor)
    refused(lambda **lang: api.get(url, **lang), 400, "nul_character")


def test_a_nul_in_a_json_body_is_refused_and_nothing_is_written(api, officer, issued):
    from bodycam.activities.models import EnforcementActivity

    api.force_authenticate(officer)
    body = {"type": "routine_inspection", "officers": ["JX0227"], "subject_name": "某\u0000超市",
            "started_at": timezone.now().isoformat()}  # fmt: skip
    response = api.post("/api/v1/activities/", body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "nul_character"
    assert not EnforcementActivity.objects.exists()


def test_a_nul_in_a_page_form_is_said_on_a_page_in_chinese(client, officer):
    client.force_login(officer)
    response = client.post("/activities/new/", {"subject_name": "某\x00超市"})
    assert response.status_code == 400
    assert "控制字符" in response.content.decode() and "返回首页" in response.content.decode()
    assert client.get("/recordings/?q=%00").status_code == 400
