"""Finding devices and people by what users type: a serial, a badge number, a username."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.models import User
from bodycam.devices.models import Device
from bodycam.devices.registry import clean_serial
from bodycam.lib.errors import Refused


def device_by_serial(serial: str) -> Device:
    """The device with this serial, or Refused naming it."""
    try:
        return Device.objects.get(serial=clean_serial(serial))
    except Device.DoesNotExist:
        raise Refused(_("没有产品序号为 %(serial)s 的记录仪。"), serial=serial) from None


def person(identifier: str) -> User:
    """The active user with this badge number or username, or Refused naming it."""
    text = (identifier or "").strip()
    found = User.objects.filter(Q(badge_number=text) | Q(username=text), is_active=True).first()
    if found is None:
        raise Refused(_("没有警号或用户名为 %(who)s 的在职人员。"), who=identifier)
    return found
