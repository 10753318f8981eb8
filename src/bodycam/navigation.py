"""The navigation bar: one list, each item shown to those who hold its permission."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    permission: str | None = None  # None: every signed-in user


NAVIGATION: list[NavItem] = [
    NavItem(_("首页"), "home"),
    NavItem(_("监管链日志"), "ledger", "ledger.view_all_entries"),
    NavItem(_("人员名录"), "people", "accounts.view_user"),
    NavItem(_("用户管理"), "admin:accounts_user_changelist", "accounts.change_user"),
    NavItem(_("接口文档"), "api-docs"),
]


def visible_items(user) -> list[dict]:
    """The items `user` may open, with their URLs."""
    if not user.is_authenticated:
        return []
    items = []
    for item in NAVIGATION:
        if item.permission and not user.has_perm(item.permission):
            continue
        try:
            items.append({"label": item.label, "url": reverse(item.url_name)})
        except NoReverseMatch:
            continue
    return items


def context(request: HttpRequest) -> dict:
    """Template context: the navigation for the signed-in user."""
    return {"navigation": visible_items(request.user)}
