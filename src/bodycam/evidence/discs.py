"""The evidence disc (R-15) and its image: what goes on it, made in one pass.

On the disc:
    说明.pdf                the written description (description.py), printable alone
    原始记录/…              the originals, byte for byte, under readable names
    监管链/                 each original's custody trail: every entry's canonical bytes, the
                            signed tree head, the verifier key, and the commands (with the
                            inclusion proofs) that check each entry with verify.py
    verify.py               the ledger's offline verifier (standard library + cryptography)
    signing-key.pub.pem     the bureau's Ed25519 public key
    manifest.sha256         every file above, in `sha256sum -c` format
    manifest.sha256.sig     Ed25519 over the manifest's bytes (`openssl pkeyutl -verify -rawin`)
    README.txt              how to check the disc with sha256sum and openssl alone
"""

import base64
import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bodycam.evidence.models import Extraction, ExtractionEvent, ExtractionState
from bodycam.ledger import heads, tree
from bodycam.ledger import verify_offline as offline_verifier
from bodycam.ledger.entries import entry_bytes, record
from bodycam.ledger.models import Action, LedgerEntry, SignedHead
from bodycam.lib import disc
from bodycam.lib.errors import msgid
from bodycam.lib.fonts import NoChineseFont
from bodycam.recordings.models import Recording
from bodycam.recordings.storage import blob_store

log = logging.getLogger(__name__)

ORIGINALS = "原始记录"
LEDGER = "监管链"
MANIFEST, SIGNATURE, PUBLIC_KEY = "manifest.sha256", "manifest.sha256.sig", "signing-key.pub.pem"
DESCRIPTION, README, VERIFIER = "说明.pdf", "README.txt", "verify.py"

SOURCE_CHANGED = _(
    "有原始记录的内容与入库时记录的 SHA-256 不一致（文件名见监管链），已停止制作；请立即报告。"
)
NOT_READABLE = _(
    "读取原始记录失败（存储不可用或文件缺失），未能制作光盘镜像；存储恢复后请重新制作。"
)
NO_FONT = _(
    "服务器上没有可显示中文的字体，无法生成说明.pdf；请联系系统管理员安装 fonts-wqy-microhei。"
)


def image_path(extraction: Extraction) -> Path:
    """Where the image a job made is kept for download."""
    return Path(settings.DATA_DIR) / "discs" / f"{extraction.number}.iso"


def custody_trail(recording: Recording, size: int) -> list[LedgerEntry]:
    """The entries about `recording` within the first `size` entries of the ledger."""
    return list(LedgerEntry.objects.about(recording).filter(seq__lt=size).order_by("seq"))


def covering_head(extraction: Extraction) -> SignedHead:
    """A signed tree head covering the extraction's own entries (signed now if need be)."""
    last = LedgerEntry.objects.about(extraction).order_by("-seq").values_list("seq", flat=True)
    needed = (last.first() or 0) + 1
    head = heads.latest_head()
    if head is None or head.tree_size < needed:
        head = heads.sign_head(force=True)
    assert head is not None and head.tree_size >= needed
    return head


def _original(recording: Recording, name: str) -> disc.DiscFile:
    store = blob_store()
    source: Path | Callable = (
        store.path(recording.sha256)
        if hasattr(store, "path")
        else (lambda: store.open(recording.sha256))
    )
    return disc.DiscFile(
        f"{ORIGINALS}/{name}", source, sha256=recording.sha256, length=recording.size
    )


def _ledger_files(files: list, head: SignedHead, trails: dict[int, list[LedgerEntry]]) -> list:
    """The custody trail of every original, and the commands that check each entry."""
    out = [
        disc.DiscFile(f"{LEDGER}/checkpoint.txt", head.note.encode()),
        disc.DiscFile(f"{LEDGER}/verifier-key.txt", (heads.verifier_key() + "\n").encode()),
    ]
    lines = [str(_("# 逐条核验监管链记录（在光盘根目录运行，需要 Python 3 和 cryptography）："))]
    seen: set[int] = set()
    for item in files:
        lines.append(f"# {item.name}")
        for entry in trails[item.recording_id]:
            proof = ",".join(
                base64.b64encode(node).decode()
                for node in tree.inclusion_proof(entry.seq, head.tree_size)
            )
            lines.append(
                f"python3 {VERIFIER} inclusion --checkpoint {LEDGER}/checkpoint.txt "
                f"--key {LEDGER}/verifier-key.txt --entry {LEDGER}/{entry.seq}.json "
                f"--index {entry.seq} --proof {proof or '-'}"
            )
            if entry.seq not in seen:
                seen.add(entry.seq)
                out.append(disc.DiscFile(f"{LEDGER}/{entry.seq}.json", entry_bytes(entry)))
    out.append(disc.DiscFile(f"{LEDGER}/核验命令.txt", ("\n".join(lines) + "\n").encode()))
    return out


