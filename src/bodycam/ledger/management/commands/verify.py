from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _

from bodycam.ledger import integrity
from bodycam.ledger.management.commands.ledger import print_report
from bodycam.lib.errors import bilingual


class Command(BaseCommand):
    help = bilingual(_("核验监管链日志和到期的原始文件（--all 全部；不修复、不删除任何东西）。"))

    def add_arguments(self, parser) -> None:
        parser.add_argument("--json", dest="as_json", action="store_true")
        parser.add_argument(
            "--all", dest="everything", action="store_true",
            help=bilingual(_("核验全部原始文件（默认只核验到期的）")),
        )  # fmt: skip

    def handle(self, *args, as_json: bool, everything: bool, **options) -> None:
        report = integrity.run_check(
            include_blobs=True, trigger="bodycam verify", everything=everything
        )
        print_report(self, report, as_json)
