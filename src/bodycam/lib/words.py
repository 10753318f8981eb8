"""Values as a person reads them: durations in words."""

from datetime import datetime

from django.utils.translation import gettext as _

from bodycam.lib import wallclock


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


# FFmpeg's names for containers and codecs, as people know them.
CONTAINERS = {"mp4": "MP4", "mov": "MOV", "matroska": "MKV", "avi": "AVI", "mpegts": "TS",
              "wav": "WAV", "mp3": "MP3", "jpeg_pipe": "JPEG", "image2": "JPEG",
              "png_pipe": "PNG", "asf": "WMV"}  # fmt: skip
CODECS = {"h264": "H.264", "hevc": "H.265", "mpeg4": "MPEG-4", "mjpeg": "MJPEG", "aac": "AAC",
          "mp3": "MP3", "opus": "Opus", "pcm_s16le": "PCM", "pcm_mulaw": "G.711",
          "pcm_alaw": "G.711", "adpcm_ima_wav": "ADPCM", "amr_nb": "AMR", "jpeg": "JPEG",
          "png": "PNG"}  # fmt: skip


def media_words(container: str, video_codec: str, audio_codec: str) -> str:
    """ "MP4 · H.264 视频 · AAC 音频" from FFmpeg's "mov,mp4,m4a,3gp,3g2,mj2", "h264", "aac"."""
    names = [n.strip() for n in (container or "").split(",") if n.strip()]
    shown = next((CONTAINERS[n] for n in ("mp4", *names) if n in names and n in CONTAINERS), "")
    parts = [shown or (names[0].upper() if names else "")]
    if video_codec:
        parts.append(_("%(codec)s 视频") % {"codec": CODECS.get(video_codec, video_codec.upper())})
    if audio_codec:
        parts.append(_("%(codec)s 音频") % {"codec": CODECS.get(audio_codec, audio_codec.upper())})
    return " · ".join(part for part in parts if part) or "—"


def period_words(name: str, periods: dict[str, int | None]) -> str:
    """A configured retention period in the page's language: "永久", "30 年" (a name the
    bureau configured but no period, such as a case's old one, as it was written)."""
    if name not in periods:
        return name
    years = periods[name]
    return _("永久") if years is None else _("%(n)s 年") % {"n": years}


def clock_words(seconds: float) -> str:
    """A recorder's clock against true time: "快 3 小时 2 分", "慢 4.2 秒", "准确"."""
    if abs(seconds) < 0.05:
        return _("准确")
    amount = _("%(s).1f 秒") % {"s": abs(seconds)} if abs(seconds) < 60 else duration_words(seconds)
    return (_("快 %(amount)s") if seconds > 0 else _("慢 %(amount)s")) % {"amount": amount}


def stored_time_words(value: object, seconds: bool = True) -> str | None:
    """A time as stored in a payload or finding (ISO 8601, UTC) in Beijing time, "2026-12-04
    09:30:00"; None when the value is no such time."""
    if not (isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T"):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return wallclock.local(moment).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
