import pytest
from django.db import connection

from bodycam.accounts.roles import Role
from bodycam.devices import registry
from bodycam.ledger import guards
from tests.factories import UserFactory

pytest_plugins = ["tests.objectstores"]  # blob stores on local files, moto and SeaweedFS


@pytest.fixture(autouse=True)
def isolated_data_dir(settings, tmp_path):
    """Each test gets its own data folder, so storage and keys never leak between tests."""
    settings.DATA_DIR = tmp_path / "var"
    settings.BLOB_STORAGE_DIR = tmp_path / "var" / "blobs"
    settings.DATA_DIR.mkdir()
    # Argon2 is deliberately slow; tests that are not about passwords need not pay for it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings.DATA_DIR


@pytest.fixture(autouse=True)
def fresh_cache():
    """The cache (what was refused a moment ago, throttles) starts empty in every test: ids
    repeat from test to test, so a remembered refusal would belong to another test's user."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def ledger_guards(request):
    """The ledger's append-only triggers are in place for every test that uses the database.

    A transactional test ends with Django emptying every table, which the triggers (rightly)
    refuse; so they are lifted after such a test and put back before the next.
    """
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or {"db", "transactional_db", "live_server"} & set(
        request.fixturenames
    )
    if not uses_db:
        yield
        return
    request.getfixturevalue("transactional_db" if _transactional(request, marker) else "db")
    for tables in (guards.LEDGER_TABLES, guards.RECORDING_TABLES):
        guards.install(connection, tables)
    yield
    if _transactional(request, marker):
        for tables in (guards.LEDGER_TABLES, guards.RECORDING_TABLES):
            guards.remove(connection, tables)


def _transactional(request, marker) -> bool:
    names = set(request.fixturenames)
    return bool(
        (marker and marker.kwargs.get("transaction")) or {"transactional_db", "live_server"} & names
    )


def _person(username: str, role: str, **extra):
    return UserFactory(username=username, roles=[role], **extra)


@pytest.fixture
def officer(db):
    return _person("officer_li", Role.OFFICER, full_name="李明", badge_number="JX0227")


@pytest.fixture
def custodian(db):
    return _person("custodian_zhang", Role.CUSTODIAN, full_name="张保管")


@pytest.fixture
def records_clerk(db):
    return _person("records_zhao", Role.RECORDS_OFFICE, full_name="赵文档")


@pytest.fixture
def head(db):
    return _person("head_wang", Role.HEAD, full_name="王建国", badge_number=None)


@pytest.fixture
def supervisor(db):
    return _person("supervisor_sun", Role.SUPERVISOR, full_name="孙督察")


@pytest.fixture
def oversight(db):
    return _person("oversight_zhou", Role.OVERSIGHT, full_name="周编委", badge_number=None)


@pytest.fixture
def auditor(db):
    return _person("auditor_wu", Role.AUDITOR, full_name="吴审计", badge_number=None)


@pytest.fixture
def administrator(db):
    return _person("admin_qian", Role.ADMINISTRATOR, full_name="钱管理", badge_number=None)


@pytest.fixture
def api():
    """A REST API client (authenticate with api.force_authenticate(user))."""
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def device(custodian):
    """Recorder TA-007, kept by the custodian."""
    return registry.register_device("TA-007", custodian, None, model="DSJ-V9")


@pytest.fixture
def issued(device, officer, custodian):
    """The device, carried by the officer (JX0227)."""
    registry.issue_device(device, officer, custodian)
    return device


@pytest.fixture
def job_worker(transactional_db):
    """A background worker taking queued jobs while the test runs (as `bodycam worker`
    does beside the web server): what a live server's uploads need to be ingested."""
    import threading

    from django.db import connections
    from django_tasks_db.management.commands.db_worker import Worker

    stop = threading.Event()
    # django-tasks-db's own worker loop, minus its signal handlers (a thread cannot have them)
    worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name="default",
                    startup_delay=False, max_tasks=None, worker_id="test-worker",
                    excluded_queue_names=[])  # fmt: skip

    def work() -> None:
        try:
            while not stop.is_set():
                worker.running = True
                worker.run()
                stop.wait(0.1)
        finally:
            connections.close_all()

    thread = threading.Thread(target=work, name="job-worker", daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=60)


@pytest.fixture
def bureau(tmp_path):
    """The demo bureau with a day's work in it: an issued recorder, an activity with a
    recording and a finding, an exemption filed, a recording that needs identifying."""
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from bodycam.accounts.models import User
    from bodycam.activities import exemptions, lifecycle
    from bodycam.compliance import engine
    from bodycam.devices.models import Device
    from bodycam.recordings.ingest import ingest_file
    from bodycam.recordings.resolution import Given
    from bodycam.recordings.storage import blob_store
    from tests.compliance.scenes import segment

    call_command("demo", verbosity=0)
    officer = User.objects.get(username="officer")
    custodian = User.objects.get(username="custodian")
    device = Device.objects.get(serial="TA00716")
    registry.issue_device(device, officer, custodian)
    start = timezone.now().replace(microsecond=0) - timedelta(hours=2)
    activity = lifecycle.open_activity(
        "routine_inspection", [officer], start, officer, devices=[device], subject_name="某某超市"
    )
    clip = segment(tmp_path, "TA00716_JX0227_clip.MP4", start + timedelta(minutes=1), 3)
    ingest_file(clip, Given(officer=officer, device=device), blob_store())
    lifecycle.close_activity(activity, start + timedelta(minutes=30), officer)
    other = lifecycle.open_activity("investigation", [officer], start, officer)
    lifecycle.close_activity(other, start + timedelta(minutes=10), officer)
    exemptions.file_exemption(other, "emergency", "《行政处罚法》", "突发火情", officer)
    unknown = segment(tmp_path, "ZZ99999_XX0001_20261120093621.MP4", start, 2)
    ingest_file(unknown, Given(), blob_store())
    engine.run_all(analyse=False)
