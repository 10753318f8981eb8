"""The help pages (帮助): each role's work step by step, in Chinese first, a screenshot each.

The screenshots are made by the browser suite from these very steps (tests/e2e/test_help.py,
`BODYCAM_HELP_SHOTS=update` writes them into static/bodycam/help/), so a step and its picture
cannot drift apart unnoticed: the suite fails when a step's page no longer opens."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.roles import Role


@dataclass(frozen=True)
class Step:
    title: Promise
    text: Promise
    path: str  # the page shown in the screenshot, in the demo bureau with a day's work

    @property
    def shot(self) -> str:
        """The screenshot's static path: "/recordings/?review=1" → "recordings--review-1"."""
        name = self.path.strip("/") or "home"
        for mark in "/?=":
            name = name.replace(mark, "-")
        return f"bodycam/help/{name}.jpg"


GUIDES: dict[str, list[Step]] = {
    Role.OFFICER: [
        Step(_("出勤前检查记录仪"), _("在“我的记录仪”中找到领用的记录仪，点“做使用前检查”，照实填写电量、剩余存储和记录仪屏幕上的时间（R-07）。"), "/devices/mine/"),
        Step(_("到达现场即开始执法活动"), _("点“开始执法活动”，选活动类型、填被检查单位，勾选本人领用的记录仪。开始录像后先说告知用语（R-08、R-09）。"), "/activities/new/"),
        Step(_("结束、更正或撤销"), _("在活动页面结束活动；填错了可以“更正内容”，误开的可以“撤销”，都要写明理由，原内容保留在记录中。"), "/activities/1/"),
        Step(_("查看我的音像记录"), _("“我的音像记录”列出您拍摄的记录、是否按时移交（R-13）以及关联的执法活动。"), "/recordings/"),
        Step(_("说明合规问题"), _("系统发现的问题（如中断录像）会列在“合规问题”中，请逐条写明原因（R-11）。"), "/compliance/"),
    ],
    Role.CUSTODIAN: [
        Step(_("记录仪台账"), _("登记、查找和导出本单位的执法记录仪；状态一目了然（R-05）。"), "/devices/"),
        Step(_("发放与归还"), _("在记录仪页面选择领用人发放；交回时点“已归还”，确认并可填写备注。"), "/devices/1/"),
    ],
    Role.RECORDS_OFFICE: [
        Step(_("采集入库"), _("用“上传”页面把记录仪中的文件传入系统，断网后可以续传；当天完成（R-13）。"), "/recordings/upload/"),
        Step(_("处理待核实的记录"), _("文件名或时间无法识别的记录标为“待核实”，请核实执法人员、记录仪和真实录制时间并写明依据。"), "/recordings/?review=1"),
        Step(_("误传和关联"), _("在记录页面可以把记录关联到执法活动；不是执法音像记录的文件可提出误传，经主要负责人同意。"), "/recordings/2/"),
        Step(_("案卷与证据光盘"), _("把作为证据的记录归入案卷，按规定制作证据光盘并附文字说明（R-15）。"), "/cases/"),
    ],
    Role.HEAD: [
        Step(_("首页待办"), _("首页列出等您审批的查阅申请、误传和角色授予。"), "/"),
        Step(_("审批查阅申请"), _("查看音像记录须经您批准并登记（R-16）；批准时可限定时间和方式。"), "/access/"),
        Step(_("合规问题"), _("查看各单位的合规问题及说明，决定是否采纳或移交追责。"), "/compliance/"),
        Step(_("批准抽查"), _("督察人员提出的抽查列在首页待办中；批准即公布随机种子、抽取样本，并授权评查人员查看抽中的记录（R-20）。"), "/supervision/"),
        Step(_("作出追究决定"), _("对立案的执法过错，在期限内为每名责任人决定追究方式；期限可延长一次（R-21、R-22）。"), "/accountability/"),
        Step(_("统计图表和月度报告"), _("按单位和期间查看记录、移交、合规、抽查、查阅和追责的统计，每张图旁有数字表，可导出；每月 1 日生成上月的月度报告。"), "/reports/"),
    ],
    Role.SUPERVISOR: [
        Step(_("合规问题"), _("按规则和状态筛选问题，查看证据和说明（R-20）。"), "/compliance/"),
        Step(_("抽查"), _("提出抽查：期间、单位、比例、每人最少条数和评查人员。主要负责人批准后，首页待办列出分配给您的记录：播放、逐项评查、提交（R-20）。"), "/supervision/"),
        Step(_("执法质量考评"), _("按执法人员或单位汇总抽查得分和合规率，可导出 Excel 和 PDF。"), "/supervision/evaluation/"),
        Step(_("执法过错追究"), _("在合规问题或评查页面一步立案；记录陈述、送达决定、结案（R-21）。"), "/accountability/"),
    ],
    Role.OVERSIGHT: [
        Step(_("签收不予记录情形"), _("审阅执法人员报送的未录像情形：同意的确认签收，不充分的退回并写明意见（R-04）。"), "/exemptions/"),
        Step(_("发布通报批评"), _("主要负责人决定通报批评的，首页待办列出；在案件页面填写通报内容并发布（R-22）。"), "/accountability/"),
    ],
    Role.AUDITOR: [
        Step(_("监管链日志"), _("每一次操作都记入监管链日志并签名；可筛选、导出，并立即核验完整性。"), "/ledger/"),
        Step(_("查阅登记簿"), _("每一次查看都有登记：谁、何时、依据哪项批准（R-16）。"), "/access/register/"),
    ],
    Role.SECRECY_OFFICER: [
        Step(_("涉密记录的查阅"), _("涉密的音像记录，查看须经您再次审批（R-19）。"), "/access/"),
    ],
    Role.ADMINISTRATOR: [
        Step(_("人员名录"), _("搜索、导出人员；点姓名打开人员页面，修改信息、角色，重置密码或停用账户。"), "/people/"),
        Step(_("添加人员"), _("填写姓名、警号、单位和角色；系统生成初始密码，只显示一次，本人首次登录时须修改。"), "/people/new/"),
        Step(_("单位"), _("添加和修改单位及其上级单位。"), "/units/"),
    ],
}  # fmt: skip


def guides_for(roles) -> list[tuple[Promise, list[Step]]]:
    """(role name, steps) for each role held, in the order roles are listed."""
    return [(Role(role).label, GUIDES[role]) for role in Role.values if role in roles]
