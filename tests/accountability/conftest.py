"""The spot-check bureau (tests/supervision/conftest.py) serves here too."""

from tests.supervision.conftest import day, people, recorded, squads, started  # noqa: F401
