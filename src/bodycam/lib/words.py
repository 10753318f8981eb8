"""Values as a person reads them: durations in words."""

from django.utils.translation import gettext as _


def duration_words(seconds: float) -> str:
    """ "1 小时 2 分", "4 分 0 秒", "6 秒"."""
    whole = abs(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return _("%(h)s 小时 %(m)s 分") % {"h": hours, "m": minutes}
    if minutes:
        return _("%(m)s 分 %(s)s 秒") % {"m": minutes, "s": secs}
    return _("%(s)s 秒") % {"s": secs}


def size_words(size: int) -> str:
    """ "86.3 MB", as the pages show a file's size."""
    from django.template.defaultfilters import filesizeformat

    return str(filesizeformat(size)).replace("\xa0", " ")
