from django.utils.translation import gettext_lazy as _

from bodycam.activities import corrections, lifecycle
from bodycam.activities.models import EnforcementActivity
from bodycam.activities.vocabulary import ActivityType
from bodycam.devices.lookup import device_by_serial, person
from bodycam.lib.cli import DomainCommand, parse_moment
from bodycam.lib.errors import Refused, bilingual


def _activity(id: int) -> EnforcementActivity:
    activity = EnforcementActivity.objects.filter(pk=id).first()
    if activity is None:
        raise Refused(lifecycle.NO_SUCH_ACTIVITY, id=id)
    return activity


class Command(DomainCommand):
    help = bilingual(_("执法活动：开始、结束、更正、撤销。"))

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
        fix = sub.add_parser("correct", help=bilingual(_("更正执法活动（须写明理由）")))
        fix.add_argument("id", type=int)
        fix.add_argument("--type", choices=ActivityType.values)
        fix.add_argument("--officer", action="append", help="警号，可重复；替换原有人员")
        fix.add_argument("--device", action="append", help="产品序号，可重复；替换原有记录仪")
        fix.add_argument("--start", help="开始时间 ISO")
        fix.add_argument("--end", help="结束时间 ISO")
        fix.add_argument("--subject")
        fix.add_argument("--location")
        cancel = sub.add_parser("cancel", help=bilingual(_("撤销误开的执法活动（须写明理由）")))
        cancel.add_argument("id", type=int)
        for command in (fix, cancel):
            command.add_argument("--reason", required=True, help="理由")
            command.add_argument("--by", required=True, help="操作人用户名")
        for command in (start, fix):
            command.add_argument("--late-reason", default="", help="补录理由 (R-23)")
            command.add_argument("--device-reason", default="", help="使用非本人领用记录仪的理由")
        for command in (start, end, fix, cancel):
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
            late_reason=options["late_reason"],
            device_reason=options["device_reason"],
        )
        return {"id": activity.pk, "message": str(activity.pk)}

    def do_close(self, id, end, returned, **options) -> dict:
        returned_at = parse_moment(returned, "--returned") if returned else None
        lifecycle.close_activity(_activity(id), parse_moment(end, "--end"), None, returned_at)
        return {"id": id, "status": "closed", "message": bilingual(_("已结束 %(id)s"), id=id)}

    def do_correct(self, id, reason, by, **options) -> dict:
        changes = {
            name: value
            for name, value in {
                "type": options["type"],
                "subject_name": options["subject"],
                "location": options["location"],
                "started_at": options["start"] and parse_moment(options["start"], "--start"),
                "ended_at": options["end"] and parse_moment(options["end"], "--end"),
                "officers": options["officer"] and [person(b) for b in options["officer"]],
                "devices": options["device"] and [device_by_serial(s) for s in options["device"]],
            }.items()
            if value is not None
        }
        corrections.correct_activity(
            _activity(id), person(by), reason, late_reason=options["late_reason"],
            device_reason=options["device_reason"], **changes,
        )  # fmt: skip
        return {"id": id, "message": bilingual(_("已更正 %(id)s"), id=id)}

    def do_cancel(self, id, reason, by, **options) -> dict:
        corrections.cancel_activity(_activity(id), person(by), reason)
        return {"id": id, "status": "cancelled", "message": bilingual(_("已撤销 %(id)s"), id=id)}
