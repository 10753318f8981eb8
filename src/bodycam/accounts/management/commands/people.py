from django.utils.translation import gettext_lazy as _

from bodycam.accounts.imports import apply_user_import, plan_user_import
from bodycam.lib.cli import DomainCommand, run_import
from bodycam.lib.errors import bilingual


class Command(DomainCommand):
    help = bilingual(_("人员：批量导入（默认只预检）。"))

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        load = sub.add_parser("import", help=bilingual(_("批量导入用户")))
        load.add_argument("file", help=".xlsx 或 .csv")
        load.add_argument("--apply", action="store_true", help=bilingual(_("预检无误后写入")))
        self.add_json_flag(load)

    def do_import(self, file, apply, **options) -> dict:
        result, created = run_import(file, apply, plan_user_import, apply_user_import, "username")
        if created:
            given = bilingual(_("（表格中已给出）"))
            lines = [f"{user.username}\t{password or given}" for user, password in created]
            passwords = bilingual(_("初始密码"))
            result["message"] += f"\n{passwords}:\n" + "\n".join(lines)
            result["passwords"] = {user.username: password for user, password in created}
        return result
