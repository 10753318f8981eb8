"""Fixtures of the compliance scenarios."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bodycam.activities import lifecycle


@pytest.fixture
def today(issued, officer):
    """An activity that began an hour ago with the officer's recorder, closed now."""
    start = timezone.now().replace(microsecond=0) - timedelta(hours=1)
    activity = lifecycle.open_activity("routine_inspection", [officer], start, officer,
                                       devices=[issued])  # fmt: skip
    return activity
