"""Appends from several connections at once: gap-free numbers and a tree that verifies."""

import threading

import pytest
from django.db import close_old_connections, transaction

from bodycam.ledger import heads
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action, LedgerEntry
from bodycam.ledger.verification import verify_ledger

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS, EACH = 4, 40


def _writer(number: int, errors: list) -> None:
    try:
        for i in range(EACH):
            with transaction.atomic():  # a domain transaction around each append
                record(Action.VIEW, None, None, writer=number, i=i)
    except Exception as exc:  # reported to the test, which fails on any
        errors.append(exc)
    finally:
        close_old_connections()


def test_four_concurrent_writers_produce_gap_free_numbers_and_a_verifiable_tree():
    errors: list = []
    threads = [threading.Thread(target=_writer, args=(n, errors)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    seqs = list(LedgerEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(WRITERS * EACH))
    per_writer = {n: [] for n in range(WRITERS)}
    for entry in LedgerEntry.objects.order_by("seq"):
        per_writer[entry.payload["writer"]].append(entry.payload["i"])
    assert all(order == list(range(EACH)) for order in per_writer.values())
    heads.sign_head()
    report = verify_ledger()
    assert report.ok, report.problems
    assert report.entries == WRITERS * EACH