def manifest(files: list[disc.DiscFile], digests: dict[str, str]) -> bytes:
    """`sha256sum -c` lines for every file (the hashes known, or taken of the bytes)."""
    return "".join(f"{digests[item.path]}  {item.path}\n" for item in files).encode()


def _digest(item: disc.DiscFile) -> str:
    if item.sha256:
        return item.sha256
    assert isinstance(item.source, bytes)
    return hashlib.sha256(item.source).hexdigest()


def disc_files(extraction: Extraction, head: SignedHead) -> list[disc.DiscFile]:
    """Every file of the disc, the manifest and its signature last."""
    from bodycam.evidence.description import readme, written_description

    files = list(
        extraction.files.select_related(
            "recording", "recording__officer", "recording__device", "recording__activity"
        ).order_by("pk")
    )
    trails = {item.recording_id: custody_trail(item.recording, head.tree_size) for item in files}
    content = [
        disc.DiscFile(DESCRIPTION, written_description(extraction, files, trails, head)),
        disc.DiscFile(README, readme(extraction).encode()),
        disc.DiscFile(VERIFIER, Path(offline_verifier.__file__).read_bytes()),
        disc.DiscFile(PUBLIC_KEY, heads.public_key_pem().encode()),
        *[_original(item.recording, item.name) for item in files],
        *_ledger_files(files, head, trails),
    ]
    listed = manifest(content, {item.path: _digest(item) for item in content})
    signature = heads.signing_key().sign(listed)
    return [*content, disc.DiscFile(MANIFEST, listed), disc.DiscFile(SIGNATURE, signature)]


def make_image(
    extraction: Extraction, out: Path, progress: Callable[[int, int], None] | None = None
) -> Extraction:
    """Build the disc image of `extraction` at `out` and record its hash (a ledger entry);
    on failure the extraction says why (a ledger entry too) and nothing is left at `out`."""
    head = covering_head(extraction)
    try:
        files = disc_files(extraction, head)
        image = disc.build_image(files, out, f"EVIDENCE_{extraction.number}", progress)
    except disc.SourceChanged as changed:
        name = changed.path.rpartition("/")[2]
        log.error("evidence disc %s: %s differs from its hash", extraction.number, name)
        return _failed(extraction, msgid(SOURCE_CHANGED), file=name)
    except NoChineseFont:
        return _failed(extraction, msgid(NO_FONT))
    except OSError as exc:
        log.warning("evidence disc %s: %s", extraction.number, exc)
        return _failed(extraction, msgid(NOT_READABLE))
    listed = next(item for item in files if item.path == MANIFEST)
    with transaction.atomic():
        extraction = Extraction.objects.select_for_update().get(pk=extraction.pk)
        extraction.state, extraction.problem = ExtractionState.MADE, ""
        extraction.image_sha256, extraction.image_size = image.sha256, image.size
        extraction.manifest_sha256 = _digest(listed)
        extraction.made_at, extraction.head = timezone.now(), head
        extraction.save()
        record(
            Action.EXPORT, extraction, None, event=ExtractionEvent.IMAGE_MADE,
            image_sha256=image.sha256, image_size=image.size,
            manifest_sha256=extraction.manifest_sha256, tree_size=head.tree_size,
        )  # fmt: skip
    return extraction


def _failed(extraction: Extraction, problem: str, **facts: str) -> Extraction:
    with transaction.atomic():
        extraction = Extraction.objects.select_for_update().get(pk=extraction.pk)
        extraction.state, extraction.problem = ExtractionState.FAILED, problem
        extraction.save(update_fields=["state", "problem"])
        record(
            Action.EXPORT, extraction, None, event=ExtractionEvent.IMAGE_FAILED,
            problem=problem, **facts,
        )  # fmt: skip
    return extraction
