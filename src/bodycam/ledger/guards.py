"""Database triggers that refuse UPDATE and DELETE on the append-only ledger tables, so that
not even raw SQL through the application's connection can rewrite history."""

APPEND_ONLY_TABLES = ["ledger_ledgerentry", "ledger_signedhead", "ledger_ledgersubtree"]
MESSAGE = "custody ledger rows are append-only (监管链日志不可修改或删除)"


def _sqlite(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        for op in ("UPDATE", "DELETE")
    ]


def _postgresql(table: str) -> list[str]:
    return [
        f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()",
        f"CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()",
    ]


_PG_FUNCTION = (
    "CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger AS $$ "
    f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$ LANGUAGE plpgsql"
)


def install_statements(vendor: str) -> list[str]:
    """The SQL that installs the guards on this database vendor."""
    if vendor == "sqlite":
        return [sql for table in APPEND_ONLY_TABLES for sql in _sqlite(table)]
    if vendor == "postgresql":
        return [_PG_FUNCTION, *(sql for t in APPEND_ONLY_TABLES for sql in _postgresql(t))]
    raise NotImplementedError(f"no append-only guard for {vendor}")


def remove_statements(vendor: str) -> list[str]:
    """The SQL that removes the guards (migrations backwards, and test database flushes)."""
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {table}_no_{op}"
            for table in APPEND_ONLY_TABLES
            for op in ("update", "delete")
        ]
    return [
        f"DROP TRIGGER IF EXISTS {table}_{name} ON {table}"
        for table in APPEND_ONLY_TABLES
        for name in ("append_only", "no_truncate")
    ]


def install(connection) -> None:
    with connection.cursor() as cursor:
        for sql in install_statements(connection.vendor):
            cursor.execute(sql)


def remove(connection) -> None:
    with connection.cursor() as cursor:
        for sql in remove_statements(connection.vendor):
            cursor.execute(sql)
