from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UploadsConfig(AppConfig):
    """Resumable uploads (tus 1.0) from collection stations, remote sites and the web page
    (R-13); a completed upload enters the same ingest as the command line."""

    name = "bodycam.uploads"
    label = "uploads"
    verbose_name = _("上传")
