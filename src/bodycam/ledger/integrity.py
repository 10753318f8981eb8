"""The integrity check of the whole system, recorded in the ledger: `bodycam ledger verify`,
`bodycam verify`, and the periodic fixity job all run this."""

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bodycam.ledger.entries import record
from bodycam.ledger.models import Action, LedgerEntry
from bodycam.ledger.verification import verify_ledger
from bodycam.lib.errors import bilingual

# Later apps (blob storage) add checks here: name -> function(all_of_them) returning a report
# dict with "ok" and "problems".
EXTRA_CHECKS: dict[str, Any] = {}
# and how far their cycle has come: name -> function returning a dict for the ledger page.
EXTRA_PROGRESS: dict[str, Any] = {}
log = logging.getLogger(__name__)


def run_check(
    *, include_blobs: bool, actor: Any = None, trigger: str = "command", everything: bool = False
) -> dict:
    """Verify the ledger (and the originals when asked: those due, or `everything`); record
    the run in the ledger whatever happened; return the report. Nothing found wrong is ever
    repaired or deleted."""
    started = timezone.now()
    report: dict[str, Any] = {"ledger": _guarded(lambda: verify_ledger().as_dict())}
    if include_blobs:
        for name, check in EXTRA_CHECKS.items():
            report[name] = _guarded(lambda check=check: check(everything))
    report["ok"] = all(part["ok"] for key, part in report.items() if key != "ok")
    report["started_at"] = started.isoformat()
    report["seconds"] = round((timezone.now() - started).total_seconds(), 3)
    with transaction.atomic():
        entry = record(Action.VERIFICATION, None, actor, trigger=trigger, **_summary(report))
    report["recorded_as"] = entry.seq
    return report


def _guarded(check) -> dict:
    """A check's report; a check that could not finish is a problem to report, not a crash
    that would leave the run unrecorded."""
    try:
        return check()
    except Exception as error:
        log.exception("integrity check interrupted")
        interrupted = bilingual(_("核验中断"))
        return {"ok": False, "problems": [f"{interrupted}: {type(error).__name__}"]}


def _summary(report: dict) -> dict:
    ledger = report["ledger"]
    blobs = report.get("blobs", {})
    return {
        "ok": report["ok"],
        "entries": ledger.get("entries"),
        "heads": ledger.get("heads"),
        "first_bad_seq": ledger.get("first_bad_seq"),
        "originals_checked": blobs.get("checked"),
        "bytes_checked": blobs.get("bytes"),
        "scope": blobs.get("scope"),
        "problems": [p for part in report.values() if isinstance(part, dict)
                     for p in part.get("problems", [])][:20],
        "parts": sorted(k for k, v in report.items() if isinstance(v, dict)),
    }  # fmt: skip


def last_run() -> LedgerEntry | None:
    """The latest recorded verification, for the pages."""
    return LedgerEntry.objects.filter(action=Action.VERIFICATION).order_by("-seq").first()
