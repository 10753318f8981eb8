"""Finding activities on the list page and taking the list away as a spreadsheet."""

from collections.abc import Iterator
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from bodycam.activities.models import EnforcementActivity
from bodycam.lib import wallclock


def search(activities: QuerySet[EnforcementActivity], params: Any) -> QuerySet:
    """The list's status filter and search box (unit, place, case number, officer)."""
    if status := params.get("status"):
        activities = activities.filter(status=status)
    if text := (params.get("q") or "").strip():
        activities = activities.filter(
            Q(subject_name__icontains=text) | Q(location__icontains=text)
            | Q(case_number__icontains=text) | Q(officers__full_name__icontains=text)
            | Q(officers__badge_number__iexact=text)
        ).distinct()  # fmt: skip
    return activities


def headers() -> list[str]:
    return [_("编号"), _("活动类型"), _("被检查单位"), _("地点"), _("执法人员"), _("记录仪"),
            _("开始时间（北京时间）"), _("结束时间（北京时间）"), _("外出执法"), _("案件编号"),
            _("状态"), _("补录理由"), _("撤销理由")]  # fmt: skip


def rows(activities: QuerySet[EnforcementActivity]) -> Iterator[list]:
    chosen = activities.prefetch_related("officers", "devices").order_by("-started_at", "-pk")
    for a in chosen.iterator(chunk_size=1000):
        yield [
            a.pk, a.get_type_display(), a.subject_name, a.location,
            "、".join(o.display_name for o in a.officers.all()),
            "、".join(d.serial for d in a.devices.all()),
            wallclock.local(a.started_at).strftime("%Y-%m-%d %H:%M"),
            wallclock.local(a.ended_at).strftime("%Y-%m-%d %H:%M") if a.ended_at else "",
            _("是") if a.away_from_base else _("否"), a.case_number, a.get_status_display(),
            a.late_entry_reason, a.cancel_reason,
        ]  # fmt: skip
