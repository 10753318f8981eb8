"""A person's standing after violation cases (R-22): a decided suspension (停止执法工作一周)
blocks issuing them a recorder and opening an activity with them, naming the decision; a lost
merit eligibility shows on their page and in the people export. Kept apart from the procedure
so that devices, activities and people can ask without importing it."""

from datetime import date

from django.utils.translation import gettext_lazy as _

from bodycam.accountability.models import CaseState, Responsibility, Sanction
from bodycam.accounts.models import User
from bodycam.lib import wallclock
from bodycam.lib.errors import Refused


def suspension_of(person: User, day: date | None = None) -> Responsibility | None:
    """The decided suspension (停止执法工作) `person` is serving on `day` (today), if any."""
    day = day or wallclock.local_day()
    return (
        Responsibility.objects.filter(
            person=person,
            sanction=Sanction.SUSPENSION,
            suspended_from__lte=day,
            suspended_until__gte=day,
        )
        .exclude(case__state=CaseState.INVESTIGATING)
        .select_related("case")
        .first()
    )


SUSPENDED = _(
    "%(name)s 依执法过错追究决定 %(number)s 停止执法工作至 %(until)s（R-22），"
    "期间不能领用记录仪或开展执法活动。"
)


def refuse_if_suspended(person: User, day: date | None = None) -> None:
    """Refused, naming the decision, while `person` serves a suspension."""
    share = suspension_of(person, day)
    if share is not None:
        assert share.suspended_until is not None
        until = share.suspended_until.isoformat()
        raise Refused(SUSPENDED, code="suspended", name=person.display_name,
                      number=share.case.number, until=until)  # fmt: skip


def merit_ineligible(person: User, year: int | None = None) -> bool:
    """Whether a decision took away `person`'s merit eligibility for `year` (this year)."""
    year = year or wallclock.local_day().year
    return Responsibility.objects.filter(
        person=person, sanction=Sanction.MERIT_LOSS, case__decided_at__year=year
    ).exists()


def merit_ineligible_ids(year: int | None = None) -> set[int]:
    """The ids of everyone whose merit eligibility for `year` (this year) was taken away."""
    year = year or wallclock.local_day().year
    return set(
        Responsibility.objects.filter(
            sanction=Sanction.MERIT_LOSS, case__decided_at__year=year
        ).values_list("person_id", flat=True)
    )
