"""A font that can show Chinese, for documents and pictures: BODYCAM_PDF_FONT, or WenQuanYi
Micro Hei (Debian's fonts-wqy-microhei)."""

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

CANDIDATES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
)
NO_FONT = _("服务器上没有可显示中文的字体，无法生成 PDF；请联系系统管理员安装 fonts-wqy-microhei。")


class NoChineseFont(RuntimeError):
    """No font that can show Chinese is installed."""


def chinese_font_path() -> Path:
    configured = [Path(settings.PDF_FONT)] if settings.PDF_FONT else []
    for path in [*configured, *CANDIDATES]:
        if path.is_file():
            return path
    raise NoChineseFont("fonts-wqy-microhei")
