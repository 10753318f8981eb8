"""The state of a recording's processing job, as a person reads it on the recording's page."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from bodycam.recordings.models import Recording
from bodycam.recordings.processing import UNAVAILABLE

TASK_PATH = "bodycam.recordings.tasks.process_recording"
STATE_LABELS = {
    "READY": _("排队中"),
    "RUNNING": _("处理中"),
    "SUCCESSFUL": _("已完成"),
    "FAILED": _("失败"),
}


@dataclass(frozen=True)
class JobState:
    state: str  # READY, RUNNING, SUCCESSFUL, FAILED, or "" when no job exists
    label: str
    attempts: int
    error: str = ""
    retry_at: datetime | None = None
    unavailable: tuple[str, ...] = ()  # copies that cannot be made from this original


def job_state(recording: Recording) -> JobState:
    """The latest attempt's state, its error if it failed, and when it will be retried."""
    attempts = list(
        DBTaskResult.objects.filter(task_path=TASK_PATH, args_kwargs__args__0=recording.pk)
        .order_by("enqueued_at")
        .values("status", "exception_class_path", "traceback", "run_after", "return_value")
    )
    if not attempts:
        return JobState("", str(_("无")), 0)
    last = attempts[-1]
    failed = next((a for a in reversed(attempts) if a["status"] == "FAILED"), None)
    error = _last_line(failed) if failed else ""
    retry_at = last["run_after"] if last["status"] == "READY" and failed else None
    report = last["return_value"] if last["status"] == "SUCCESSFUL" else None
    unavailable = tuple(
        value.removeprefix(UNAVAILABLE)
        for value in (report or {}).values()
        if isinstance(value, str) and value.startswith(UNAVAILABLE)
    )
    label = str(STATE_LABELS.get(last["status"], last["status"]))
    return JobState(last["status"], label, len(attempts), error, retry_at, unavailable)


def _last_line(attempt: dict) -> str:
    lines = [line for line in (attempt["traceback"] or "").splitlines() if line.strip()]
    return lines[-1][:300] if lines else attempt["exception_class_path"]
