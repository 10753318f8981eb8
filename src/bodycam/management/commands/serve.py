"""`bodycam serve`: the production web server (gunicorn) and one job worker, stopped together."""

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext_lazy as _

from bodycam.lib.errors import bilingual


class Command(BaseCommand):
    help = bilingual(_("启动网页服务和一个后台任务进程；Ctrl-C 同时停止。"))

    def add_arguments(self, parser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help=bilingual(_("地址:端口")))
        parser.add_argument("--web-workers", type=int, default=2)
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程")

    def handle(self, *args, bind: str, web_workers: int, no_worker: bool, **options) -> None:
        _refuse_unmigrated()
        commands = [web_command(bind, web_workers)]
        if not no_worker:
            commands.append([sys.executable, "-m", "bodycam", "worker"])
        name, stop = bilingual(_("执法音像记录管理系统")), bilingual(_("Ctrl-C 停止"))
        self.stdout.write(f"{name}: http://{bind}/ ({stop})")
        _run_together(commands)


def web_command(bind: str, workers: int) -> list[str]:
    """The gunicorn command line. Header lines may be 16 KiB: a tus Upload-Metadata of up to
    8 KiB then reaches the application, which answers its own 400 past that, not gunicorn's."""
    return [
        sys.executable, "-m", "gunicorn", "bodycam.wsgi:application",
        "--bind", bind, "--workers", str(workers), "--threads", "4",
        "--access-logfile", "-", "--timeout", "120",
        "--limit-request-field_size", "16384",
    ]  # fmt: skip


def _refuse_unmigrated() -> None:
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise CommandError(bilingual(_("数据库尚未迁移到最新版本，请先运行 `bodycam migrate`。")))
    connection.close()


def _run_together(commands: list[list[str]]) -> None:
    """Start every command; when one ends or we are told to stop, stop them all."""
    children = [subprocess.Popen(cmd, env=os.environ.copy()) for cmd in commands]
    stopping = False

    def stop(signum, frame) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while not stopping and all(child.poll() is None for child in children):
        time.sleep(0.3)
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()
    failed = [c.returncode for c in children if c.returncode not in (0, -signal.SIGTERM)]
    if failed and not stopping:
        raise CommandError(bilingual(_("服务进程意外退出")) + f": {failed}")
