"""The activity page's coverage: what share of the activity was recorded (R-09), where nothing
was, and when its recordings are due (R-13)."""

from datetime import timedelta

import pytest

from bodycam.compliance import engine, handling
from bodycam.compliance.coverage import activity_coverage
from bodycam.compliance.models import Rule
from tests.compliance.scenes import close, found, ingest, segment

pytestmark = pytest.mark.django_db


def test_coverage_counts_recorded_time_and_names_the_gaps(tmp_path, today, officer, issued, client):
    start = today.started_at
    for name, offset in (("a.mp4", 0), ("b.mp4", 6), ("c.mp4", 251)):
        ingest(segment(tmp_path, name, start + timedelta(seconds=offset), 5), officer, issued,
               today)  # fmt: skip
    close(today, officer, timedelta(seconds=300))
    coverage = activity_coverage(today, list(today.recordings.all()))
    assert coverage.span == timedelta(seconds=300)
    assert coverage.recorded.total_seconds() == pytest.approx(15, abs=0.5)
    assert coverage.percent == pytest.approx(5.0, abs=0.2)
    # the 1 s split is no gap; the 240 s interruption and the 44 s left at the end are
    assert [round(g.seconds) for g in coverage.gaps] == [240, 44]
    engine.check_activity(today.pk)

    client.force_login(officer)
    page = client.get(f"/activities/{today.pk}/").content.decode()
    assert "已录像比例（R-09）" in page and f"{coverage.percent}%" in page
    assert "4 分 0 秒" in page and "44 秒" in page
    assert "移交时限（R-13）" in page
    assert "录像中断" in page  # the interruption finding, linked from the activity
    # the timeline: three recordings where they lie, the two gaps between and after
    recordings = [b for b in coverage.bars if b.recording]
    gaps = [b for b in coverage.bars if b.recording is None]
    assert [b.left for b in recordings] == pytest.approx([0, 2, 83.7], abs=0.2)
    assert [b.left for b in gaps] == pytest.approx([3.7, 85.3], abs=0.3)
    assert [b.width for b in gaps] == pytest.approx([80, 14.7], abs=0.3)
    assert page.count('class="seg"') == 3 and page.count('class="gap"') == 2
    assert "a.mp4" in page and "c.mp4" in page  # listed beside it, with their times


def test_an_activity_without_recordings_is_one_gap_and_overlapping_devices_count_once(
    tmp_path, today, officer, issued
):
    close(today, officer, timedelta(seconds=60))
    empty = activity_coverage(today, [])
    assert empty.percent == 0 and [round(g.seconds) for g in empty.gaps] == [60]

    start = today.started_at
    first = ingest(segment(tmp_path, "x.mp4", start, 40), officer, issued, today)
    second = ingest(segment(tmp_path, "y.mp4", start + timedelta(seconds=20), 40), officer,
                    None, today)  # fmt: skip
    both = activity_coverage(today, [first, second])
    assert both.recorded.total_seconds() == pytest.approx(60, abs=0.5)  # clipped to the span
    assert both.gaps == []


def test_an_interruptions_page_links_to_the_exact_seconds_to_watch(
    tmp_path, today, officer, issued, client, supervisor
):
    start = today.started_at
    ingest(segment(tmp_path, "a.mp4", start, 12), officer, issued, today)
    after = ingest(segment(tmp_path, "b.mp4", start + timedelta(seconds=100), 12), officer,
                   issued, today)  # fmt: skip
    close(today, officer, timedelta(seconds=112))
    engine.check_activity(today.pk)
    (gap,) = found(Rule.INTERRUPTION)
    handling.explain(gap, officer, "电池没电，换电池后继续", cause="battery", spoken_at_seconds=3)

    client.force_login(supervisor)
    page = client.get(f"/compliance/{gap.pk}/").content.decode()
    before = gap.facts["before"]
    assert f'href="/recordings/{before}/play/?at=7"' in page  # 5 s before its end
    assert f'href="/recordings/{after.pk}/play/?at=0"' in page
    assert f'href="/recordings/{after.pk}/play/?at=3"' in page  # where the officer says it is
    assert f"执法人员指出的口头说明位置：音像记录 {after.pk} 第 3 秒" in page
