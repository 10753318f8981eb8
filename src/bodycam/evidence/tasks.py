"""Jobs of the evidence app, queued in the transaction that needs them."""

from django_tasks import task

from bodycam.evidence import discs
from bodycam.evidence.models import Extraction, ExtractionState


@task(queue_name="media")
def make_disc(extraction_id: int) -> str:
    """The disc image of an extraction, kept in the data folder for download (R-15). Written
    beside its final name and renamed into place, so a crash leaves no half image."""
    extraction = Extraction.objects.get(pk=extraction_id)
    if extraction.state == ExtractionState.MADE and discs.image_path(extraction).exists():
        return extraction.state
    final = discs.image_path(extraction)
    final.parent.mkdir(parents=True, exist_ok=True)
    part = final.with_suffix(".part")
    extraction = discs.make_image(extraction, part)
    if extraction.state == ExtractionState.MADE:
        part.rename(final)
    return extraction.state
