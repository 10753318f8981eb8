"""Queue the compliance rules for what a change touched, in the caller's transaction (a job
committed with the change, or neither)."""


def recording_changed(recording_id: int) -> None:
    from bodycam.compliance.tasks import check_recording

    check_recording.enqueue(recording_id)


def activity_changed(activity_id: int | None) -> None:
    if activity_id is None:
        return
    from bodycam.compliance.tasks import check_activity

    check_activity.enqueue(activity_id)
