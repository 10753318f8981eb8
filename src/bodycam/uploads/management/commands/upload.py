"""`bodycam upload`: send a recorder's files to a central server over tus (resumable), from a
collection station or any machine with a token; the server ingests each as `bodycam ingest`."""

import json
import stat
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from bodycam.lib.errors import bilingual
from bodycam.recordings.ingest import Outcome, walk
from bodycam.recordings.probe import kind_of
from bodycam.uploads import client as tus_client

# Everything but an ingest outcome other than error; "complete" means the server has the
# bytes but has not ingested them yet (a re-run waits for it again).
NOT_DONE = {"failed", "refused", "error", "expired", "terminated", "complete", Outcome.ERROR}


class Command(BaseCommand):
    requires_system_checks = []
    help = bilingual(_("上传文件到采集服务器（可断点续传），服务器按采集入库处理。"))

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help=bilingual(_("文件或文件夹")))
        parser.add_argument("--server", required=True, help=bilingual(_("服务器地址")))
        parser.add_argument("--token", required=True, help=bilingual(_("API 令牌")))
        parser.add_argument("--chunk-mib", type=int, default=8, help=bilingual(_("每次发送 MiB")))
        parser.add_argument("--retries", type=int, default=8, help=bilingual(_("重试次数")))
        parser.add_argument(
            "--state",
            type=Path,
            default=Path.home() / ".bodycam" / "uploads.json",
            help=bilingual(_("断点记录文件")),
        )
        parser.add_argument("--json", dest="as_json", action="store_true", help="JSON lines")

    def handle(self, *args, paths, server, token, chunk_mib, retries, state, as_json, **options):
        if not server.startswith(("http://", "https://")):
            raise CommandError(bilingual(_("服务器地址应以 http:// 或 https:// 开头")))
        if chunk_mib < 1:
            raise CommandError(bilingual(_("--chunk-mib 至少为 1")))
        client = tus_client.TusClient(server, token, retries=retries)
        memory = tus_client.State(state)
        counts: Counter = Counter()
        try:
            for path in walk(paths):
                line = self._one(client, memory, path, chunk_mib * 2**20)
                counts[line["status"]] += 1
                self.stdout.write(self._format(line, as_json))
        except tus_client.Fatal as fatal:
            raise CommandError(bilingual(_("服务器拒绝")) + f": {fatal}") from None
        finally:
            client.close()
        self._summary(counts, as_json)
        failed = sum(n for status, n in counts.items() if status in NOT_DONE)
        if failed:
            raise CommandError(bilingual(_("%(count)s 个文件上传失败"), count=failed))

    def _one(self, client, memory, path: Path, chunk_size: int) -> dict:
        line = {"path": str(path), "status": "skipped", "sha256": "", "size": 0, "sent": 0,
                "recording_id": None, "reason": "", "upload": ""}  # fmt: skip
        try:
            info = path.lstat()
        except OSError as error:
            return {**line, "status": "error", "reason": _unreadable(error)}
        if not stat.S_ISREG(info.st_mode) or kind_of(path.name) is None:
            return {**line, "reason": bilingual(_("非音像文件"))}
        try:
            sent = tus_client.send_file(client, path, memory, chunk_size)
        except tus_client.Refused as refused:
            return {**line, "status": "refused", "size": info.st_size, "reason": str(refused)}
        except tus_client.Retryable as error:
            return {**line, "status": "error", "size": info.st_size, "reason": str(error)}
        except OSError as error:
            return {**line, "status": "error", "reason": _unreadable(error)}
        result = sent.status.get("result") or {}
        return {
            **line,
            "status": result.get("status") or sent.status.get("status", "error"),
            "sha256": sent.sha256,
            "size": sent.size,
            "sent": sent.sent,
            "recording_id": result.get("recording_id"),
            "reason": sent.status.get("error") or result.get("reason", ""),
            "upload": sent.url,
        }

    def _format(self, line: dict, as_json: bool) -> str:
        if as_json:
            return json.dumps(line, ensure_ascii=False)
        label = _label(line["status"])
        digest = line["sha256"][:12] or "-"
        return f"{label}\t{digest}\t{line['size']}\t{line['path']}\t{line['reason']}".rstrip()

    def _summary(self, counts: Counter, as_json: bool) -> None:
        if as_json:
            self.stderr.write(json.dumps({"summary": dict(counts)}, ensure_ascii=False))
            return
        parts = [f"{_label(status)} {n}" for status, n in sorted(counts.items())]
        self.stdout.write(bilingual(_("合计")) + ": " + "，".join(parts or ["0"]))


def _unreadable(error: OSError) -> str:
    return bilingual(_("无法读取：%(error)s"), error=error.strerror)


def _label(status: str) -> str:
    """'已入库 stored': the ingest's own label when there is one, and the status code."""
    if status in Outcome.values:
        return f"{Outcome(status).label} {status}"
    named = {"failed": "失败", "refused": "被拒绝", "expired": "已过期", "terminated": "已取消",
             "complete": "已收齐，尚未入库"}  # fmt: skip
    return f"{named.get(status, '错误')} {status}"
