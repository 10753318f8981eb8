from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordingsConfig(AppConfig):
    """Recordings: ingest, immutable storage, metadata, links to activities (R-11..R-13)."""

    name = "bodycam.recordings"
    label = "recordings"
    verbose_name = _("音像记录")

    def ready(self) -> None:
        from bodycam.ledger import integrity
        from bodycam.recordings import fixity

        integrity.EXTRA_CHECKS["blobs"] = fixity.check_blobs
