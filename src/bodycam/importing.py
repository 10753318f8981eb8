"""The page flow every spreadsheet import shares: upload -> dry run listing each row's problem
-> confirm -> all rows or none. The rules live in each app's imports.py.

The file is not kept on the server between the dry run and the confirmation (a user import
carries initial passwords): the user chooses it again to confirm, and only the same file, by
SHA-256, is accepted.
"""

import hashlib
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from bodycam.lib.errors import Refused
from bodycam.lib.spreadsheets import MAX_BYTES, ImportPlan, read_table


def import_page(
    request: HttpRequest,
    *,
    plan: Callable[[Any], ImportPlan],
    apply: Callable[[ImportPlan, Any], Any],
    applied: Callable[[HttpRequest, Any], HttpResponse],
    template: str,
) -> HttpResponse:
    """Handle one request of an import page; `applied` answers once rows were written."""
    assert request.resolver_match is not None  # a view runs once its URL was resolved
    key = f"import:{request.resolver_match.view_name}"
    if request.method != "POST":
        return render(request, template)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择要导入的 Excel 或 CSV 文件。"))
        return render(request, template)
    if upload.size is not None and upload.size > MAX_BYTES:  # read_table checks the bytes too
        messages.error(request, _("文件超过 5 MB，请拆分后分批导入。"))
        return render(request, template)
    data = upload.read()
    digest = hashlib.sha256(data).hexdigest()
    confirming = "confirm" in request.POST
    if confirming and request.session.get(key) != digest:
        messages.error(request, _("确认导入时请选择刚才预检的同一个文件。"))
        return render(request, template)
    try:
        checked = plan(read_table(data, upload.name or ""))
        if confirming:
            result = apply(checked, request.user)
            request.session.pop(key, None)
            return applied(request, result)
    except Refused as refusal:
        messages.error(request, refusal.text())
        return render(request, template)
    request.session[key] = digest
    return render(request, template, {"plan": checked, "name": upload.name})
