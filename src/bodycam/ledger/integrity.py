"""The integrity check of the whole system, recorded in the ledger: `bodycam ledger verify`,
`bodycam verify`, and the periodic fixity job all run this."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from bodycam.ledger.entries import record
from bodycam.ledger.models import Action, LedgerEntry
from bodycam.ledger.verification import verify_ledger

# Later apps (blob storage) add checks here: name -> function returning a report dict with "ok".
EXTRA_CHECKS: dict[str, Any] = {}


def run_check(*, include_blobs: bool, actor: Any = None, trigger: str = "command") -> dict:
    """Verify the ledger (and blobs when asked and storage exists); record the run; return
    the report. Nothing found wrong is ever repaired or deleted."""
    started = timezone.now()
    ledger_report = verify_ledger()
    report: dict[str, Any] = {"ledger": ledger_report.as_dict()}
    if include_blobs:
        for name, check in EXTRA_CHECKS.items():
            report[name] = check()
    report["ok"] = all(part["ok"] for key, part in report.items() if key != "ok")
    report["started_at"] = started.isoformat()
    report["seconds"] = round((timezone.now() - started).total_seconds(), 3)
    with transaction.atomic():
        entry = record(Action.VERIFICATION, None, actor, trigger=trigger, **_summary(report))
    report["recorded_as"] = entry.seq
    return report


def _summary(report: dict) -> dict:
    ledger = report["ledger"]
    return {
        "ok": report["ok"],
        "entries": ledger["entries"],
        "heads": ledger["heads"],
        "first_bad_seq": ledger["first_bad_seq"],
        "problems": [p for part in report.values() if isinstance(part, dict)
                     for p in part.get("problems", [])][:20],
        "parts": sorted(k for k, v in report.items() if isinstance(v, dict)),
    }  # fmt: skip


def last_run() -> LedgerEntry | None:
    """The latest recorded verification, for the pages."""
    return LedgerEntry.objects.filter(action=Action.VERIFICATION).order_by("-seq").first()
