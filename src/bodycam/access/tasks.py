"""Jobs of the access app, queued in the transaction that needs them."""

from django_tasks import task

from bodycam.access.copies import make_copy
from bodycam.access.models import ProvidedCopy


@task(queue_name="media")
def make_provided_copy(copy_id: int) -> str:
    """The watermarked copy for provision outside the bureau (R-18)."""
    return make_copy(ProvidedCopy.objects.get(pk=copy_id)).state
