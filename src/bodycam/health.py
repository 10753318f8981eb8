"""Health of the parts the system cannot work without: the database and blob storage."""

import tempfile

from django.conf import settings


def _database(connection) -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "unreachable"
        return f"error: {type(exc).__name__}"
    return "ok"


def _storage() -> str:
    if settings.BLOB_BACKEND != "local":
        from bodycam.recordings.storage import blob_store

        try:
            blob_store().exists("0" * 64)  # one round trip to the object store
        except Exception as exc:  # any client error means "unreachable"
            return f"error: {type(exc).__name__}"
        return "ok"
    folder = settings.BLOB_STORAGE_DIR
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return f"error: {exc.strerror}"
    return "ok"


def check(connection) -> dict[str, str]:
    """A report: {"status", "database", "storage"}; status is "ok" only when all are."""
    report = {"database": _database(connection), "storage": _storage()}
    report["status"] = "ok" if all(v == "ok" for v in report.values()) else "error"
    return report
