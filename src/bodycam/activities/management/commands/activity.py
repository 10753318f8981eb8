from django.utils.translation import gettext_lazy as _

from bodycam.activities import lifecycle
from bodycam.activities.models import EnforcementActivity
from bodycam.activities.vocabulary import ActivityType
from bodycam.devices.lookup import device_by_serial, person
from bodycam.lib.cli import DomainCommand, parse_moment
from bodycam.lib.errors import Refused, bilingual


class Command(DomainCommand):
    help = bilingual(_("执法活动：开始、结束。"))

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        start = sub.add_parser("open", help=bilingual(_("开始执法活动")))
        start.add_argument("--type", required=True, choices=ActivityType.values)
        start.add_argument("--officer", action="append", required=True, help="警号，可重复")
        start.add_argument("--device", action="append", default=[], help="产品序号，可重复")
        start.add_argument("--start", required=True, help="开始时间 ISO")
        start.add_argument("--subject", default="", help="被检查单位")
        start.add_argument("--location", default="")
        start.add_argument("--away", action="store_true", help="外出执法 (R-13)")
        end = sub.add_parser("close", help=bilingual(_("结束执法活动")))
        end.add_argument("id", type=int)
        end.add_argument("--end", required=True, help="结束时间 ISO")
        end.add_argument("--returned", help="返回时间 ISO（外出执法）")
        for command in (start, end):
            self.add_json_flag(command)

    def do_open(self, type, officer, device, start, subject, location, away, **options) -> dict:
        activity = lifecycle.open_activity(
            type,
            [person(badge) for badge in officer],
            parse_moment(start, "--start"),
            None,
            devices=[device_by_serial(serial) for serial in device],
            subject_name=subject,
            location=location,
            away_from_base=away,
        )
        return {"id": activity.pk, "message": str(activity.pk)}

    def do_close(self, id, end, returned, **options) -> dict:
        activity = EnforcementActivity.objects.filter(pk=id).first()
        if activity is None:
            raise Refused(lifecycle.NO_SUCH_ACTIVITY, id=id)
        returned_at = parse_moment(returned, "--returned") if returned else None
        lifecycle.close_activity(activity, parse_moment(end, "--end"), None, returned_at)
        return {"id": id, "status": "closed", "message": bilingual(_("已结束 %(id)s"), id=id)}
