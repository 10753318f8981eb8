import pytest

from bodycam.accounts.roles import Role
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def isolated_data_dir(request, tmp_path):
    """Each test gets its own data folder, so storage and keys never leak between tests."""
    if not request.config.pluginmanager.hasplugin("django"):
        return None  # pure tests run without Django (-p no:django)
    settings = request.getfixturevalue("settings")
    settings.DATA_DIR = tmp_path / "var"
    settings.BLOB_STORAGE_DIR = tmp_path / "var" / "blobs"
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR


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
