"""Pages of the device registry: list, detail with history, register, issue, return, check."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bodycam.accounts.models import Unit, User
from bodycam.devices import checks, registry, states
from bodycam.devices.forms import (
    CheckForm,
    CorrectionForm,
    DeviceForm,
    IssueForm,
    MaintenanceForm,
    ReasonForm,
)
from bodycam.devices.models import Device, DeviceStatus
from bodycam.devices.queries import FILTERS, filter_devices
from bodycam.ledger.history import custody_history
from bodycam.lib.access import AuthenticatedHttpRequest, permission_required
from bodycam.lib.api import restricted_object
from bodycam.lib.errors import Refused


def _device(request: AuthenticatedHttpRequest, pk: int, action: str) -> Device:
    return restricted_object(Device.objects, request.user, action, pk)


@login_required
def device_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    devices = Device.objects.restrict(request.user).select_related("custodian", "unit")
    page = Paginator(filter_devices(devices, request.GET), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "devices/list.html",
        {
            "page": page,
            "filters": {name: request.GET.get(name, "") for name in FILTERS},
            "statuses": DeviceStatus.choices,
            "units": Unit.objects.all(),
        },
    )


@login_required
def device_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    device = _device(request, pk, "view")
    check = device.latest_check
    may_issue = Device.objects.restrict(request.user, "issue").filter(pk=pk).exists()
    may_change = Device.objects.restrict(request.user, "change").filter(pk=pk).exists()
    return render(
        request,
        "devices/detail.html",
        {
            "device": device,
            "current_issue": device.current_issue,
            "check": check,
            "problems": [checks.describe(p) for p in check.problems] if check else [],
            "may_issue": may_issue,
            "may_check": Device.objects.restrict(request.user, "check").filter(pk=pk).exists(),
            "issue_form": IssueForm() if may_issue else None,
            "maintenance_form": MaintenanceForm(user=request.user) if may_issue else None,
            "may_change": may_change,
            "reason_form": ReasonForm(),
            "correction_form": CorrectionForm.of(device) if may_change else None,
            "usable": device.status in USABLE,
            "issues": device.issues.select_related("officer", "issued_by", "returned_by"),
            "checks": device.checks.select_related("checked_by")[:20],
            "maintenance": device.maintenance.select_related("recorded_by", "replacement"),
            "entries": custody_history(request.user, device),
        },
    )


@permission_required("devices.add_device")
def device_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DeviceForm(request.POST or None, initial={"custodian": request.user.pk})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        serial, custodian = data.pop("serial"), data.pop("custodian")
        try:
            device = registry.register_device(serial, custodian, request.user, **data)
        except Refused as refusal:
            form.add_error(None, refusal.text())
        else:
            messages.success(request, _("已登记记录仪 %(serial)s。") % {"serial": device.serial})
            return redirect("device", pk=device.pk)
    return render(request, "devices/new.html", {"form": form})


def _act(request: HttpRequest, device: Device, work, done: str) -> HttpResponse:
    try:
        work()
    except Refused as refusal:
        messages.error(request, refusal.text())
    else:
        messages.success(request, done)
    return redirect("device", pk=device.pk)


@require_POST
@login_required
def device_issue(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    device = _device(request, pk, "issue")
    form = IssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择领用人。"))
        return redirect("device", pk=pk)
    officer: User = form.cleaned_data["officer"]
    reason = form.cleaned_data["override_reason"]
    done = _("已发放给 %(name)s。") % {"name": officer.display_name}
    return _act(
        request, device, lambda: registry.issue_device(device, officer, request.user, reason), done
    )


@require_POST
@login_required
def device_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    device = _device(request, pk, "issue")
    comment = request.POST.get("comment", "")
    return _act(
        request,
        device,
        lambda: registry.return_device(device, request.user, comment),
        _("已归还。"),
    )


@require_POST
@login_required
def device_maintenance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    device = _device(request, pk, "change")
    form = MaintenanceForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("请填写维护类别和说明。"))
        return redirect("device", pk=pk)
    data = form.cleaned_data
    return _act(
        request,
        device,
        lambda: registry.record_maintenance(
            device, data["kind"], data["description"], request.user, data["replacement"]
        ),
        _("已登记维护记录。"),
    )


# Statuses in which a recorder can go out to film.
USABLE = (DeviceStatus.IN_STOCK, DeviceStatus.ISSUED)


def _with_reason(request: AuthenticatedHttpRequest, pk: int, change, done: str) -> HttpResponse:
    device = _device(request, pk, "change")
    reason = ReasonForm(request.POST).data.get("reason", "")
    return _act(request, device, lambda: change(device, reason, request.user), done)


@require_POST
@login_required
def device_lost(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _with_reason(request, pk, states.mark_lost, _("已登记遗失。"))


@require_POST
@login_required
def device_found(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _with_reason(request, pk, states.mark_found, _("已登记找回，记录仪回到在库状态。"))


@require_POST
@login_required
def device_correct(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    device = _device(request, pk, "change")
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请检查填写的内容：购置日期应为有效日期，理由必填。"))
        return redirect("device", pk=pk)
    changes = dict(form.cleaned_data)
    reason = changes.pop("reason")
    return _act(
        request, device, lambda: states.correct_device(device, reason, request.user, **changes),
        _("已更正台账信息，原信息保留在监管链日志中。"),
    )  # fmt: skip


@login_required
def device_check(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    device = _device(request, pk, "check")
    form = CheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            check = checks.record_check(device, form.reading(), request.user)
        except Refused as refusal:
            form.add_error(None, refusal.text())
        else:
            if check.passed:
                messages.success(request, _("使用前检查通过，可以开始执法记录。"))
            else:
                problems = "；".join(checks.describe(p) for p in check.problems)
                messages.error(
                    request,
                    _("使用前检查未通过：%(problems)s。请处理后重新检查。")
                    % {"problems": problems},
                )
            return redirect("device", pk=pk)
    return render(request, "devices/check.html", {"device": device, "form": form})


@login_required
def my_devices(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The devices the signed-in officer carries or keeps: one tap to check them."""
    devices = Device.objects.filter(
        Q(issues__officer=request.user, issues__returned_at__isnull=True)
        | Q(custodian=request.user)
    ).distinct()
    return render(request, "devices/mine.html", {"devices": devices})
