from django.apps import AppConfig


class BodycamConfig(AppConfig):
    """The project package as an app: its commands (serve, worker, demo, token) and templates."""

    name = "bodycam"
    verbose_name = "执法音像记录管理系统"
