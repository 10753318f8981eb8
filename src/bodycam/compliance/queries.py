"""Filtering findings the same way in the inbox and the API."""

from typing import Any

from django.db.models import Q, QuerySet

from bodycam.compliance.models import Finding
from bodycam.lib.parsing import day_bound, filter_by_id

FILTERS = ("rule", "status", "officer", "unit", "since", "until", "activity", "recording", "q")


def filter_findings(findings: QuerySet[Finding], params: Any) -> QuerySet[Finding]:
    """Filters present in `params`; a bad date is Refused, an id that is no id matches none."""
    if value := (params.get("q") or "").strip():  # the search box: a name, badge or words
        findings = findings.filter(
            Q(officer__full_name__icontains=value) | Q(officer__badge_number__iexact=value)
            | Q(explanation__icontains=value) | Q(activity__subject_name__icontains=value)
        )  # fmt: skip
    if value := params.get("rule"):
        findings = findings.filter(rule=value)
    if value := params.get("status"):
        findings = findings.filter(status=value)
    if value := params.get("officer"):
        findings = findings.filter(Q(officer__badge_number=value) | Q(officer__username=value))
    if value := params.get("unit"):
        findings = filter_by_id(findings, "officer__unit_id", value)
    if value := params.get("since"):
        findings = findings.filter(found_at__gte=day_bound(value, end=False))
    if value := params.get("until"):
        findings = findings.filter(found_at__lte=day_bound(value, end=True))
    if value := params.get("activity"):
        findings = filter_by_id(findings, "activity_id", value)
    if value := params.get("recording"):
        findings = filter_by_id(findings, "recording_id", value)
    return findings
