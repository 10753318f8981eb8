"""Logging helpers referenced by settings.LOGGING."""

import logging


class OneLineForbidden(logging.Filter):
    """A refused request (403) is an ordinary event: one warning line, not a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
