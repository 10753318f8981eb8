import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _

from bodycam import schedule
from bodycam.lib.errors import bilingual
from bodycam.uploads import completion


class Command(BaseCommand):
    help = bilingual(_("运行后台任务进程（缩略图、播放副本、校验等）。"))

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--until-idle",
            action="store_true",
            help=bilingual(_("处理完所有排队任务后退出。")),
        )
        parser.add_argument("--queues", default="*", help=bilingual(_("队列，逗号分隔")))
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args, until_idle: bool, queues: str, interval: float, **options) -> None:
        completion.resume_stalled()  # ingests a killed worker left half-done
        stop = threading.Event()
        if not until_idle:
            threading.Thread(target=schedule.run_forever, args=(stop,), daemon=True).start()
        try:
            self._work(until_idle, queues, interval, options["verbosity"])
        finally:
            stop.set()

    def _work(self, until_idle: bool, queues: str, interval: float, verbosity: int) -> None:
        call_command(
            "db_worker",
            queue_name=queues,
            batch=until_idle,
            interval=interval,
            startup_delay=not until_idle,
            reload=False,
            verbosity=verbosity,
        )
