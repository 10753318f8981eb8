"""Start-up checks (Django's system checks: shown by `bodycam serve`, `worker`, `migrate`)."""

from django.conf import settings
from django.core.checks import Warning, register
from django.utils.translation import gettext_lazy as _

from bodycam.lib.errors import bilingual
from bodycam.uploads import partial


@register()
def uploads_beside_blobs(app_configs=None, **kwargs) -> list[Warning]:
    """A completed upload is hard-linked into local blob storage: that needs one filesystem."""
    if settings.BLOB_BACKEND != "local":
        return []
    from bodycam.recordings.storage_local import LocalBlobStore

    store = LocalBlobStore()
    if store.same_filesystem(partial.folder()):
        return []
    return [
        Warning(
            bilingual(_("上传目录与原始文件存储不在同一文件系统：每个上传完成后要再复制一次。")),
            hint=f"{partial.folder()} ↔ {store.root}: BODYCAM_DATA_DIR / BODYCAM_BLOB_DIR",
            id="bodycam.W001",
        )
    ]
