"""Import and export pages of the device registry (the rules are in imports.py)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from bodycam.devices.imports import apply_device_import, export_devices, plan_device_import
from bodycam.devices.models import Device
from bodycam.devices.queries import filter_devices
from bodycam.importing import import_page
from bodycam.lib.access import permission_required
from bodycam.lib.spreadsheets import XLSX


@permission_required("devices.import_devices")
def device_import(request: HttpRequest) -> HttpResponse:
    def applied(request: HttpRequest, devices: list) -> HttpResponse:
        messages.success(request, _("已导入 %(count)d 台记录仪。") % {"count": len(devices)})
        return redirect("devices")

    return import_page(
        request,
        plan=plan_device_import,
        apply=apply_device_import,
        applied=applied,
        template="devices/import.html",
    )


@require_GET
@permission_required("devices.view_device")
def device_export(request: HttpRequest) -> HttpResponse:
    devices = filter_devices(Device.objects.restrict(request.user), request.GET)
    name = f"devices-{timezone.localdate():%Y%m%d}.xlsx"
    response = HttpResponse(export_devices(devices), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
