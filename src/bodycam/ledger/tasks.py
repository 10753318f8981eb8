"""Periodic ledger jobs, queued by the worker's schedule (bodycam/schedule.py)."""

from django_tasks import task

from bodycam.ledger import heads, integrity


@task()
def sign_tree_head() -> dict:
    """Sign a checkpoint if entries were added since the last one."""
    head = heads.sign_head()
    return {"signed": head is not None, "tree_size": head.tree_size if head else None}


@task()
def fixity_check() -> dict:
    """Verify the ledger and every stored original; the result is a ledger entry and a page."""
    report = integrity.run_check(include_blobs=True, trigger="fixity task")
    return {"ok": report["ok"], "recorded_as": report["recorded_as"]}
