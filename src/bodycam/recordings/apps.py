from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordingsConfig(AppConfig):
    """Recordings: ingest, immutable storage, metadata, links to activities (R-11..R-13)."""

    name = "bodycam.recordings"
    label = "recordings"
    verbose_name = _("音像记录")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from bodycam.ledger import integrity
        from bodycam.recordings import fixity

        integrity.EXTRA_CHECKS["blobs"] = fixity.check_blobs
        integrity.EXTRA_PROGRESS["blobs"] = fixity.progress
        post_migrate.connect(prepare_storage, sender=self)


def prepare_storage(**kwargs) -> None:
    """`bodycam migrate` also readies blob storage: an S3 bucket with Object Lock (refusing a
    bucket without it), or the local folder."""
    from bodycam.recordings.storage import blob_store

    store = blob_store()
    if hasattr(store, "ensure_bucket"):
        store.ensure_bucket()
