"""Fixtures of the compliance scenarios."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from bodycam.activities import lifecycle


@pytest.fixture(autouse=True)
def afternoon_in_beijing():
    """Every scenario happens on one Beijing afternoon, with the clock running: "three hours ago"
    and "now" are the same day whenever the suite runs, as R-07 ("a check that day") and R-13
    ("handed over the same day") are judged by the Beijing day."""
    with time_machine.travel(datetime(2026, 11, 20, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))):
        yield


@pytest.fixture
def today(issued, officer):
    """An activity that began an hour ago with the officer's recorder, closed now."""
    start = timezone.now().replace(microsecond=0) - timedelta(hours=1)
    activity = lifecycle.open_activity("routine_inspection", [officer], start, officer,
                                       devices=[issued])  # fmt: skip
    return activity
