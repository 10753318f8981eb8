import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bodycam.accounts import tokens
from bodycam.accounts.models import ApiToken, User
from bodycam.lib import wallclock
from bodycam.lib.errors import Refused, bilingual

NO_USER = _("没有名为 %(name)s 的有效用户。")
SHOWN_ONCE = _("请立即妥善保存：此令牌只显示这一次，系统中只保存它的摘要。")


class Command(BaseCommand):
    help = bilingual(_("API 令牌：为用户签发（只显示一次）、列出、吊销。"))

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", nargs="?", help=bilingual(_("为此用户签发")))
        parser.add_argument("--name", default="", help=bilingual(_("用途，例如“采集站一”")))
        parser.add_argument("--days", type=int, default=None, help=bilingual(_("有效天数")))
        parser.add_argument(
            "--list", dest="listing", action="store_true", help=bilingual(_("列出令牌"))
        )
        parser.add_argument("--revoke", metavar="PREFIX", help=bilingual(_("吊销令牌")))
        parser.add_argument("--json", dest="as_json", action="store_true", help="JSON 输出")

    def handle(self, *args, username, name, days, listing, revoke, as_json, **options) -> None:
        try:
            if revoke:
                token = tokens.revoke_token(tokens.token_by_prefix(revoke), None)
                self._say({"revoked": token.prefix}, f"{token.prefix}… ✓", as_json)
            elif listing:
                self._list(username, as_json)
            elif username:
                issued = tokens.issue_token(_user(username), None, name=name, days=days)
                self._issued(issued, as_json)
            else:
                raise CommandError(bilingual(_("请给出用户名，或 --list、--revoke。")))
        except Refused as refusal:
            raise CommandError(refusal.bilingual()) from None

    def _issued(self, issued: tokens.IssuedToken, as_json: bool) -> None:
        token = issued.token
        if as_json:
            data = {"key": issued.key, "prefix": token.prefix,
                    "expires_at": token.expires_at.isoformat()}  # fmt: skip
            self.stdout.write(json.dumps(data))
            return
        self.stdout.write(issued.key)
        self.stderr.write(bilingual(SHOWN_ONCE))

    def _list(self, username: str | None, as_json: bool) -> None:
        rows = ApiToken.objects.select_related("user").order_by("-created_at")
        if username:
            rows = rows.filter(user=_user(username, active_only=False))
        found = [
            {"prefix": t.prefix, "user": t.user.username, "name": t.name,
             "expires_at": wallclock.local(t.expires_at).isoformat(), "status": _state(t)}
            for t in rows
        ]  # fmt: skip
        if as_json:
            self.stdout.write(json.dumps(found, ensure_ascii=False))
            return
        for row in found:
            self.stdout.write(
                f"{row['prefix']}…  {row['user']}  {row['status']}  {row['expires_at']}  "
                f"{row['name']}"
            )

    def _say(self, data: dict, text: str, as_json: bool) -> None:
        self.stdout.write(json.dumps(data) if as_json else text)


def _state(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return "revoked"
    return "expired" if token.expires_at <= timezone.now() else "active"


def _user(username: str, active_only: bool = True) -> User:
    users = User.objects.filter(username=username)
    found = (users.filter(is_active=True) if active_only else users).first()
    if found is None:
        raise Refused(NO_USER, code="not_found", name=username)
    return found
