"""The whole API, generated from its own OpenAPI schema by schemathesis, as every demo role:
no request (however odd: huge numbers, ancient dates, ids that are no ids, bodies of the wrong
shape) gets a server error, and every answer matches what the schema promises.

The examples are derandomised (the same ones every run, so CI is repeatable) and bounded so
the whole run stays within a few minutes; raise SCHEMATHESIS_EXAMPLES to explore further.

Every operation is fuzzed on both databases; the roles are shared out between them (the
records office, whose rights reach furthest, on both), since the fuzzing is most of the
suite's time and every role once keeps CI within its budget. SCHEMATHESIS_ROLES=all runs every
role on whichever database the run uses.
"""

import os
from datetime import timedelta

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from bodycam.accounts.demo import PEOPLE, create_demo_bureau
from bodycam.accounts.models import User
from bodycam.activities import exemptions, lifecycle
from bodycam.devices import registry
from bodycam.devices.models import Device
from bodycam.recordings.ingest import ingest_paths
from bodycam.recordings.resolution import Given
from tests import media
from tests.factories import api_key

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "8"))
ALL_ROLES = [username for username, *_rest in PEOPLE]
ON_SQLITE = ["records", "officer", "auditor", "oversight", "admin"]
ON_POSTGRES = ["records", "head", "custodian", "supervisor", "secrecy"]
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def _roles() -> list[str]:
    if os.environ.get("SCHEMATHESIS_ROLES") == "all":
        return ALL_ROLES
    postgres = "postgresql" in django_settings.DATABASES["default"]["ENGINE"]
    return ON_POSTGRES if postgres else ON_SQLITE


ROLES = _roles()
assert set(ON_SQLITE) | set(ON_POSTGRES) == set(ALL_ROLES), "every role on one database"

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("schema-bureau")


@pytest.fixture(autouse=True)
def isolated_data_dir(settings, data_dir):
    """This module's tests share one data folder: the bureau's recording is stored there once."""
    settings.DATA_DIR = data_dir / "var"
    settings.BLOB_STORAGE_DIR = data_dir / "var" / "blobs"
    settings.DATA_DIR.mkdir(exist_ok=True)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings.DATA_DIR


@pytest.fixture(scope="module")
def bureau(django_db_setup, django_db_blocker, data_dir):
    """The demo bureau with one of everything (a device issued and checked, an activity with
    an exemption, a recording), and an API key for each demo login: made once for the module
    inside a transaction that is rolled back after it; each test runs in a savepoint within."""
    with pytest.MonkeyPatch.context() as patch, django_db_blocker.unblock():
        patch.setattr(django_settings, "DATA_DIR", data_dir / "var")
        patch.setattr(django_settings, "BLOB_STORAGE_DIR", data_dir / "var" / "blobs")
        patch.setattr(
            django_settings, "PASSWORD_HASHERS", ["django.contrib.auth.hashers.MD5PasswordHasher"]
        )
        (data_dir / "var").mkdir(exist_ok=True)
        with transaction.atomic():
            yield _make_bureau(data_dir)
            transaction.set_rollback(True)


def _make_bureau(folder) -> dict[str, str]:
    create_demo_bureau()
    officer, custodian = (
        User.objects.get(username="officer"),
        User.objects.get(username="custodian"),
    )
    device = Device.objects.get(serial="TA00716")
    registry.issue_device(device, officer, custodian)
    start = timezone.now() - timedelta(hours=3)
    activity = lifecycle.open_activity("investigation", [officer], start, officer, devices=[device])
    lifecycle.close_activity(activity, start + timedelta(hours=1), officer)
    exemptions.file_exemption(activity, "emergency", "依据", "事实", officer)
    clip = media.make_mp4(folder / "TA00716_JX0227_20261120093621.MP4", seconds=1)
    list(ingest_paths([clip], Given()))
    return {user.username: api_key(user) for user in User.objects.all()}


@pytest.fixture
def keys(bureau, db):
    """Requests through the WSGI app would close the test's database connection when they
    finish; Django's own test client stops that the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield bureau
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_request_gets_a_server_error_or_an_answer_the_schema_does_not_promise(case, keys, role):
    case.call_and_validate(headers={"Authorization": f"Token {keys[role]}"}, checks=CHECKS)
