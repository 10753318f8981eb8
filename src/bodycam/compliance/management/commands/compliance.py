import json

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _

from bodycam.compliance import engine
from bodycam.compliance.models import Finding
from bodycam.lib.errors import bilingual


class Command(BaseCommand):
    help = bilingual(_("合规检查：按全部规则检查所有执法活动和音像记录。"))

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help=bilingual(_("立即运行全部规则")))
        run.add_argument("--json", dest="as_json", action="store_true",
                         help=bilingual(_("每个问题一行 JSON，最后一行是汇总")))  # fmt: skip

    def handle(self, *args, action: str, as_json: bool = False, **options) -> None:
        tally = engine.run_all()
        findings = Finding.objects.order_by("pk")
        if as_json:
            for finding in findings.iterator():
                self.stdout.write(json.dumps(as_line(finding), ensure_ascii=False))
            self.stdout.write(json.dumps({"summary": vars(tally), "findings": findings.count()}))
            return
        self.stdout.write(bilingual(
            _("检查完成：新发现 %(found)s 个问题，更新 %(updated)s 个，消除 %(cleared)s 个，"
              "再次出现 %(reopened)s 个；现有问题共 %(total)s 个。"),
            found=tally.found, updated=tally.updated, cleared=tally.cleared,
            reopened=tally.reopened, total=findings.count(),
        ))  # fmt: skip


def as_line(finding: Finding) -> dict:
    return {
        "id": finding.pk, "rule": finding.rule, "requirement": finding.requirement,
        "subject_kind": finding.subject_kind, "subject_id": finding.subject_id,
        "facts": finding.facts, "status": finding.status, "severity": finding.severity,
    }  # fmt: skip
