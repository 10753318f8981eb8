import json

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.demo import as_dicts, create_demo_bureau
from bodycam.accounts.models import User
from bodycam.accounts.roles import Role
from bodycam.lib.errors import bilingual


class Command(BaseCommand):
    help = bilingual(_("创建演示用的执法局（单位和每个角色一个用户），重复运行无害。"))

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help=bilingual(_("以 JSON 输出"))
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=bilingual(_("仅当系统中还没有任何用户时创建")),
        )

    def handle(self, *args, as_json: bool, if_empty: bool, **options) -> None:
        if if_empty and User.objects.exists():
            self.stdout.write(bilingual(_("系统中已有用户，未创建演示数据。")))
            return
        logins = create_demo_bureau()
        if as_json:
            self.stdout.write(json.dumps(as_dicts(logins), ensure_ascii=False))
            return
        self.stdout.write(bilingual(_("演示账户")) + ":")
        password = bilingual(_("密码"))
        for login in logins:
            label = Role(login.role).label
            self.stdout.write(f"  {label:<8} {login.username:<12} {password}: {login.password}")
