from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from bodycam.accounts.models import User


class Command(BaseCommand):
    help = (
        "为用户生成新的 API 令牌（旧令牌作废）。 / Print a new API token for a user "
        "(the old one stops working)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(
                f"没有名为 {username!r} 的有效用户。 / No active user named {username!r}."
            ) from None
        Token.objects.filter(user=user).delete()
        self.stdout.write(Token.objects.create(user=user).key)
