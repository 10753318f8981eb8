"""The roles the regulation names, and the ONE map from roles to permissions.

Pages, API and CLI ask `user.has_perm(...)`, which our auth backend answers from this map alone.
Being a Django superuser or an administrator grants no access to recordings (hard rule 2):
an administrator manages people and settings, nothing else.
"""

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("执法人员")
    CUSTODIAN = "custodian", _("保管员")
    RECORDS_OFFICE = "records_office", _("综合科")
    HEAD = "head", _("主要负责人")
    SUPERVISOR = "supervisor", _("督察人员")
    OVERSIGHT = "oversight", _("编委办")
    AUDITOR = "auditor", _("审计人员")
    SECRECY_OFFICER = "secrecy_officer", _("保密员")
    ADMINISTRATOR = "administrator", _("系统管理员")


# Permissions every signed-in person has.
EVERYONE: frozenset[str] = frozenset(
    {"accounts.view_self", "accounts.add_apitoken", "access.add_viewingrequest"}
)

# Roles that see or approve content, or manage who may: granting one takes effect only when a
# second person confirms it (the head; for the head's role another administrator).
CONFIRMED_ROLES: frozenset[str] = frozenset(
    {
        Role.HEAD,
        Role.RECORDS_OFFICE,
        Role.SUPERVISOR,
        Role.AUDITOR,
        Role.SECRECY_OFFICER,
        Role.ADMINISTRATOR,
    }
)

# Seeing the whole registry and every activity: the roles that oversee the work.
_OVERSEE = frozenset(
    {
        "accounts.view_user",
        "accounts.view_unit",
        "devices.view_device",
        "activities.view_all_activities",
        "recordings.view_recording",  # the facts about recordings, never their content
    }
)

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.OFFICER: frozenset(
        {
            "devices.check_device",  # the devices they carry
            "activities.add_enforcementactivity",
            "activities.add_exemption",
        }
    ),
    Role.CUSTODIAN: frozenset(
        {
            "devices.view_device",
            "devices.add_device",
            "devices.change_device",
            "devices.issue_device",
            "devices.check_device",
            "devices.add_maintenancerecord",
            "devices.import_devices",
            "accounts.view_user",
            "access.view_viewingrequest",  # the viewing register they keep
            "access.register_viewingrequest",
        }
    ),
    Role.RECORDS_OFFICE: _OVERSEE
    | {
        "recordings.ingest_recording",
        "recordings.change_recording",
        "activities.correct_activity",  # with a reason; the ledger keeps what it replaced
        "recordings.change_secrecy",
        "access.view_viewingrequest",
        "access.register_viewingrequest",
        "access.file_outside_request",  # for 公安, 检察院, 法院 … with their letter
        "access.take_copies",
        "compliance.view_finding",  # unlinked and damaged recordings are theirs to resolve
        "evidence.view_case",
        "evidence.add_case",
        "evidence.change_case",  # case files and the evidence in them
        "evidence.extract_evidence",  # evidence discs, under an approved grant
        "retention.view_hold",
        "retention.add_hold",
        "retention.view_disposalbatch",
        "retention.approve_disposalbatch",  # one of the two approvals of a disposal
        "reports.view_dashboard",
    },
    Role.HEAD: _OVERSEE
    | {
        "ledger.view_all_entries",
        "access.view_viewingrequest",
        "access.approve_viewingrequest",
        "recordings.change_secrecy",
        "recordings.decide_mistaken_upload",
        "compliance.view_finding",
        "compliance.decide_finding",
        "evidence.view_case",
        "retention.view_hold",
        "retention.add_hold",
        "retention.view_disposalbatch",
        "retention.approve_disposalbatch",  # the other approval of a disposal
        "supervision.view_campaign",
        "supervision.start_campaign",  # which is the reviewers' viewing approval (R-16, R-20)
        "accountability.view_violationcase",
        "accountability.decide_violationcase",  # the sanctions
        "reports.view_dashboard",
    },
    Role.SUPERVISOR: _OVERSEE
    | {
        "access.take_copies",
        "compliance.view_finding",
        "compliance.decide_finding",
        "evidence.view_case",
        "retention.view_hold",
        "retention.add_hold",  # a spot check in progress holds what it samples
        "supervision.view_campaign",
        "supervision.add_campaign",
        "supervision.add_review",
        "accountability.view_violationcase",
        "accountability.add_violationcase",  # opens and carries cases
        "reports.view_dashboard",
    },
    Role.OVERSIGHT: frozenset(
        {
            "accounts.view_user",
            "accounts.view_unit",
            "activities.review_exemption",
            "accountability.view_violationcase",
            "accountability.issue_criticism",  # 市编委办通报批评
        }
    ),
    Role.AUDITOR: _OVERSEE
    | {
        "ledger.view_all_entries",
        "ledger.verify",
        "access.view_viewingrequest",
        "compliance.view_finding",
        "evidence.view_case",
        "retention.view_hold",
        "retention.view_disposalbatch",
        "supervision.view_campaign",
        "accountability.view_violationcase",
        "reports.view_dashboard",
    },
    # Approves viewing of recordings above the ordinary secrecy level (R-19; the access app).
    Role.SECRECY_OFFICER: frozenset(
        {
            "accounts.view_user",
            "accounts.view_unit",
            "recordings.view_recording",
            "recordings.change_secrecy",
            "access.view_viewingrequest",
            "access.approve_secrecy",
            "accounts.change_clearance",
        }
    ),
    Role.ADMINISTRATOR: frozenset(
        {
            "accounts.view_user",
            "accounts.add_user",
            "accounts.change_user",
            "accounts.import_users",
            "accounts.view_unit",
            "accounts.add_unit",
            "accounts.change_unit",
            "accounts.view_apitoken",
            "accounts.revoke_apitoken",
            "accounts.view_rolegrant",
            "devices.view_device",
            "devices.import_devices",
        }
    ),
}

