"""Evidence discs (R-15) made on the command line and checked the way a court's clerk would: the
image listed and extracted with xorriso (Chinese Joliet names), `sha256sum -c` and openssl on the
extracted files, verify.py on the custody entries, pdftotext on 说明.pdf; a flipped byte fails all
of them and `bodycam evidence verify-disc`."""

import contextlib
import hashlib
import json
import re
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bodycam.evidence import cases
from bodycam.evidence.models import DiscCheck, EvidenceUse, Extraction
from bodycam.ledger.models import LedgerEntry
from tests import media
from tests.access.conftest import grant, ingested

pytestmark = pytest.mark.django_db
TOOLS = ("xorriso", "sha256sum", "openssl", "pdftotext")
needs_tools = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in TOOLS), reason="needs " + ", ".join(TOOLS)
)
CASE = "（2026）执罚字第 7 号"


def _run(*args) -> dict:
    out = StringIO()
    with contextlib.suppress(SystemExit):  # a check that found problems exits 1
        call_command("evidence", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def clips(tmp_path, officer):
    folder = tmp_path / "card"
    folder.mkdir()
    first = ingested(media.make_mp4(folder / "询问当事人_张三.mp4", 2), officer)
    second = ingested(media.make_mp4(folder / "TA007_JX0227_20261120093621.mp4", 1), officer)
    return [first, second]


@pytest.fixture
def case(records_clerk):
    return cases.open_case(CASE, records_clerk, title="无证经营", retention="永久")


@pytest.fixture
def litigation(records_clerk, clips, head, custodian):
    """The records office's registered grant to download both recordings for litigation."""
    return grant(
        records_clerk, clips, head, custodian, route="litigation", rights=["view", "download"],
        reason="行政诉讼举证",
    )  # fmt: skip


def _extract(tmp_path, clips, records_clerk, officer, *extra) -> tuple[dict, Path]:
    out = tmp_path / "disc.iso"
    result = _run(
        "extract", "--case", CASE, "--recording", *[str(c.pk) for c in clips],
        "--maker", records_clerk.username, "--extractor", officer.username,
        "--purpose", "证明当事人无证经营", "--out", str(out), *extra,
    )  # fmt: skip
    return result, out


def _extracted(image: Path, into: Path) -> Path:
    subprocess.run(
        ["xorriso", "-osirrox", "on", "-indev", str(image), "-extract", "/", str(into)],
        check=True, capture_output=True,
    )  # fmt: skip
    for path in into.rglob("*"):  # xorriso restores the disc's read-only modes
        path.chmod(0o755 if path.is_dir() else 0o644)
    return into


@needs_tools
def test_a_disc_holds_the_originals_and_checks_with_sha256sum_openssl_and_verify_py(
    tmp_path, clips, case, litigation, records_clerk, officer
):
    result, image = _extract(tmp_path, clips, records_clerk, officer)
    assert result["ok"], result
    extraction = Extraction.objects.get(number=result["number"])
    assert extraction.image_sha256 == hashlib.sha256(image.read_bytes()).hexdigest()
    assert result["image_size"] == image.stat().st_size

    listing = subprocess.run(
        ["xorriso", "-indev", str(image), "-find", "/", "-exec", "lsdl"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "/说明.pdf" in listing and "/原始记录/" in listing and "李明" in listing

    disc = _extracted(image, tmp_path / "out")
    names = sorted(p.name for p in (disc / "原始记录").iterdir())
    assert names == sorted(result["files"]) and all("李明" in n for n in names)
    for clip in clips:
        on_disc = disc / "原始记录" / clip.extractions.get().name
        assert hashlib.sha256(on_disc.read_bytes()).hexdigest() == clip.sha256

    check = subprocess.run(["sha256sum", "-c", "manifest.sha256"], cwd=disc, capture_output=True)
    assert check.returncode == 0, check.stdout
    assert b"FAILED" not in check.stdout
    signature = subprocess.run(_openssl(), cwd=disc, capture_output=True, text=True)
    assert signature.returncode == 0 and "Signature Verified Successfully" in signature.stdout
    for command in _ledger_commands(disc):
        proved = subprocess.run(command, cwd=disc, capture_output=True, text=True)
        assert proved.returncode == 0, proved.stdout + proved.stderr

    text = subprocess.run(
        ["pdftotext", "-layout", str(disc / "说明.pdf"), "-"], capture_output=True, text=True
    ).stdout
    for words in ("制作人", "赵文档", "提取人", "李明", "提取时间", CASE, "证明当事人无证经营"):
        assert words in text, words
    assert re.search(r"提取时间\s+\d{4}年\d{2}月\d{2}日 \d{2}:\d{2}:\d{2}", text)
    for clip in clips:
        assert clip.sha256 in text.replace(" ", "").replace("\n", "") or clip.sha256[:32] in text

    verified = _run("verify-disc", str(image))
    assert verified["passed"] and verified["extraction"] == extraction.number
    assert verified["files_checked"] == len((disc / "manifest.sha256").read_text().splitlines())


@needs_tools
def test_a_flipped_byte_fails_sha256sum_openssl_verify_py_and_verify_disc(
    tmp_path, clips, case, litigation, records_clerk, officer
):
    _result, image = _extract(tmp_path, clips, records_clerk, officer)
    disc = _extracted(image, tmp_path / "out")
    original = next((disc / "原始记录").iterdir())
    _flip(original, 1000)
    check = subprocess.run(["sha256sum", "-c", "manifest.sha256"], cwd=disc, capture_output=True)
    assert check.returncode != 0 and b"FAILED" in check.stdout
    assert _run("verify-disc", str(disc))["problems"] == [
        {"code": "changed", "file": f"原始记录/{original.name}"}
    ]

    manifest = disc / "manifest.sha256"
    _flip(manifest, 3)
    assert subprocess.run(_openssl(), cwd=disc, capture_output=True).returncode != 0
    entry = next((disc / "监管链").glob("*.json"))
    _flip(entry, 5)
    command = next(c for c in _ledger_commands(disc) if f"/{entry.name}" in " ".join(c))
    assert subprocess.run(command, cwd=disc, capture_output=True).returncode == 1

    flipped = tmp_path / "flipped.iso"
    shutil.copyfile(image, flipped)
    start = flipped.read_bytes().index(original.read_bytes()[:64])  # the original, in the image
    _flip(flipped, start + 10)
    failed = _run("verify-disc", str(flipped))
    assert not failed["passed"] and failed["problems"][0]["code"] == "changed"
    assert DiscCheck.objects.filter(passed=False).count() == 2


def test_verify_disc_exits_1_with_the_problem_in_both_languages(tmp_path, capsys):
    junk = tmp_path / "not-a-disc.iso"
    junk.write_bytes(b"\0" * 4096)
    with pytest.raises(SystemExit) as exit_:
        call_command("evidence", "verify-disc", str(junk))
    assert exit_.value.code == 1
    said = capsys.readouterr().out
    assert "无法读取光盘或镜像" in said and "not a complete disc image" in said
    assert DiscCheck.objects.get().passed is False
    with pytest.raises(CommandError, match=r"路径不存在.*No such path"):
        call_command("evidence", "verify-disc", str(tmp_path / "no-such.iso"))


def test_an_extraction_needs_a_download_grant_covering_every_recording(
    tmp_path, clips, case, records_clerk, officer, head, custodian
):
    grant(records_clerk, clips[:1], head, custodian, route="litigation",
          rights=["view", "download"])  # fmt: skip
    result, image = _extract(tmp_path, clips, records_clerk, officer)
    assert not result["ok"] and "调阅授权" in result["error"]
    assert not image.exists()
    assert not Extraction.objects.exists() and not EvidenceUse.objects.exists()


def test_only_the_records_office_makes_discs(tmp_path, clips, case, head, custodian, officer):
    result, _image = _extract(tmp_path, clips, head, officer)
    assert not result["ok"] and "综合科" in result["error"]


def test_key_content_is_required_for_a_recording_that_stands_in_for_a_written_record(
    tmp_path, clips, case, litigation, records_clerk, officer
):
    from bodycam.activities import lifecycle
    from bodycam.recordings.models import Recording

    activity = lifecycle.open_activity(
        "investigation", [officer], clips[0].recorded_at, officer, late_reason="询问笔录补录"
    )
    Recording.objects.filter(pk=clips[0].pk).update(activity=activity)
    refused, _image = _extract(tmp_path, clips, records_clerk, officer)
    assert not refused["ok"] and "关键内容" in refused["error"]
    assert str(clips[0].pk) in refused["error"]
    made, _image = _extract(
        tmp_path, clips, records_clerk, officer,
        "--key-content", f"{clips[0].pk}=00:00:00-00:00:02 询问当事人，当事人承认无证经营",
    )  # fmt: skip
    assert made["ok"]
    item = Extraction.objects.get().files.get(recording=clips[0])
    assert item.segments == [[0, 2, "询问当事人，当事人承认无证经营"]]


def test_the_extracted_recordings_become_evidence_and_the_ledger_tells_it(
    tmp_path, clips, case, litigation, records_clerk, officer
):
    result, _image = _extract(tmp_path, clips, records_clerk, officer)
    assert set(EvidenceUse.objects.filter(case=case).values_list("recording", flat=True)) == {
        c.pk for c in clips
    }
    for clip in clips:
        clip.refresh_from_db()
        assert clip.retain_until is None  # an open permanent case keeps them for ever
        events = [e.payload.get("event") for e in LedgerEntry.objects.about(clip)]
        assert events[-1] == "extracted" and "evidence_marked" in events
    made = LedgerEntry.objects.filter(subject_kind="extraction").order_by("seq")
    assert [e.payload["event"] for e in made] == ["extracted", "image_made"]
    assert made.last().payload["image_sha256"] == result["image_sha256"]


def test_an_existing_file_is_never_overwritten(tmp_path, clips, case, litigation, records_clerk,
                                               officer):  # fmt: skip
    (tmp_path / "disc.iso").write_bytes(b"keep me")
    result, image = _extract(tmp_path, clips, records_clerk, officer)
    assert not result["ok"] and image.read_bytes() == b"keep me"


def _flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def _openssl() -> list[str]:
    return [
        "openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "signing-key.pub.pem", "-rawin",
        "-in", "manifest.sha256", "-sigfile", "manifest.sha256.sig",
    ]  # fmt: skip


def _ledger_commands(disc: Path) -> list[list[str]]:
    lines = (disc / "监管链" / "核验命令.txt").read_text().splitlines()
    commands = [line.split() for line in lines if line.startswith("python3 ")]
    assert commands
    return [[sys.executable, *command[1:]] for command in commands]


@needs_tools
def test_a_disc_is_made_from_originals_kept_in_seaweedfs(
    seaweed_store, tmp_path, officer, records_clerk, head, custodian
):
    stored = [ingested(media.make_mp4(tmp_path / f"s3-{n}.mp4", 1), officer) for n in (1, 2)]
    assert all(r.storage == "s3" and seaweed_store.exists(r.sha256) for r in stored)
    cases.open_case(CASE, records_clerk, title="无证经营", retention="永久")
    grant(records_clerk, stored, head, custodian, route="litigation",
          rights=["view", "download"])  # fmt: skip
    result, image = _extract(tmp_path, stored, records_clerk, officer)
    assert result["ok"], result
    disc = _extracted(image, tmp_path / "out")
    check = subprocess.run(["sha256sum", "-c", "manifest.sha256"], cwd=disc, capture_output=True)
    assert check.returncode == 0
    assert _run("verify-disc", str(image))["passed"]
