"""Compliance jobs: one subject after a change (queued by triggers.py in the transaction that
made it), and the nightly run over everything (queued by the scheduler)."""

from django_tasks import task

from bodycam.compliance import engine


@task()
def check_recording(recording_id: int) -> dict:
    return vars(engine.check_recording(recording_id))


@task()
def check_activity(activity_id: int) -> dict:
    return vars(engine.check_activity(activity_id))


@task()
def nightly() -> dict:
    return vars(engine.run_all())
