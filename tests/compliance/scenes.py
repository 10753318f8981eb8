"""What the compliance scenarios share: an activity of today, recordings ingested into it."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from bodycam.activities import lifecycle
from bodycam.compliance.models import Finding
from bodycam.recordings.ingest import ingest_file
from bodycam.recordings.models import Recording
from bodycam.recordings.resolution import Given
from bodycam.recordings.storage import blob_store
from tests import media

BEIJING = ZoneInfo("Asia/Shanghai")


def stamp(moment) -> str:
    """A recorder's container time: Beijing wall-clock time labelled UTC (the default)."""
    return moment.astimezone(BEIJING).strftime("%Y-%m-%dT%H:%M:%S.000000Z")


def ingest(path, officer, device, activity) -> Recording:
    given = Given(officer=officer, device=device, activity=activity)
    return Recording.objects.get(pk=ingest_file(path, given, blob_store()).recording_id)


def found(rule=None, **where) -> list[Finding]:
    rows = Finding.objects.filter(**where)
    return list(rows.filter(rule=rule) if rule else rows)


def close(activity, officer, after: timedelta):
    lifecycle.close_activity(activity, activity.started_at + after, officer)
    activity.refresh_from_db()
    return activity


def segment(tmp_path, name, start, seconds, **options):
    return media.make_mp4(tmp_path / name, seconds=seconds, creation_time=stamp(start),
                          size=(64, 48), fps=5, **options)  # fmt: skip
