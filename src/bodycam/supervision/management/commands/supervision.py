from django.db import transaction
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.models import Unit, User
from bodycam.accounts.roles import Role
from bodycam.evidence.cases import active_user
from bodycam.lib.cli import DomainCommand
from bodycam.lib.errors import Refused, bilingual
from bodycam.lib.parsing import parse_day
from bodycam.supervision import campaigns

NO_HEAD = _("请用 --by 指定批准抽查的主要负责人（系统中没有或不止一位在职的主要负责人）。")
NO_UNIT = _("没有代码为 %(codes)s 的单位。")


class Command(DomainCommand):
    help = bilingual(_("执法监督抽查：按比例抽取音像记录并分配评查人员（R-20）。"))

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        campaign = sub.add_parser(
            "campaign", help=bilingual(_("建立并开始一次抽查（如同主要负责人批准）"))
        )
        campaign.add_argument("--ratio", required=True, help="抽查比例，如 0.05")
        campaign.add_argument("--minimum", type=int, default=1, help="每名执法人员至少抽查条数")
        campaign.add_argument("--from", dest="start", required=True, help="抽查期间自 YYYY-MM-DD")
        campaign.add_argument("--to", dest="end", required=True, help="抽查期间至 YYYY-MM-DD")
        campaign.add_argument("--unit", nargs="+", default=[], help="抽查单位代码（默认：全局）")
        campaign.add_argument("--reviewer", nargs="+", default=[],
                              help="评查人员用户名（默认：全部在职督察人员）")  # fmt: skip
        campaign.add_argument("--title", default="", help="抽查名称")
        campaign.add_argument("--until", default="", help="评查截止日期 YYYY-MM-DD")
        campaign.add_argument(
            "--by", default="", help="批准的主要负责人用户名（默认：唯一的主要负责人）"
        )
        self.add_json_flag(campaign)

    def do_campaign(self, ratio, minimum, start, end, unit, reviewer, title, until, by,
                    **options) -> dict:  # fmt: skip
        head = active_user(by) if by else _only_head()
        period_from, period_to = parse_day(start), parse_day(end)
        plan = campaigns.Plan(
            title=title or f"执法监督抽查 {period_from.isoformat()} 至 {period_to.isoformat()}",
            period_from=period_from, period_to=period_to, ratio=ratio, minimum=minimum,
            reviewers=[active_user(name) for name in reviewer] or _supervisors(),
            units=_units(unit), review_until=parse_day(until) if until else None,
        )  # fmt: skip
        with transaction.atomic():
            campaign = campaigns.start_campaign(campaigns.propose_campaign(plan, None), head)
        sample = list(
            campaign.candidates.filter(sampled=True)
            .order_by("stratum", "recording_id")
            .values_list("recording_id", flat=True)
        )
        said = _("抽查 %(number)s 已开始：%(candidates)s 条记录中抽中 %(sampled)s 条。")
        return {
            "id": campaign.pk,
            "number": campaign.number,
            "seed": campaign.seed,
            "ratio": campaigns.ratio_text(campaign.ratio),
            "minimum": campaign.minimum,
            "candidates": campaign.candidates.count(),
            "sample": sample,
            "message": bilingual(
                said,
                number=campaign.number,
                candidates=campaign.candidates.count(),
                sampled=len(sample),
                seed=campaign.seed,
            ),
        }


def _only_head() -> User:
    heads = list(User.objects.filter(is_active=True, role_assignments__role=Role.HEAD)[:2])
    if len(heads) != 1:
        raise Refused(NO_HEAD, code="head_required")
    return heads[0]


def _supervisors() -> list[User]:
    return list(User.objects.filter(is_active=True, role_assignments__role=Role.SUPERVISOR))


def _units(codes: list[str]) -> list[Unit]:
    found = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        raise Refused(NO_UNIT, code="not_found", codes="、".join(missing))
    return [found[code] for code in dict.fromkeys(codes)]
