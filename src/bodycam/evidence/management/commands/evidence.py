from datetime import date
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.models import User
from bodycam.evidence import cases, checking, discs
from bodycam.evidence import extraction as extraction_rules
from bodycam.evidence.models import Case, ExtractionState
from bodycam.lib.cli import DomainCommand
from bodycam.lib.errors import Refused, bilingual, bilingual_id
from bodycam.lib.parsing import parse_day
from bodycam.recordings.models import Recording


class Command(DomainCommand):
    help = bilingual(_("案卷与证据：建立或修改案卷，把音像记录作为证据使用（R-14、R-15）。"))

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        case = sub.add_parser("case", help=bilingual(_("建立或修改案卷")))
        case.add_argument("--number", required=True, help="案件编号")
        case.add_argument("--title", help="案由")
        case.add_argument("--retention", help="案卷保管期限，如 永久、30 年")
        case.add_argument("--type", dest="case_type", help="案件类型")
        case.add_argument("--opened", help="立案日期 YYYY-MM-DD")
        case.add_argument("--closed", help="结案日期 YYYY-MM-DD")
        case.add_argument("--by", help="操作人用户名（默认：命令行）")
        case.add_argument("--reason", default="命令行修改", help="修改理由")
        mark = sub.add_parser("mark", help=bilingual(_("把音像记录作为案卷的证据")))
        mark.add_argument("--case", required=True, help="案件编号")
        mark.add_argument("--recording", type=int, nargs="+", required=True, help="音像记录编号")
        mark.add_argument("--by", required=True, help="标记人用户名")
        mark.add_argument("--reason", required=True, help="证明对象或理由")
        extract = sub.add_parser("extract", help=bilingual(_("制作证据光盘镜像（R-15）")))
        extract.add_argument("--case", required=True, help="案件编号")
        extract.add_argument("--recording", type=int, nargs="+", required=True, help="音像记录编号")
        extract.add_argument("--maker", required=True, help="制作人用户名")
        extract.add_argument("--extractor", required=True, help="提取人用户名")
        extract.add_argument("--purpose", required=True, help="证明对象")
        extract.add_argument("--out", required=True, help="光盘镜像文件（.iso，不覆盖已有文件）")
        extract.add_argument("--recipient", default="", help="接收单位或人员")
        extract.add_argument("--copies", type=int, default=1, help="制作份数")
        extract.add_argument(
            "--key-content", action="append", default=[], metavar="ID=TEXT",
            help="关键内容和时间段，如 12='00:01:10-00:02:30 询问当事人'",
        )  # fmt: skip
        extract.add_argument("--request", help="依据的查阅登记号（默认：制作人有效的下载授权）")
        verify = sub.add_parser("verify-disc", help=bilingual(_("核验证据光盘或其镜像")))
        verify.add_argument("path", help="光盘镜像文件，或已挂载、已解压的光盘目录")
        verify.add_argument("--by", help="核验人用户名（默认：命令行）")
        for command in (case, mark, extract, verify):
            self.add_json_flag(command)

    def do_case(
        self, number, title, retention, case_type, opened, closed, by, reason, **options
    ) -> dict:
        actor = _user(by) if by else None
        fields = {
            "title": title,
            "retention": retention,
            "case_type": case_type,
            "opened_on": _day(opened),
            "closed_on": _day(closed),
        }
        fields = {k: v for k, v in fields.items() if v is not None}
        existing = Case.objects.filter(number=number).first()
        if existing is None:
            case = cases.open_case(number, actor, **fields)
            said = _("案卷 %(number)s 已建立。")
        else:
            case = cases.change_case(existing, actor, reason, **fields)
            said = _("案卷 %(number)s 已更新。")
        return {
            "id": case.pk,
            "number": case.number,
            "retention": case.retention,
            "message": bilingual(said, number=case.number),
        }

    def do_mark(self, case, recording, by, reason, **options) -> dict:
        found = _case(case)
        chosen = cases.recordings_numbered(recording, Recording.objects.all())
        made = cases.mark_evidence(found, chosen, _user(by), reason)
        kept = {
            str(r.pk): r.retain_until.isoformat() if r.retain_until else "permanent"
            for r in Recording.objects.filter(pk__in=recording)
        }
        return {
            "case": found.number,
            "marked": [use.recording_id for use in made],
            "retain_until": kept,
            "message": bilingual(
                _("%(n)s 条音像记录已作为案卷 %(number)s 的证据。"),
                n=len(made),
                number=found.number,
            ),
        }

    def do_extract(
        self, case, recording, maker, extractor, purpose, out, recipient, copies, key_content,
        request, **options,
    ) -> dict:  # fmt: skip
        found = _case(case)
        target = Path(out)
        if target.exists():
            raise Refused(_("文件 %(path)s 已存在，不会覆盖。"), code="exists", path=out)
        if not target.parent.is_dir():
            raise Refused(_("路径不存在：%(path)s"), code="no_such_path", path=str(target.parent))
        grant = extraction_rules.grant_numbered(request)
        extraction = extraction_rules.extract(
            found, cases.recordings_numbered(recording, Recording.objects.all()), _user(maker),
            _user(extractor), purpose, recipient=recipient, copies=copies,
            key_content=_key_content(key_content), grant=grant, queue=False,
        )  # fmt: skip
        part = target.with_name(f".{target.name}.part")
        extraction = discs.make_image(extraction, part)
        if extraction.state != ExtractionState.MADE:
            raise Refused(_("光盘镜像未能制作：%(problem)s"), code="not_made",
                          problem=bilingual_id(extraction.problem))  # fmt: skip
        part.rename(target)
        return {
            "number": extraction.number,
            "case": found.number,
            "out": str(target),
            "image_sha256": extraction.image_sha256,
            "image_size": extraction.image_size,
            "files": list(extraction.files.order_by("pk").values_list("name", flat=True)),
            "message": bilingual(
                _("证据光盘 %(number)s 已制作：%(path)s（SHA-256 %(sha)s）。"),
                number=extraction.number,
                path=str(target),
                sha=extraction.image_sha256,
            ),
        }

    def do_verify_disc(self, path, by, **options) -> dict:
        check = checking.check_disc(Path(path), _user(by) if by else None)
        if check.passed:
            message = bilingual(
                _("光盘核验通过：%(n)s 个文件与清单一致，签名有效。"), n=check.files_checked
            )
        else:
            message = "\n".join([bilingual(_("光盘核验未通过：")), *_both(check.problems)])
        return {
            "passed": check.passed,
            "files_checked": check.files_checked,
            "extraction": check.extraction.number if check.extraction else None,
            "problems": check.problems,
            "message": message,
            "exit_status": 0 if check.passed else 1,
        }


def _both(problems: list[dict]) -> list[str]:
    lines = []
    for problem in problems:
        with translation.override("zh-hans"):
            chinese = checking.problem_text(problem)
        with translation.override("en"):
            english = checking.problem_text(problem)
        lines.append(f"  {chinese} / {english}")
    return lines


def _case(number: str) -> Case:
    return cases.case_numbered(number, Case.objects.all())


def _key_content(values: list[str]) -> dict[int, extraction_rules.KeyContent]:
    found = {}
    for value in values:
        number, sep, text = value.partition("=")
        if not sep or not number.strip().isdigit():
            raise Refused(_("关键内容应写成 编号=内容，如 12='00:01:10-00:02:30 询问当事人'。"),
                          code="invalid_key_content")  # fmt: skip
        found[int(number)] = extraction_rules.KeyContent(text.replace("\\n", "\n"))
    return found


def _user(name: str) -> User:
    return cases.active_user(name)


def _day(text: str | None) -> date | None:
    return parse_day(text) if text else None