# What each role does next, shown on the home page (the regulation article in brackets).
ROLE_GUIDANCE: dict[str, Promise] = {
    Role.OFFICER: _(
        "出勤前向保管员领用执法记录仪并完成使用前检查（电量、存储、时钟，R-07）；到达现场即开启执法活动，"
        "先说告知用语，全程不间断录像（R-08、R-09）；当日返回后把记录仪交综合科采集入库（R-13）。"
    ),
    Role.CUSTODIAN: _(
        "登记和保管本人负责的执法记录仪，办理发放与归还，记录维修和更换（R-05）；"
        "查阅经批准后，在查阅登记簿登记查阅人、事由和时间（R-16）。"
    ),
    Role.RECORDS_OFFICE: _(
        "每天接收执法人员交来的记录仪，把当日音像记录采集入库（R-13）；"
        "处理未关联到执法活动的记录和无法识别的设备或警号（R-02）。"
    ),
    Role.HEAD: _(
        "审批查阅申请（R-16、R-17）和对外提供（R-18）；作为第一责任人掌握设备和记录的整体情况（R-05）。"
    ),
    Role.SUPERVISOR: _(
        "按比例抽查音像记录并评分：是否按要求记录、是否连续、移交和管理使用是否规范（R-20）；"
        "发现问题时登记执法过错（R-21）。"
    ),
    Role.OVERSIGHT: _(
        "审阅执法人员报送的不予记录情形工作记录并签收或退回（R-04）；对执法过错予以通报批评（R-22）。"
    ),
    Role.AUDITOR: _(
        "查阅监管链日志并核验其完整性：每条记录都可以离线验证，任何删改都会被发现（R-11、R-18）。"
    ),
    Role.SECRECY_OFFICER: _(
        "涉及国家秘密、商业秘密或个人隐私的音像记录，查阅须经保密员再次审批（R-19）。"
    ),
    Role.ADMINISTRATOR: _(
        "管理用户、单位和角色；授予能查看或审批内容的角色须由第二人确认后生效。"
        "系统管理员不因此获得查看音像记录的权限：查看同样需要批准（R-16）。"
    ),
}


def permissions_for_roles(roles: set[str]) -> frozenset[str]:
    """All permissions that the given roles carry, including those everyone has."""
    granted = set(EVERYONE)
    for role in roles:
        granted |= ROLE_PERMISSIONS.get(role, frozenset())
    return frozenset(granted)
