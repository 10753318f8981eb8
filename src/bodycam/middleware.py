"""Middleware that every response passes through: language choice and security headers."""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.translation import get_supported_language_variant, gettext_lazy
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

Handler = Callable[[HttpRequest], HttpResponse]


class ChineseFirstLocaleMiddleware:
    """Pages: zh-hans unless the user chose another language (cookie set by set_language).
    The API (/api/): the language the request asks for in Accept-Language, else zh-hans.

    Unlike Django's LocaleMiddleware the browser's Accept-Language is not consulted for pages:
    the bureau works in Chinese, and an English browser must not turn the pages English by
    surprise. A program, though, says which language it wants its errors in.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def _asked(self, request: HttpRequest) -> str | None:
        for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
            try:
                return get_supported_language_variant(code)
            except LookupError:
                continue
        return None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            chosen = self._asked(request)
        else:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy header (Django 5.2 has none built in)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class DisplayTimeZoneMiddleware:
    """Show times in the bureau's zone (Asia/Shanghai); everything stored stays UTC."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timezone.activate(settings.DISPLAY_TIME_ZONE)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class PasswordChangeRequiredMiddleware:
    """Someone signed in with a password another person chose (an import, a reset): every page
    but their account, sign-out and the language switch sends them to change it first. The API
    is left alone: tokens are not passwords."""

    ALLOWED = frozenset({"account", "account-password", "logout", "set_language"})

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(("/api/", settings.STATIC_URL))
            and self._name(request) not in self.ALLOWED
        ):
            messages.warning(
                request, _("您的密码是他人设定的初始密码，请先修改为只有您知道的密码。")
            )
            return redirect("account")
        return self.get_response(request)

    @staticmethod
    def _name(request: HttpRequest) -> str | None:
        try:
            return resolve(request.path_info).url_name
        except Resolver404:
            return None


NUL_REFUSED = gettext_lazy("提交的内容含有不可见的控制字符（NUL），无法处理。请删除后重试。")
JSON_TYPES = ("application/json",)
BYTES = "/api/v1/uploads/"  # tus: the body is a file's bytes, and the view judges its type


class RefuseNulMiddleware:
    """A NUL character in an address, a query or a submitted form or JSON body is refused with
    a 400 in the user's language, before any view: no database stores it (PostgreSQL refuses
    it in text outright), so it can only be a mistake or a probe."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._carries_nul(request):
            if request.path.startswith("/api/"):
                body = {"code": "nul_character", "detail": str(NUL_REFUSED)}
                return JsonResponse(body, status=400)
            return render(request, "400.html", {"reason": NUL_REFUSED}, status=400)
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return True
        if any("\x00" in key or "\x00" in value for key, value in request.GET.items()):
            return True
        kind = request.content_type or ""
        if request.path.startswith(BYTES):
            return False
        if kind in JSON_TYPES and int(request.META.get("CONTENT_LENGTH") or 0) < 1_000_000:
            return b"\\u0000" in request.body or b"\x00" in request.body
        if kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return any("\x00" in v for values in request.POST.lists() for v in values[1])
        return False  # files and tus uploads are bytes: NULs belong in them
