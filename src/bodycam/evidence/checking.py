"""Checking an evidence disc after burning (R-15): an image file, or a mounted or extracted disc.
Every file the manifest lists is re-hashed, nothing may be missing or added, and the manifest
must carry the bureau's signature; the result is recorded on the extraction and in the ledger."""

import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from pycdlib.pycdlibexception import PyCdlibException

from bodycam.accounts.models import User
from bodycam.evidence.discs import MANIFEST, PUBLIC_KEY, SIGNATURE
from bodycam.evidence.models import DiscCheck, Extraction, ExtractionEvent
from bodycam.ledger import heads
from bodycam.ledger.entries import Subject, record
from bodycam.ledger.models import Action
from bodycam.lib import disc
from bodycam.lib.errors import Refused

PROBLEMS = {
    "unreadable": _("无法读取光盘或镜像：不是完整的光盘镜像，或光盘已损坏。"),
    "no_manifest": _("光盘上没有文件清单 manifest.sha256。"),
    "no_signature": _("光盘上没有清单签名 manifest.sha256.sig。"),
    "bad_signature": _("清单签名核验失败：清单被改动过，或不是本局的签名密钥所签。"),
    "foreign_key": _("光盘上的公钥 signing-key.pub.pem 不是本局的签名公钥。"),
    "bad_line": _("清单中有格式不对的行：%(file)s"),
    "missing": _("清单中的文件不在光盘上：%(file)s"),
    "changed": _("文件内容与清单不符（已被改动）：%(file)s"),
    "unlisted": _("光盘上有清单之外的文件：%(file)s"),
}
NOT_LISTED = {MANIFEST, SIGNATURE}


@dataclass
class Outcome:
    """What a check found: `problems` are {"code", "file"}; passed only when there are none."""

    files_checked: int = 0
    problems: list[dict[str, str]] = field(default_factory=list)
    manifest_sha256: str = ""

    @property
    def passed(self) -> bool:
        return not self.problems and self.files_checked > 0

    def add(self, code: str, file: str = "") -> None:
        self.problems.append({"code": code, "file": file})


def problem_text(problem: dict[str, Any]) -> str:
    """A stored problem in the reader's language."""
    message = PROBLEMS.get(problem.get("code", ""), PROBLEMS["unreadable"])
    return gettext_now(str(message)) % {"file": problem.get("file", "")}


def _entries(listed: bytes, outcome: Outcome) -> dict[str, str]:
    wanted: dict[str, str] = {}
    for line in listed.decode("utf-8", "replace").splitlines():
        digest, _sep, name = line.partition("  ")
        if len(digest) != 64 or not name or any(c not in "0123456789abcdef" for c in digest):
            outcome.add("bad_line", line[:80])
            continue
        wanted[name] = digest
    return wanted


def _signature(reader: disc.Disc, names: set[str], listed: bytes, outcome: Outcome) -> None:
    if SIGNATURE not in names:
        outcome.add("no_signature")
        return
    try:
        heads.signing_key().public_key().verify(reader.read(SIGNATURE, 1024), listed)
    except InvalidSignature:
        outcome.add("bad_signature")
    if PUBLIC_KEY in names and reader.read(PUBLIC_KEY).decode("ascii", "replace").strip() != (
        heads.public_key_pem().strip()
    ):
        outcome.add("foreign_key")


def examine(path: Path) -> Outcome:
    """Check the disc at `path` (an image or a folder)."""
    outcome = Outcome()
    try:
        with disc.Disc(path) as reader:
            names = set(reader.files())
            if MANIFEST not in names:
                outcome.add("no_manifest")
                return outcome
            listed = reader.read(MANIFEST, 64 << 20)
            outcome.manifest_sha256 = hashlib.sha256(listed).hexdigest()
            _signature(reader, names, listed, outcome)
            wanted = _entries(listed, outcome)
            for name, digest in sorted(wanted.items()):
                if name not in names:
                    outcome.add("missing", name)
                elif reader.sha256(name) != digest:
                    outcome.add("changed", name)
                outcome.files_checked += 1
            for name in sorted(names - set(wanted) - NOT_LISTED):
                outcome.add("unlisted", name)
    except (PyCdlibException, OSError, ValueError, UnicodeDecodeError):
        outcome.add("unreadable")
    return outcome


@transaction.atomic
def check_disc(path: Path, actor: User | None, what: str = "") -> DiscCheck:
    """Check the disc at `path` and record the result on the extraction whose manifest it is
    (and in the ledger); Refused when there is nothing at `path`."""
    if not path.exists():
        raise Refused(_("路径不存在：%(path)s"), code="no_such_path", path=str(path))
    outcome = examine(path)
    extraction = (
        Extraction.objects.filter(manifest_sha256=outcome.manifest_sha256).first()
        if outcome.manifest_sha256
        else None
    )
    check = DiscCheck.objects.create(
        extraction=extraction, checked_at=timezone.now(), checked_by=actor,
        what=(what or str(path))[:300], passed=outcome.passed,
        files_checked=outcome.files_checked, problems=outcome.problems,
    )  # fmt: skip
    record(
        Action.VERIFICATION, extraction or Subject("file", check.what[:64]), actor,
        event=ExtractionEvent.DISC_CHECKED, passed=outcome.passed,
        files_checked=outcome.files_checked, problems=outcome.problems,
        manifest_sha256=outcome.manifest_sha256,
    )  # fmt: skip
    return check


def check_upload(upload: UploadedFile, actor: User) -> DiscCheck:
    """Check an image uploaded from a page or the API (kept in the data folder while checked)."""
    with tempfile.TemporaryDirectory(dir=settings.DATA_DIR) as folder:
        target = Path(folder) / "disc.iso"
        with target.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return check_disc(target, actor, what=upload.name or "")
