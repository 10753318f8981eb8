import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from bodycam.ledger import heads, integrity, tree
from bodycam.ledger.entries import stored_size
from bodycam.lib.b64 import b64
from bodycam.lib.errors import bilingual


class Command(BaseCommand):
    help = bilingual(_("监管链日志：核验、签名树头、证明。"))

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help=bilingual(_("核验全部日志")))
        verify.add_argument("--json", dest="as_json", action="store_true")
        sign = sub.add_parser("sign", help=bilingual(_("签名新的树头")))
        sign.add_argument("--force", action="store_true")
        proof = sub.add_parser("proof", help=bilingual(_("包含证明")))
        proof.add_argument("seq", type=int)
        proof.add_argument("--tree-size", type=int)
        sub.add_parser("key", help=bilingual(_("公钥")))

    def handle(self, *args, action: str, **options) -> None:
        getattr(self, f"_{action}")(**options)

    def _verify(self, as_json: bool, **options) -> None:
        report = integrity.run_check(include_blobs=False, trigger="bodycam ledger verify")
        print_report(self, report, as_json)

    def _sign(self, force: bool, **options) -> None:
        head = heads.sign_head(force=force)
        if head is None:
            self.stdout.write(bilingual(_("最新树头已覆盖全部条目。")))
        else:
            self.stdout.write(head.note)

    def _proof(self, seq: int, tree_size: int | None, **options) -> None:
        size = tree_size or _latest_size()
        if not 0 <= seq < size:
            raise CommandError(
                bilingual(_("条目 %(seq)s 不在 %(size)s 条的树中。"), seq=seq, size=size)
            )
        proof = tree.inclusion_proof(seq, size)
        self.stdout.write(
            json.dumps({"seq": seq, "tree_size": size, "proof": [b64(h) for h in proof]})
        )

    def _key(self, **options) -> None:
        self.stdout.write(heads.verifier_key())


def _latest_size() -> int:
    head = heads.latest_head()
    return head.tree_size if head else stored_size()


def print_report(command: BaseCommand, report: dict, as_json: bool) -> None:
    """Print a verification report and end non-zero unless everything holds."""
    if as_json:
        command.stdout.write(json.dumps(report, ensure_ascii=False))
    else:
        ledger = report["ledger"]
        command.stdout.write(
            bilingual(
                _("条目 %(entries)s，树头 %(heads)s，缓存子树 %(subtrees)s"),
                entries=ledger["entries"],
                heads=ledger["heads"],
                subtrees=ledger["subtrees"],
            )
        )
        for name, part in report.items():
            if isinstance(part, dict):
                for problem in part["problems"]:
                    command.stdout.write(f"  ✗ [{name}] {problem}")
        if report["ok"]:
            command.stdout.write(bilingual(_("核验通过")))
        else:
            first = ledger["first_bad_seq"]
            if first is None:
                command.stdout.write(bilingual(_("核验失败")))
            else:
                command.stdout.write(bilingual(_("核验失败，第一个问题条目 %(seq)s"), seq=first))
    if not report["ok"]:
        raise SystemExit(1)
