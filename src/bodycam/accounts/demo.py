"""A small demo bureau so that a new user can click through at once. Safe to run twice."""

from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import transaction

from bodycam.accounts.models import Unit, User
from bodycam.accounts.people import add_person
from bodycam.accounts.roles import Role
from bodycam.devices.models import Device
from bodycam.devices.registry import register_device

DEMO_PASSWORD = "demo2026"  # noqa: S105 — printed to the user on purpose; a demo only

UNITS = [
    # code, name, parent code
    ("ZFJ", "综合行政执法局", None),
    ("ZFJ-LD", "局领导", "ZFJ"),
    ("ZFJ-ZHK", "综合科", "ZFJ"),
    ("ZFJ-DD1", "执法一大队", "ZFJ"),
    ("ZFJ-DCS", "督察室", "ZFJ"),
    ("ZFJ-SJ", "审计室", "ZFJ"),
    ("BWB", "市编委办", None),
]

PEOPLE = [
    # username, full name, badge number, unit code, role
    ("head", "王建国", None, "ZFJ-LD", Role.HEAD),
    ("officer", "李明", "JX0227", "ZFJ-DD1", Role.OFFICER),
    ("custodian", "张保管", "JX0101", "ZFJ-DD1", Role.CUSTODIAN),
    ("records", "赵文档", "JX0301", "ZFJ-ZHK", Role.RECORDS_OFFICE),
    ("supervisor", "孙督察", "JX0401", "ZFJ-DCS", Role.SUPERVISOR),
    ("oversight", "周编委", None, "BWB", Role.OVERSIGHT),
    ("auditor", "吴审计", None, "ZFJ-SJ", Role.AUDITOR),
    ("secrecy", "郑保密", None, "ZFJ-ZHK", Role.SECRECY_OFFICER),
    ("admin", "系统管理员", None, "ZFJ-ZHK", Role.ADMINISTRATOR),
]


DEVICES = [("TA00716", "DSJ-V9", False), ("TA00717", "DSJ-V9 防爆型", True)]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str


@transaction.atomic
def create_demo_bureau(password: str = DEMO_PASSWORD) -> list[DemoLogin]:
    """Create the demo units and one user per role; existing ones are left as they are."""
    units: dict[str, Unit] = {}
    for code, name, parent in UNITS:
        units[code], _ = Unit.objects.get_or_create(
            code=code, defaults={"name": name, "parent": units.get(parent) if parent else None}
        )
    logins = []
    for username, full_name, badge, unit_code, role in PEOPLE:
        if not User.objects.filter(username=username).exists():
            add_person(
                username,
                password,
                full_name=full_name,
                badge_number=badge,
                unit=units[unit_code],
                roles=[role],
                via="demo",
                must_change_password=settings.DEMO_MUST_CHANGE_PASSWORD,
            )
        logins.append(DemoLogin(role=str(role), username=username, password=password))
    _demo_devices(User.objects.get(username="custodian"))
    return logins


def _demo_devices(custodian: User) -> None:
    for serial, model, explosion_proof in DEVICES:
        if not Device.objects.filter(serial=serial).exists():
            register_device(serial, custodian, None, manufacturer="演示厂家", model=model,
                            explosion_proof=explosion_proof)  # fmt: skip


def as_dicts(logins: list[DemoLogin]) -> list[dict[str, str]]:
    return [asdict(login) for login in logins]
