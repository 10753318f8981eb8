"""Follow-up jobs queued by ingest in the same transaction as the recording."""

import hashlib
import io

import av
from django.db import transaction
from django_tasks import task
from PIL import Image

from bodycam.recordings.models import Kind, Recording
from bodycam.recordings.storage import blob_store

THUMBNAIL_SIZE = (320, 320)


@task()
def process_recording(recording_id: int) -> dict:
    """Make the recording's thumbnail (a derived copy; the original is only read). Safe to run
    twice: the thumbnail is content-addressed and a second run finds it done."""
    recording = Recording.objects.get(pk=recording_id)
    if recording.thumbnail_sha256 or recording.kind == Kind.AUDIO:
        return {"thumbnail": recording.thumbnail_sha256}
    store = blob_store()
    with store.open(recording.sha256) as original:
        picture = _photo(original) if recording.kind == Kind.PHOTO else _frame(original)
    if picture is None:
        return {"thumbnail": ""}
    digest = _save(store, _jpeg(picture))
    with transaction.atomic():
        Recording.objects.filter(pk=recording_id).update(thumbnail_sha256=digest)
    return {"thumbnail": digest}


def _frame(original) -> Image.Image | None:
    """A frame about a second in (the first seconds are often the pocket)."""
    try:
        with av.open(original) as container:
            stream = next((s for s in container.streams if s.type == "video"), None)
            if stream is None:
                return None
            if container.duration and container.duration > 2 * av.time_base:
                container.seek(av.time_base, any_frame=False)
            for frame in container.decode(stream):
                return frame.to_image()
    except (av.FFmpegError, OSError, ValueError):
        return None  # a damaged original simply has no thumbnail
    return None


def _photo(original) -> Image.Image | None:
    try:
        image = Image.open(original)
        image.load()
        return image.convert("RGB")
    except OSError:
        return None


def _jpeg(picture: Image.Image) -> bytes:
    picture.thumbnail(THUMBNAIL_SIZE)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def _save(store, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    staging = store.stage(size_hint=len(data))
    try:
        staging.write(data)
        staging.commit(digest, None)
    except BaseException:
        staging.abort()
        raise
    return digest
