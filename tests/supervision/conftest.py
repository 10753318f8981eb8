"""A bureau for spot checks: two squads and an inspection office, officers with photos taken
on one Beijing day of the recent past (each a real JPEG with its EXIF time, ingested), two
supervisors and the head."""

from datetime import timedelta

import pytest

from bodycam.accounts.roles import Role
from bodycam.lib import wallclock
from bodycam.recordings.ingest import ingest_file
from bodycam.recordings.models import Recording
from bodycam.recordings.resolution import Given
from bodycam.recordings.storage import blob_store
from bodycam.supervision import campaigns
from tests import media
from tests.factories import UnitFactory, UserFactory


@pytest.fixture
def day():
    """Three days ago in Beijing: a period that has ended."""
    return wallclock.local_day() - timedelta(days=3)


def photos(folder, officer, count: int, day) -> list[Recording]:
    """`count` distinct photos by `officer` taken on `day` (Beijing time), ingested."""
    made = []
    for n in range(count):
        hour = 8 + officer.pk % 12  # each officer's own hour: no two photos are alike
        taken = f"{day:%Y:%m:%d} {hour:02d}:{n // 60:02d}:{n % 60:02d}"
        path = media.make_jpg(folder / f"{officer.username}_{n}.jpg", exif_time=taken,
                              size=(32, 24))  # fmt: skip
        result = ingest_file(path, Given(officer=officer), blob_store())
        made.append(Recording.objects.get(pk=result.recording_id))
    return made


@pytest.fixture
def squads(db):
    return {
        "A": UnitFactory(code="SQA", name="一中队"),
        "B": UnitFactory(code="SQB", name="二中队"),
        "C": UnitFactory(code="DCS", name="督察室"),
    }


@pytest.fixture
def people(squads):
    def person(name, unit, role):
        return UserFactory(username=name, unit=squads[unit], roles=[role])

    return {
        "wang": person("wang", "A", Role.OFFICER),
        "li": person("li", "A", Role.OFFICER),
        "zhao": person("zhao", "B", Role.OFFICER),
        "sup_a": person("sup_a", "A", Role.SUPERVISOR),
        "sup_c": person("sup_c", "C", Role.SUPERVISOR),
        "head": person("head", "C", Role.HEAD),
    }


@pytest.fixture
def recorded(tmp_path, people, day):
    """wang 20 photos, li 3, zhao 7 (zhao of squad B)."""
    counts = {"wang": 20, "li": 3, "zhao": 7}
    return {name: photos(tmp_path, people[name], n, day) for name, n in counts.items()}


def plan(people, day, **changes) -> campaigns.Plan:
    fields = {
        "title": "十一月抽查", "period_from": day, "period_to": day, "ratio": "0.1",
        "minimum": 1, "reviewers": [people["sup_a"], people["sup_c"]], "units": [],
    }  # fmt: skip
    fields.update(changes)
    return campaigns.Plan(**fields)


@pytest.fixture
def started(people, recorded, day):
    proposed = campaigns.propose_campaign(plan(people, day), people["sup_a"])
    return campaigns.start_campaign(proposed, people["head"], "同意")
