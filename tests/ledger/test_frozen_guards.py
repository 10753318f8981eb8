"""A migration's SQL never changes after it was written: the append-only triggers are frozen in
their migrations, and what guards.py installs (tests re-install it after each flush) is exactly
what those migrations installed. A change to guards.py needs a new migration."""

import importlib

import pytest

from bodycam.ledger import guards

FROZEN = [
    ("bodycam.ledger.migrations.0002_append_only_guards", guards.LEDGER_TABLES),
    ("bodycam.recordings.migrations.0002_keep_recordings", guards.RECORDING_TABLES),
]


@pytest.mark.parametrize(("module", "tables"), FROZEN)
@pytest.mark.parametrize("vendor", ["sqlite", "postgresql"])
def test_the_migrations_hold_their_own_sql_equal_to_what_guards_installs_today(
    module, tables, vendor
):
    migration = importlib.import_module(module)
    assert "guards" not in vars(migration)  # no call into code that may change later
    frozen = migration.STATEMENTS[vendor]
    assert frozen["install"] == guards.install_statements(vendor, tables)
    assert frozen["remove"] == guards.remove_statements(vendor, tables)
