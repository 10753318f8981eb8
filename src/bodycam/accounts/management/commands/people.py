from bodycam.accounts.imports import apply_user_import, plan_user_import
from bodycam.lib.cli import DomainCommand, run_import


class Command(DomainCommand):
    help = "人员：批量导入（默认只预检）。 / People: bulk import (dry run unless --apply)."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        load = sub.add_parser("import", help="批量导入用户 / import users")
        load.add_argument("file", help=".xlsx 或 .csv")
        load.add_argument("--apply", action="store_true", help="预检无误后写入 / write it")
        self.add_json_flag(load)

    def do_import(self, file, apply, **options) -> dict:
        result, created = run_import(file, apply, plan_user_import, apply_user_import, "username")
        if created:
            given = "（表格中已给出） / given in the file"
            lines = [f"{user.username}\t{password or given}" for user, password in created]
            result["message"] += "\n初始密码 / initial passwords:\n" + "\n".join(lines)
            result["passwords"] = {user.username: password for user, password in created}
        return result
