"""The spot-check bureau (tests/supervision/conftest.py) serves the dashboards too."""

from tests.supervision.conftest import day, people, recorded, squads, started  # noqa: F401
