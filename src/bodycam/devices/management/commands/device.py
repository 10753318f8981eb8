from decimal import Decimal, InvalidOperation

from django.core.management.base import CommandError
from django.utils.translation import gettext_lazy as _

from bodycam.devices import checks, registry, states
from bodycam.devices.imports import apply_device_import, plan_device_import
from bodycam.devices.lookup import device_by_serial, person
from bodycam.devices.models import DeviceStatus
from bodycam.lib.cli import DomainCommand, parse_moment, run_import
from bodycam.lib.errors import bilingual
from bodycam.lib.parsing import parse_day


class Command(DomainCommand):
    help = bilingual(_("执法记录仪台账：登记、发放、归还、使用前检查。"))

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        add = sub.add_parser("add", help=bilingual(_("登记记录仪")))
        add.add_argument("serial")
        add.add_argument("--model", default="")
        add.add_argument("--manufacturer", default="")
        add.add_argument("--custodian", required=True, help="保管员用户名或警号")
        add.add_argument("--explosion-proof", action="store_true")
        issue = sub.add_parser("issue", help=bilingual(_("发放")))
        issue.add_argument("serial")
        issue.add_argument("--to", dest="officer", required=True, help=bilingual(_("警号")))
        issue.add_argument("--reason", default="", help="检查未通过仍发放的理由")
        give_back = sub.add_parser("return", help=bilingual(_("归还")))
        give_back.add_argument("serial")
        give_back.add_argument("--comment", default="", help="归还备注（可选）")
        check = sub.add_parser("check", help=bilingual(_("使用前检查（R-07）")))
        check.add_argument("serial")
        check.add_argument("--battery", type=int, required=True, help="电量 %%")
        check.add_argument("--free-gb", required=True, help="剩余存储 GB")
        check.add_argument("--clock", required=True, help="记录仪显示的时间 ISO")
        check.add_argument("--fault", action="store_true", help="记录仪有故障")
        lost = sub.add_parser("lost", help=bilingual(_("登记遗失")))
        lost.add_argument("serial")
        lost.add_argument("--reason", required=True, help=bilingual(_("理由")))
        found = sub.add_parser("found", help=bilingual(_("登记找回")))
        found.add_argument("serial")
        found.add_argument("--reason", required=True, help=bilingual(_("理由")))
        correct = sub.add_parser("correct", help=bilingual(_("更正记录仪台账信息")))
        correct.add_argument("serial")
        correct.add_argument("--reason", required=True, help=bilingual(_("更正理由")))
        correct.add_argument("--model")
        correct.add_argument("--manufacturer")
        correct.add_argument("--purchase-date", help="YYYY-MM-DD")
        load = sub.add_parser("import", help=bilingual(_("批量导入台账（默认只预检）")))
        load.add_argument("file", help=".xlsx 或 .csv")
        load.add_argument("--apply", action="store_true", help=bilingual(_("预检无误后写入")))
        for command in (add, issue, give_back, check, lost, found, correct, load):
            self.add_json_flag(command)

    def do_add(self, serial, model, manufacturer, custodian, explosion_proof, **options) -> dict:
        device = registry.register_device(
            serial,
            person(custodian),
            None,
            model=model,
            manufacturer=manufacturer,
            explosion_proof=explosion_proof,
        )
        return {
            "id": device.pk,
            "serial": device.serial,
            "message": bilingual(_("已登记 %(device)s"), device=device),
        }

    def do_issue(self, serial, officer, reason, **options) -> dict:
        issue = registry.issue_device(device_by_serial(serial), person(officer), None, reason)
        return {
            "serial": issue.device.serial,
            "officer": issue.officer.badge_number,
            "issued_at": issue.issued_at.isoformat(),
            "message": bilingual(
                _("已发放 %(device)s → %(officer)s"), device=issue.device, officer=issue.officer
            ),
        }

    def do_return(self, serial, comment, **options) -> dict:
        issue = registry.return_device(device_by_serial(serial), None, comment)
        returned = bilingual(_("已归还 %(device)s"), device=issue.device)
        return {"serial": issue.device.serial, "message": returned}

    def do_lost(self, serial, reason, **options) -> dict:
        device = states.mark_lost(device_by_serial(serial), reason, None)
        return {"serial": device.serial, "status": device.status, "message": _said(device)}

    def do_found(self, serial, reason, **options) -> dict:
        device = states.mark_found(device_by_serial(serial), reason, None)
        return {"serial": device.serial, "status": device.status, "message": _said(device)}

    def do_correct(self, serial, reason, model, manufacturer, purchase_date, **options) -> dict:
        changes = {"model": model, "manufacturer": manufacturer}
        changes = {name: value for name, value in changes.items() if value is not None}
        if purchase_date is not None:
            changes["purchase_date"] = parse_day(purchase_date)
        device = states.correct_device(device_by_serial(serial), reason, None, **changes)
        return {"serial": device.serial, "message": _said(device)}

    def do_import(self, file, apply, **options) -> dict:
        result, _devices = run_import(
            file, apply, plan_device_import, apply_device_import, "serial"
        )
        return result

    def do_check(self, serial, battery, free_gb, clock, fault, **options) -> dict:
        try:
            free = Decimal(free_gb)
        except InvalidOperation:
            raise CommandError(
                bilingual(_("--free-gb %(value)s 不是数字"), value=repr(free_gb))
            ) from None
        reading = checks.Reading(
            no_fault=not fault,
            battery_percent=battery,
            free_storage_gb=free,
            device_clock=parse_moment(clock, "--clock"),
        )
        check = checks.record_check(device_by_serial(serial), reading, None)
        problems = [checks.describe(p) for p in check.problems]
        if check.passed:
            verdict = bilingual(_("使用前检查通过"))
        else:
            verdict = bilingual(_("使用前检查未通过：%(problems)s"), problems="；".join(problems))
        return {
            "serial": check.device.serial,
            "passed": check.passed,
            "problems": check.problems,
            "clock_offset_seconds": check.clock_offset.total_seconds(),
            "message": verdict,
        }


def _said(device) -> str:
    return bilingual(SAID, serial=device.serial, state=DeviceStatus(device.status).label)


SAID = _("记录仪 %(serial)s：%(state)s")
