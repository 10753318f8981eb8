from django.apps import AppConfig


class BodycamConfig(AppConfig):
    """The project package as an app: its commands (serve, worker, demo, token) and templates."""

    name = "bodycam"
    verbose_name = "执法音像记录管理系统"

    def ready(self) -> None:
        from bodycam import checks  # noqa: F401  registers the start-up checks
