"""The regulation's fixed lists: activity types (R-03), exemption grounds (R-04) and the content
tags a recording carries (R-10)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityType(models.TextChoices):
    """The five kinds of activity that MUST be recorded (R-03)."""

    ROUTINE_INSPECTION = "routine_inspection", _("日常执法检查")
    COMPLAINT_HANDLING = "complaint_handling", _("投诉举报处置")
    INVESTIGATION = "investigation", _("调查取证、先行登记保存、文书送达")
    COERCIVE_MEASURE = "coercive_measure", _("行政强制措施")
    OTHER_ON_SITE = "other_on_site", _("其他现场执法")


class ExemptionGround(models.TextChoices):
    """When an activity may go unrecorded (R-04)."""

    EXPLOSION_HAZARD = "explosion_hazard", _("易燃易爆场所且无防爆型记录仪")
    SECRECY = "secrecy", _("涉及国家秘密、商业秘密或个人隐私")
    EMERGENCY = "emergency", _("紧急情况")
    OTHER_OBJECTIVE = "other_objective", _("其他客观原因")


class ContentTag(models.TextChoices):
    """What a recording shows (摄录要点, R-10): the 13 items and, where there is a violation,
    people's words and acts and the physical evidence."""

    UNIT_SIGN = "unit_sign", _("被检查单位名称标识或建筑外观")
    BRIEFING = "briefing", _("表明身份、告知事项")
    INSPECTION = "inspection", _("检查应检查的场所、部位")
    FINDINGS_TALK = "findings_talk", _("告知检查发现的问题")
    QUESTIONING = "questioning", _("询问调查")
    SIGNING = "signing", _("笔录等文书签字")
    PHOTO_EVIDENCE = "photo_evidence", _("无法提取原物的拍照取证")
    VIDEO_EVIDENCE = "video_evidence", _("无法提取原物的录像取证")
    SUMMARY_PENALTY = "summary_penalty", _("有争议的当场处罚")
    SERVICE_LEFT = "service_left", _("留置送达")
    SERVICE_NOTICE = "service_notice", _("公告送达")
    REINSPECTION = "reinspection", _("复查")
    OTHER = "other", _("其他")
    WORDS_AND_ACTS = "words_and_acts", _("当事人言行")
    PHYSICAL_EVIDENCE = "physical_evidence", _("现场物证及痕迹")
    # Incidents whose recordings are kept for ever (R-14; settings.RETENTION_CLASSES).
    OBSTRUCTION = "obstruction", _("阻碍执法、妨害公务")
    MAJOR_EMERGENCY = "major_emergency", _("重大突发事件")
    MASS_INCIDENT = "mass_incident", _("群体性事件")
