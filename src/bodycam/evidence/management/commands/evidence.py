from datetime import date

from django.utils.translation import gettext_lazy as _

from bodycam.accounts.models import User
from bodycam.evidence import cases
from bodycam.evidence.models import Case
from bodycam.lib.cli import DomainCommand
from bodycam.lib.errors import Refused, bilingual
from bodycam.lib.parsing import parse_day
from bodycam.recordings.models import Recording

NO_CASE = _("没有案件编号为 %(number)s 的案卷。")
NO_USER = _("没有用户名为 %(name)s 的在职用户。")


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
        for command in (case, mark):
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
        found = Case.objects.filter(number=case).first()
        if found is None:
            raise Refused(NO_CASE, code="no_case", number=case)
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


def _user(name: str) -> User:
    user = User.objects.filter(username=name, is_active=True).first()
    if user is None:
        raise Refused(NO_USER, code="no_user", name=name)
    return user


def _day(text: str | None) -> date | None:
    return parse_day(text) if text else None
