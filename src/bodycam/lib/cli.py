"""Shared plumbing for our commands: --json output, refusals as a non-zero exit, times."""

import json
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from bodycam.lib.errors import Refused, bilingual
from bodycam.lib.spreadsheets import read_table

NOT_A_MOMENT = _("%(what)s %(text)s 不是有效的时间，应为 ISO 格式如 2026-11-20T09:36:21+08:00。")
DRY_RUN = _("预检：%(total)s 行，%(bad)s 行有问题（未写入）")


class DomainCommand(BaseCommand):
    """A command whose subcommand handlers return a dict (the result) or raise Refused.

    Plain output prints the result's "message"; --json prints the whole result as one JSON
    object. A refusal exits with status 1 and its message in Chinese and English.
    """

    def add_json_flag(self, parser) -> None:
        parser.add_argument("--json", dest="as_json", action="store_true", help="JSON 输出")

    def handle(self, *args, subcommand: str, as_json: bool = False, **options) -> None:
        handler = getattr(self, "do_" + subcommand.replace("-", "_"))
        try:
            result = handler(**options)
        except Refused as refusal:
            if as_json:
                self.stdout.write(json.dumps({"ok": False, "error": refusal.bilingual()},
                                             ensure_ascii=False))  # fmt: skip
                sys.exit(1)
            raise CommandError(refusal.bilingual()) from None
        status = result.pop("exit_status", 0)  # a check that found problems: printed, then 1
        if as_json:
            self.stdout.write(
                json.dumps({"ok": not status, **result}, ensure_ascii=False, default=str)
            )
        else:
            self.stdout.write(result.get("message", ""))
        if status:
            sys.exit(status)


def parse_moment(text: str, what: str) -> datetime:
    """An ISO date-time from the command line; without an offset it is Beijing time."""
    moment = parse_datetime(text or "")
    if moment is None:
        raise CommandError(bilingual(NOT_A_MOMENT, what=what, text=repr(text)))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(settings.DISPLAY_TIME_ZONE))
    return moment


def run_import(path: str, apply: bool, plan, write, key: str) -> tuple[dict, list]:
    """A spreadsheet import from the command line: the dry run, and with `apply` the write.

    Rows with problems are listed either way; nothing is written unless every row is good.
    Returns the result to print and what was written.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(
            bilingual(_("无法读取 %(path)s：%(error)s"), path=path, error=exc.strerror)
        ) from None
    checked = plan(read_table(data, Path(path).name))
    rows = [{"line": r.line, key: getattr(r, key), "problems": r.problems} for r in checked.rows]
    lines = [
        f"第 {r['line']} 行 {r[key]}：{'；'.join(r['problems'])}" for r in rows if r["problems"]
    ]
    result = {"rows": rows, **checked.counts, "applied": False}
    written: list = []
    if apply:
        written = write(checked, None)
        result.update(applied=True, written=len(written))
        lines.append(bilingual(_("已导入 %(count)s 行"), count=len(written)))
    else:
        counts = checked.counts
        lines.append(bilingual(DRY_RUN, total=counts["total"], bad=counts["bad"]))
    return {**result, "message": "\n".join(lines)}, written
