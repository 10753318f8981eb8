"""The viewing register (查阅登记簿, R-16) as Chinese archive practice keeps it: one row per
registered request, on the page, as .xlsx and as PDF. Every export is a ledger entry."""

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bodycam.access.models import RequestState, ViewingRequest
from bodycam.accounts.models import User
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action
from bodycam.lib import wallclock
from bodycam.lib.parsing import day_bound
from bodycam.lib.pdf import table_document
from bodycam.lib.spreadsheets import write_xlsx
from bodycam.recordings.models import Recording

EXPORT_LIMIT = 10_000
# Column shares of the PDF's width, in the order of headers().
WIDTHS = [6.0, 8, 9, 11, 12, 7, 10, 10, 5, 4, 7, 8, 6, 7]


def headers() -> list[str]:
    return [
        _("登记号"), _("查阅人"), _("单位及证件号/警号"), _("查阅内容"), _("事由及调阅途径"),
        _("申请时间"), _("审批人及意见"), _("查阅起止时间"), _("查阅方式"), _("复制份数"),
        _("介绍信/调阅函编号"), _("身份证件号码"), _("登记人"), _("备注"),
    ]  # fmt: skip


def entries(user: User, params) -> QuerySet[ViewingRequest]:
    """Registered requests (revoked ones too: they were registered), oldest first, filtered
    by ?since= and ?until= (registration day)."""
    rows = ViewingRequest.objects.restrict(user).exclude(number__isnull=True)
    if value := params.get("since"):
        rows = rows.filter(registered_at__gte=day_bound(value, end=False))
    if value := params.get("until"):
        rows = rows.filter(registered_at__lte=day_bound(value, end=True))
    return rows.select_related(
        "requester__unit", "activity", "head_decided_by", "secrecy_decided_by", "registered_by",
        "revoked_by",
    ).prefetch_related(Prefetch("recordings", Recording.objects.only("pk", "original_name"))
    ).order_by("registered_at", "pk")  # fmt: skip


def _time(moment) -> str:
    return wallclock.local(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _what(entry: ViewingRequest) -> str:
    names = [f"{r.pk} {r.original_name}" for r in entry.recordings.all()]
    if entry.activity_id:
        names.insert(0, _("执法活动 %(number)s") % {"number": entry.activity_id})
    return "\n".join(names[:20]) + ("\n…" if len(names) > 20 else "")


def _unit(entry: ViewingRequest) -> str:
    if entry.is_outside:
        return " ".join(filter(None, [entry.get_outside_body_display(), entry.viewer_unit,
                                      entry.viewer_badge]))  # fmt: skip
    requester = entry.requester
    unit = requester.unit.name if requester.unit else ""
    return " ".join(filter(None, [unit, requester.badge_number or ""]))


def _approvers(entry: ViewingRequest) -> str:
    lines = []
    if entry.head_decided_by:
        lines.append(f"{entry.head_decided_by.display_name}：{entry.head_opinion or _('同意')}")
    if entry.secrecy_decided_by:
        name = entry.secrecy_decided_by.display_name
        lines.append(f"{_('保密员')} {name}：{entry.secrecy_opinion or _('同意')}")
    return "\n".join(lines)


def _remarks(entry: ViewingRequest) -> str:
    lines = [entry.remarks] if entry.remarks else []
    if entry.state == RequestState.REVOKED:
        lines.append(
            _("%(at)s 由 %(who)s 撤销：%(why)s")
            % {"at": _time(entry.revoked_at), "who": entry.revoked_by, "why": entry.revoke_reason}
        )
    return "\n".join(lines)


def row(entry: ViewingRequest) -> list[str]:
    return [
        entry.number or "",
        entry.viewer_label,
        _unit(entry),
        _what(entry),
        f"{entry.reason}\n（{entry.get_route_display()}）",
        _time(entry.requested_at),
        _approvers(entry),
        f"{_time(entry.starts_at)} —\n{_time(entry.ends_at)}",
        entry.get_manner_display(),
        str(entry.copies),
        entry.letter_number,
        entry.id_number,
        entry.registered_by.display_name if entry.registered_by else "",
        _remarks(entry),
    ]


def _table(rows: QuerySet[ViewingRequest]) -> list[list[str]]:
    return [row(entry) for entry in rows[:EXPORT_LIMIT]]


def _exported(user: User, data: bytes, fmt: str, count: int) -> bytes:
    """The document, once it exists, entered in the ledger."""
    record(Action.EXPORT, None, user, what="viewing_register", format=fmt, rows=count)
    return data


def register_xlsx(user: User, rows: QuerySet[ViewingRequest]) -> bytes:
    table = _table(rows)
    return _exported(user, write_xlsx(headers(), list(table)), "xlsx", len(table))


def register_pdf(user: User, rows: QuerySet[ViewingRequest]) -> bytes:
    """The register as PDF; NoChineseFont (and nothing recorded) where no font shows Chinese."""
    table = _table(rows)
    subtitle = _("导出时间：%(at)s（北京时间） 导出人：%(who)s 共 %(n)s 条") % {
        "at": _time(timezone.now()), "who": user.display_name, "n": len(table),
    }  # fmt: skip
    data = table_document(_("音像记录查阅登记簿"), subtitle, headers(), table, WIDTHS)
    return _exported(user, data, "pdf", len(table))
