"""Login throttling: repeated failures lock the account, or the address, for a while."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from bodycam.accounts.models import LoginFailure
from bodycam.ledger.entries import Subject, record
from bodycam.ledger.models import Action

# An office may share one address, so an address tolerates several people's mistakes.
ADDRESS_FACTOR = 4


@dataclass(frozen=True)
class Lock:
    """Why sign-in is refused, and until when."""

    reason: str  # "account" or "address"
    until: datetime


def _window() -> timedelta:
    return timedelta(minutes=settings.LOGIN_LOCK_MINUTES)


def _lock_from(failures, limit: int, reason: str) -> Lock | None:
    recent = failures.filter(at__gte=timezone.now() - _window())
    if recent.count() < limit:
        return None
    return Lock(reason, recent.aggregate(last=Max("at"))["last"] + _window())


def current_lock(username: str, address: str | None) -> Lock | None:
    """The lock in force for this username or address, if any."""
    limit = settings.LOGIN_FAILURE_LIMIT
    lock = _lock_from(LoginFailure.objects.filter(username=username), limit, "account")
    if lock is None and address:
        failures = LoginFailure.objects.filter(address=address)
        lock = _lock_from(failures, limit * ADDRESS_FACTOR, "address")
    return lock


@transaction.atomic
def note_failure(username: str, address: str | None) -> None:
    """Count one failed sign-in; it is also a ledger entry."""
    LoginFailure.objects.create(username=username, address=address, at=timezone.now())
    record(
        Action.LOGIN_FAILURE,
        Subject("user", username[:64]),
        None,
        username=username,
        address=address,
    )


def clear_failures(username: str) -> None:
    """Forget an account's failures after it signed in successfully."""
    LoginFailure.objects.filter(username=username).delete()


def client_address(request) -> str | None:
    """The address a request came from, as the web server saw it."""
    return request.META.get("REMOTE_ADDR") if request is not None else None
