"""Violation cases (R-21, R-22): a finding or a review becomes a case in one step with its
evidence; the procedure's order, deadline and one extension; each person's own sanction; the
oversight office's criticism before closing; a suspension blocks issuing a recorder and opening
an activity, naming the decision; the ledger records every step."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bodycam.accountability import violations
from bodycam.accountability.models import CaseState, Part, Sanction
from bodycam.accountability.standing import merit_ineligible, suspension_of
from bodycam.accountability.violations import Decided, Share
from bodycam.accounts.roles import Role
from bodycam.activities import lifecycle
from bodycam.compliance.models import Finding, Rule, Status
from bodycam.devices.models import Device
from bodycam.devices.registry import issue_device, register_device
from bodycam.ledger.models import LedgerEntry
from bodycam.lib import wallclock
from bodycam.lib.errors import Refused
from bodycam.supervision import reviews
from tests.factories import UserFactory


@pytest.fixture
def oversight(db):
    return UserFactory(username="bwb", roles=[Role.OVERSIGHT])


@pytest.fixture
def case(people):
    shares = [Share(people["wang"], Part.HANDLER), Share(people["li"], Part.REVIEWER)]
    return violations.open_case(people["sup_c"], "not_recorded", "询问过程未录像", shares)


def decided(case, people, wang=Sanction.SUSPENSION, li=Sanction.SELF_CRITICISM):
    sanctions = {people["wang"].pk: Decided(wang), people["li"].pk: Decided(li)}
    return violations.decide(case, people["head"], "经调查属实", sanctions)


def test_a_review_becomes_a_case_in_one_step_carrying_its_evidence(started, people):
    candidate = started.candidates.filter(sampled=True, reviewer=people["sup_c"]).first()
    answers = {item.key: reviews.Given("pass") for item in reviews.review_items()}
    answers["recorded"] = reviews.Given("fail", "询问过程未录像")
    review = reviews.submit_review(candidate, people["sup_c"], answers)
    case = violations.open_from_review(review, people["sup_c"], "not_recorded")
    assert list(case.reviews.all()) == [review]
    assert case.facts == "询问过程未录像"
    assert case.responsibilities.get().person == candidate.recording.officer
    assert case.deadline - case.opened_at == timedelta(days=30)
    entry = LedgerEntry.objects.filter(subject_kind="violationcase").get()
    assert entry.payload["event"] == "opened" and entry.payload["reviews"] == [review.pk]


def test_a_finding_becomes_a_case_and_is_marked_escalated(people):
    finding = Finding.objects.create(
        rule=Rule.LATE_UPLOAD, requirement="R-13", key="x", subject_kind="recording",
        subject_id="1", officer=people["wang"], severity=2, found_at=timezone.now(),
        updated_at=timezone.now(),
    )  # fmt: skip
    case = violations.open_from_finding(finding, people["sup_c"], "lost")
    finding.refresh_from_db()
    assert finding.status == Status.ESCALATED
    assert list(case.findings.all()) == [finding]
    assert case.responsibilities.get().person == people["wang"]


def test_each_person_gets_their_own_sanction_and_the_procedure_runs_in_order(
    case, people, oversight
):
    violations.take_statement(case, people["sup_c"], "当时记录仪电量耗尽")
    with pytest.raises(Refused) as refused:
        violations.notify(case, people["sup_c"])
    assert refused.value.code == "wrong_state"
    decided(case, people, wang=Sanction.PUBLIC_CRITICISM, li=Sanction.NONE)
    shares = {s.person.username: s.sanction for s in case.responsibilities.all()}
    assert shares == {"wang": Sanction.PUBLIC_CRITICISM, "li": Sanction.NONE}
    violations.notify(case, people["sup_c"])
    with pytest.raises(Refused) as refused:
        violations.close_case(case, people["sup_c"], "结案")
    assert refused.value.code == "criticism_pending"
    share = case.responsibilities.get(person=people["wang"])
    with pytest.raises(Refused):
        violations.issue_criticism(share, people["sup_c"], "通报")
    violations.issue_criticism(share, oversight, "对王某未按规定记录予以通报批评")
    violations.close_case(case, people["sup_c"], "已按决定执行完毕")
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    events = [e.payload["event"] for e in LedgerEntry.objects.filter(
        subject_kind="violationcase").order_by("seq")]  # fmt: skip
    assert events == ["opened", "statement", "decided", "notified", "criticism", "closed"]


def test_the_deadline_extends_once_by_thirty_days(case, people):
    first = case.deadline
    violations.extend_deadline(case, people["head"], "需调取外单位材料")
    case.refresh_from_db()
    assert case.deadline - first == timedelta(days=30)
    with pytest.raises(Refused) as refused:
        violations.extend_deadline(case, people["head"], "再延")
    assert refused.value.code == "already_extended"


def test_a_decision_must_name_every_person(case, people):
    with pytest.raises(Refused) as refused:
        violations.decide(case, people["head"], "属实", {people["wang"].pk: Decided("suspension")})
    assert refused.value.code == "sanctions_missing"
    assert case.responsibilities.filter(sanction="").count() == 2


def test_only_the_roles_that_do_each_step_may(case, people):
    steps = [
        lambda: violations.take_statement(case, people["wang"], "陈述"),
        lambda: violations.decide(case, people["sup_c"], "属实", {}),
        lambda: violations.extend_deadline(case, people["sup_a"], "延期"),
    ]
    for step in steps:
        with pytest.raises(Refused) as refused:
            step()
        assert refused.value.http_status == 403
    with pytest.raises(Refused) as refused:
        violations.open_case(people["sup_c"], "other", "事实", [Share(people["sup_c"])])
    assert refused.value.code == "own_case"


def test_a_suspension_blocks_issuing_a_recorder_and_opening_an_activity(case, people):
    decided(case, people)
    share = suspension_of(people["wang"])
    today = wallclock.local_day()
    assert share.suspended_from == today and share.suspended_until == today + timedelta(days=6)
    custodian = UserFactory(username="keeper", roles=[Role.CUSTODIAN])
    device = register_device("TA99001", custodian, None, manufacturer="厂", model="V9")
    with pytest.raises(Refused) as refused:
        issue_device(device, people["wang"], custodian)
    assert refused.value.code == "suspended"
    assert case.number in refused.value.text() and "停止执法工作" in refused.value.text()
    assert Device.objects.get(pk=device.pk).current_issue is None
    with pytest.raises(Refused) as refused:
        lifecycle.open_activity("investigation", [people["wang"]], timezone.now(), people["wang"])
    assert refused.value.code == "suspended"
    issue_device(device, people["li"], custodian)  # li was only told to write a self-criticism
    week_later = timezone.now() + timedelta(days=8)
    assert suspension_of(people["wang"], wallclock.local_day(week_later)) is None


def test_a_third_fault_in_a_year_is_aggravating(people):
    for n in range(3):
        case = violations.open_case(
            people["sup_c"], "other", f"第{n + 1}次", [Share(people["wang"])]
        )
        violations.decide(case, people["head"], "属实",
                          {people["wang"].pk: Decided(Sanction.SELF_CRITICISM)})  # fmt: skip
        case.refresh_from_db()
    assert case.aggravating
    assert violations.faults_this_year(people["wang"]) == 3


def test_merit_eligibility_is_lost_for_the_year(case, people):
    decided(case, people, wang=Sanction.MERIT_LOSS)
    assert merit_ineligible(people["wang"])
    assert not merit_ineligible(people["li"])
