from django.core.management.base import BaseCommand

from bodycam.ledger import integrity
from bodycam.ledger.management.commands.ledger import print_report


class Command(BaseCommand):
    help = (
        "核验监管链日志和全部存储的原始记录（不修复、不删除任何东西）。 / Verify the ledger and "
        "every stored original (nothing is repaired or deleted)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--json", dest="as_json", action="store_true")

    def handle(self, *args, as_json: bool, **options) -> None:
        report = integrity.run_check(include_blobs=True, trigger="bodycam verify")
        print_report(self, report, as_json)
