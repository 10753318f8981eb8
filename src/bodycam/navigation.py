"""The navigation bar: one list, each item shown to those who hold its permission."""

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


class NavItem:
    """A link shown to users holding any one of its permissions (none given: everyone), unless
    they hold `unless` (who then sees another item for the same page)."""

    def __init__(
        self, label: str | Promise, url_name: str, *permissions: str, count: str = "",
        unless: str = "",
    ) -> None:  # fmt: skip
        self.label, self.url_name, self.permissions = label, url_name, permissions
        self.count = count  # dotted path of a function(user) -> int shown beside the label
        self.unless = unless

    def visible_to(self, user) -> bool:
        if self.unless and user.has_perm(self.unless):
            return False
        return not self.permissions or any(user.has_perm(p) for p in self.permissions)


NAVIGATION: list[NavItem] = [
    NavItem(_("首页"), "home", count="bodycam.access.queue.open_count"),
    NavItem(_("我的记录仪"), "my-devices", "devices.check_device"),
    NavItem(
        _("执法活动"),
        "activities",
        "activities.add_enforcementactivity",
        "activities.view_all_activities",
    ),
    NavItem(_("记录仪台账"), "devices", "devices.view_device"),
    NavItem(_("音像记录"), "recordings", "recordings.view_recording"),
    NavItem(
        _("我的音像记录"),
        "recordings",
        "activities.add_enforcementactivity",
        unless="recordings.view_recording",
    ),
    NavItem(_("上传"), "upload", "recordings.ingest_recording"),
    NavItem(_("不予记录签收"), "exemptions", "activities.review_exemption"),
    NavItem(
        _("合规问题"), "findings", "compliance.view_finding", "activities.add_enforcementactivity"
    ),
    NavItem(_("查阅申请"), "viewing-requests"),
    NavItem(_("查阅登记簿"), "viewing-register", "access.view_viewingrequest"),
    NavItem(_("统计图表"), "dashboard", "reports.view_dashboard"),
    NavItem(_("抽查"), "campaigns", "supervision.view_campaign"),
    NavItem(_("过错追究"), "violations", "accountability.view_violationcase"),
    NavItem(_("案卷"), "cases", "evidence.view_case"),
    NavItem(_("销毁清单"), "disposal-batches", "retention.view_disposalbatch"),
    NavItem(_("监管链日志"), "ledger", "ledger.view_all_entries"),
    NavItem(_("人员名录"), "people", "accounts.view_user"),
    NavItem(_("单位"), "units", "accounts.change_unit"),
    NavItem(_("帮助"), "help"),
]


def visible_items(user) -> list[dict]:
    """The items `user` may open, with their URLs."""
    if not user.is_authenticated:
        return []
    items = []
    for item in NAVIGATION:
        if not item.visible_to(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        count = import_string(item.count)(user) if item.count else 0
        items.append({"label": item.label, "url": url, "count": count})
    return items


def context(request: HttpRequest) -> dict:
    """Template context: the navigation for the signed-in user."""
    return {"navigation": visible_items(request.user)}
