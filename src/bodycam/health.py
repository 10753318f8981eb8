"""Health of the parts the system cannot work without: the database and blob storage."""

import tempfile
import time
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

WORM_PROOF_SECONDS = 3600
_WORM_PROVEN: dict[str, float] = {}


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

        store = blob_store()
        try:
            store.exists("0" * 64)  # one round trip to the object store
            _prove_worm(store)
        except ImproperlyConfigured:
            return "error: object lock not enforced"
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


def _prove_worm(store: Any) -> None:
    """The store's lock is proven enforced (a locked canary that cannot be deleted) at most
    once an hour per process: each proof leaves a canary locked for a day."""
    last = _WORM_PROVEN.get(store.bucket)
    if last is not None and time.monotonic() - last < WORM_PROOF_SECONDS:
        return
    store.prove_worm()
    _WORM_PROVEN[store.bucket] = time.monotonic()


def check(connection) -> dict[str, str]:
    """A report: {"status", "database", "storage"}; status is "ok" only when all are."""
    report = {"database": _database(connection), "storage": _storage()}
    report["status"] = "ok" if all(v == "ok" for v in report.values()) else "error"
    return report
