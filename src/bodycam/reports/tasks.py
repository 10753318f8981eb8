from django_tasks import task

from bodycam.reports.monthly import make_monthly_reports


@task()
def monthly_reports() -> int:
    """Queued daily; makes last month's reports once (on the first, or the first day a worker
    runs after it)."""
    return make_monthly_reports()
