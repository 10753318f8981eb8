"""`bodycam ingest`: take in every file of a docked recorder (R-13)."""

import json
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from bodycam.activities.lifecycle import NO_SUCH_ACTIVITY
from bodycam.activities.models import EnforcementActivity
from bodycam.devices.lookup import device_by_serial, person
from bodycam.lib.errors import Refused, bilingual, bilingual_id
from bodycam.recordings.ingest import IngestResult, Outcome, ingest_paths
from bodycam.recordings.resolution import Given
from bodycam.recordings.storage import StorageFull
from bodycam.recordings.watch import watch


class Command(BaseCommand):
    requires_system_checks = []  # an operational command: start fast, ingest at once
    help = bilingual(_("采集入库：记录仪中的全部文件，一次读取、计算哈希并存储，原文件不被改动。"))

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="*", type=Path, help=bilingual(_("文件或文件夹")))
        parser.add_argument("--device", help=bilingual(_("产品序号")))
        parser.add_argument("--officer", help=bilingual(_("警号")))
        parser.add_argument("--activity", type=int, help=bilingual(_("执法活动编号")))
        parser.add_argument("--json", dest="as_json", action="store_true", help="JSON lines")
        parser.add_argument("--watch", type=Path, help=bilingual(_("监视文件夹")))
        parser.add_argument("--settle", type=float, default=10.0, help="大小稳定秒数")

    def handle(self, *args, paths, device, officer, activity, as_json, watch, settle, **options):
        if not paths and watch is None:
            raise CommandError(bilingual(_("请给出要采集的文件或文件夹。")))
        missing = [str(p) for p in [*paths, *([watch] if watch else [])] if not p.exists()]
        if missing:  # refused before anything is taken in: a typo, or a recorder not docked
            raise CommandError(bilingual(_("路径不存在：%(path)s"), path="、".join(missing)))
        try:
            given = Given(
                device=device_by_serial(device) if device else None,
                officer=person(officer) if officer else None,
                activity=self._activity(activity),
            )
        except Refused as refusal:
            raise CommandError(refusal.bilingual()) from None
        results = watch_folder(watch, given, settle) if watch else ingest_paths(paths, given)
        counts: Counter = Counter()
        try:
            for result in results:
                counts[result.status] += 1
                self.stdout.write(self._line(result, as_json))
        except StorageFull as full:
            self._summary(counts, as_json)
            stopped = bilingual(_("采集已停止，已入库的文件不受影响。"))
            raise CommandError(f"{full} {stopped}") from None
        self._summary(counts, as_json)
        if counts[Outcome.ERROR]:
            raise CommandError(
                bilingual(
                    _("%(count)s 个文件无法读写，请检查后重新采集。"), count=counts[Outcome.ERROR]
                )
            )

    def _activity(self, pk: int | None) -> EnforcementActivity | None:
        if pk is None:
            return None
        found = EnforcementActivity.objects.filter(pk=pk).first()
        if found is None:
            raise Refused(NO_SUCH_ACTIVITY, id=pk)
        return found

    def _line(self, result: IngestResult, as_json: bool) -> str:
        if as_json:
            return json.dumps(result.as_dict(), ensure_ascii=False)
        label = Outcome(result.status).label
        digest = result.sha256[:12] or "-"
        reason = bilingual_id(result.reason)
        return f"{label}\t{digest}\t{result.size}\t{result.path}\t{reason}".rstrip()

    def _summary(self, counts: Counter, as_json: bool) -> None:
        if as_json:
            self.stderr.write(json.dumps({"summary": dict(counts)}, ensure_ascii=False))
            return
        parts = [f"{Outcome(status).label} {n}" for status, n in sorted(counts.items())]
        self.stdout.write(bilingual(_("合计")) + ": " + "，".join(parts or ["0"]))


def watch_folder(folder: Path, given: Given, settle: float):
    return watch(folder, given, settle=settle)
