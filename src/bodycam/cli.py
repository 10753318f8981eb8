"""`bodycam`: the one command. Wraps Django's management commands and adds our own."""

import os
import sys

from django.core.exceptions import ImproperlyConfigured


def main(argv: list[str] | None = None) -> None:
    """Run `bodycam <command> …`; a bad configuration ends with its message and exit code 2."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bodycam.settings")
    args = ["bodycam", *(sys.argv[1:] if argv is None else argv)]
    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        print(exc, file=sys.stderr)
        sys.exit(2)
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)
