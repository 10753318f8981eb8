"""Shared plumbing for our commands: --json output, refusals as a non-zero exit, times."""

import json
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from bodycam.lib.errors import Refused


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
        if as_json:
            self.stdout.write(json.dumps({"ok": True, **result}, ensure_ascii=False, default=str))
        else:
            self.stdout.write(result.get("message", ""))


def parse_moment(text: str, what: str) -> datetime:
    """An ISO date-time from the command line; without an offset it is Beijing time."""
    moment = parse_datetime(text or "")
    if moment is None:
        raise CommandError(
            f"{what} {text!r} 不是有效的时间，应为 ISO 格式如 2026-11-20T09:36:21+08:00。 / "
            f"{what} {text!r} is not an ISO date-time such as 2026-11-20T09:36:21+08:00."
        )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(settings.DISPLAY_TIME_ZONE))
    return moment
