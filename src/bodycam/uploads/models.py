"""Resumable uploads (tus 1.0): one row per file being sent; the bytes received so far live in
`DATA_DIR/uploads/<id>.part` until the upload completes and enters the ingest."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    RECEIVING = "receiving", _("上传中")
    COMPLETE = "complete", _("已收齐，入库中")
    INGESTED = "ingested", _("已入库")
    FAILED = "failed", _("失败")
    EXPIRED = "expired", _("已过期")
    TERMINATED = "terminated", _("已取消")


class Upload(models.Model):
    """A file on its way in. `metadata` holds the decoded Upload-Metadata (filename, sha256,
    device, officer, …); `result` the ingest's outcome (IngestResult as a dict).

    receiving --last byte--> complete (its ingest queued in the same transaction)
    complete --ingest job--> ingested | failed;  receiving --> expired | terminated
    `sha256` is the hash of the bytes as they arrived, when the process that received the last
    byte saw them all; `claimed_by`/`claimed_at` name the worker running the ingest.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="uploads"
    )
    length = models.BigIntegerField()
    offset = models.BigIntegerField(default=0)
    metadata = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECEIVING)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)  # a catalogue message id (its Chinese original)
    sha256 = models.CharField(max_length=64, blank=True)
    claimed_by = models.CharField(max_length=120, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("上传")
        verbose_name_plural = _("上传")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["status", "expires_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.offset}/{self.length})"

    def error_text(self) -> str:
        """Why the upload failed, in the active language."""
        if not self.error:
            return ""
        return gettext(self.error)

    @property
    def filename(self) -> str:
        """The name the client gave (as sent; see partial.safe_name for the stored form)."""
        return self.metadata.get("filename", "")
