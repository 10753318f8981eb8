"""Database triggers that refuse what no code path may do: UPDATE or DELETE on the append-only
ledger tables, DELETE of recordings and their derived copies (R-11, R-14: disposal keeps the
row). Not even raw SQL through the application's connection gets past them."""

LEDGER_TABLES = ["ledger_ledgerentry", "ledger_signedhead", "ledger_ledgersubtree"]
RECORDING_TABLES = ["recordings_recording", "recordings_derivedcopy"]
MESSAGE = "custody records are append-only (监管链记录不可修改或删除)"


def _rules(tables: list[str]) -> list[tuple[str, str, str]]:
    """(table, trigger name, event refused) for the given tables."""
    if tables == LEDGER_TABLES:
        events = [("no_update", "UPDATE"), ("no_delete", "DELETE")]
    else:  # links and facts may change; the identity of an original never does
        events = [("no_delete", "DELETE"), ("no_rehash", "UPDATE OF sha256, size")]
    return [(table, name, event) for table in tables for name, event in events]


_PG_FUNCTION = (
    "CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger AS $$ "
    f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$ LANGUAGE plpgsql"
)


def install_statements(vendor: str, tables: list[str] = LEDGER_TABLES) -> list[str]:
    """The SQL that installs the guards on this database vendor."""
    rules = _rules(tables)
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER IF NOT EXISTS {table}_{name} BEFORE {event} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            for table, name, event in rules
        ]
    if vendor == "postgresql":
        rows = [
            f"CREATE OR REPLACE TRIGGER {table}_{name} BEFORE {event} ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()"
            for table, name, event in rules
        ]
        truncates = [
            f"CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()"
            for table in tables
        ]
        return [_PG_FUNCTION, *rows, *truncates]
    raise NotImplementedError(f"no append-only guard for {vendor}")


def remove_statements(vendor: str, tables: list[str] = LEDGER_TABLES) -> list[str]:
    """The SQL that removes the guards (migrations backwards, and test database flushes)."""
    names = [(table, name) for table, name, _event in _rules(tables)]
    names += [(table, "no_truncate") for table in tables]
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_{name}" for table, name in names]
    return [f"DROP TRIGGER IF EXISTS {table}_{name} ON {table}" for table, name in names]


def install(connection, tables: list[str] = LEDGER_TABLES) -> None:
    with connection.cursor() as cursor:
        for sql in install_statements(connection.vendor, tables):
            cursor.execute(sql)


def remove(connection, tables: list[str] = LEDGER_TABLES) -> None:
    with connection.cursor() as cursor:
        for sql in remove_statements(connection.vendor, tables):
            cursor.execute(sql)
