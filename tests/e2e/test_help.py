"""The help pages' screenshots are the pages themselves: each role signs in to the demo bureau
with a day's work, opens every page its guide describes, and the picture is taken there. With
BODYCAM_HELP_SHOTS=update the pictures are written into the package's static files (then
committed); without, the test checks that every step's page opens and its picture exists."""

import os
from pathlib import Path

import pytest

import bodycam
from bodycam.help import GUIDES
from tests.e2e.test_devices_and_activities import sign_in

pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)  # the guides' ids

STATIC = Path(bodycam.__file__).parent / "static"
USERNAMES = {"officer": ("officer", "李明"), "custodian": ("custodian", "张保管"),
             "records_office": ("records", "赵文档"), "head": ("head", "王建国"),
             "supervisor": ("supervisor", "孙督察"), "oversight": ("oversight", "周编委"),
             "auditor": ("auditor", "吴审计"), "secrecy_officer": ("secrecy", "郑保密"),
             "administrator": ("admin", "系统管理员")}  # fmt: skip


@pytest.mark.parametrize("role", sorted(GUIDES))
def test_every_step_of_each_guide_opens_and_has_its_picture(
    live_server,
    page,
    bureau,
    role,
    tmp_path,
):
    username, greeting = USERNAMES[role]
    sign_in(page, live_server.url, username, greeting)
    update = os.environ.get("BODYCAM_HELP_SHOTS") == "update"
    for step in GUIDES[role]:
        response = page.goto(f"{live_server.url}{step.path}")
        assert response is not None and response.status == 200, step.path
        assert page.locator("h1").first.is_visible()
        target = STATIC / step.shot if update else tmp_path / Path(step.shot).name
        target.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target), type="jpeg", quality=60)
        assert (STATIC / step.shot).is_file(), f"run with BODYCAM_HELP_SHOTS=update: {step.shot}"
    page.goto(f"{live_server.url}/help/")
    sources = page.locator(".help-steps img").evaluate_all("imgs => imgs.map(i => i.src)")
    assert len(sources) >= len(GUIDES[role])
    for source in sources:  # lazy pictures load as one scrolls: fetch each as the browser would
        picture = page.request.get(source)
        assert picture.status == 200 and picture.headers["content-type"] == "image/jpeg", source
