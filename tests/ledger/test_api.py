"""The ledger API: who reads what, proofs that verify, checkpoint and key in standard forms."""

import base64

import pytest

from bodycam.ledger import heads
from bodycam.ledger.entries import Subject, record
from bodycam.ledger.models import Action, LedgerEntry
from bodycam.ledger.verify_offline import (
    leaf_hash,
    parse_checkpoint,
    verify_consistency,
    verify_inclusion,
    verify_note,
)

pytestmark = pytest.mark.django_db


def _b(text: str) -> bytes:
    return base64.b64decode(text)


def test_auditor_reads_every_entry_and_officer_only_their_own(api, auditor, officer, head):
    mine = record(Action.VIEW, Subject("recording", "1"), officer)
    record(Action.VIEW, Subject("recording", "2"), head)
    api.force_authenticate(auditor)
    assert api.get("/api/v1/ledger/entries/").json()["count"] == LedgerEntry.objects.count()
    api.force_authenticate(officer)
    seen = {e["seq"] for e in api.get("/api/v1/ledger/entries/").json()["results"]}
    assert mine.seq in seen
    assert all(
        LedgerEntry.objects.get(seq=s).actor_id == officer.pk
        or LedgerEntry.objects.get(seq=s).subject_id == str(officer.pk)
        for s in seen
    )
    other = LedgerEntry.objects.filter(actor_id=head.pk).first().seq
    assert api.get(f"/api/v1/ledger/entries/{other}/").status_code == 404


def test_entries_filter_by_action_subject_actor_and_time(api, auditor, officer):
    record(Action.EXPORT, Subject("recording", "9", "cd" * 32), officer)
    api.force_authenticate(auditor)
    for query in ("action=export", "subject_kind=recording&subject_id=9", "actor=JX0227",
                  f"sha256={'CD' * 32}", "since=2000-01-01&until=2999-12-31"):  # fmt: skip
        results = api.get(f"/api/v1/ledger/entries/?{query}").json()["results"]
        assert Action.EXPORT in {r["action"] for r in results}, query
    assert api.get("/api/v1/ledger/entries/?action=export&until=2000-01-01").json()["count"] == 0
    bad = api.get("/api/v1/ledger/entries/?since=yesterday")
    assert bad.status_code == 400 and "yesterday" in bad.json()["detail"]


def test_an_entry_carries_its_leaf_hash_and_canonical_bytes(api, auditor):
    entry = record(Action.VIEW, None, None, reason="复核")
    api.force_authenticate(auditor)
    body = api.get(f"/api/v1/ledger/entries/{entry.seq}/").json()
    assert _b(body["leaf_hash"]) == leaf_hash(body["canonical"].encode("utf-8"))
    assert body["payload"] == {"reason": "复核"}


def test_inclusion_proof_verifies_against_the_signed_checkpoint(api, auditor):
    for i in range(40):
        record(Action.VIEW, None, None, i=i)
    heads.sign_head()
    api.force_authenticate(auditor)
    body = api.get("/api/v1/ledger/proof/inclusion?seq=17").json()
    checkpoint = parse_checkpoint(verify_note(body["checkpoint"], heads.verifier_key()))
    proof = [_b(h) for h in body["proof"]]
    verify_inclusion(_b(body["leaf_hash"]), 17, checkpoint.size, proof, checkpoint.root_hash)


def test_consistency_proof_links_two_checkpoints(api, auditor):
    for i in range(10):
        record(Action.VIEW, None, None, i=i)
    old = heads.sign_head()
    for i in range(25):
        record(Action.VIEW, None, None, i=i)
    new = heads.sign_head()
    api.force_authenticate(auditor)
    url = f"/api/v1/ledger/proof/consistency?first={old.tree_size}&second={new.tree_size}"
    proof = [_b(h) for h in api.get(url).json()["proof"]]
    verify_consistency(
        old.tree_size, new.tree_size, proof, bytes(old.root_hash), bytes(new.root_hash)
    )


@pytest.mark.parametrize(
    "query",
    [("seq=abc", 400), ("seq=5&tree_size=3", 400), ("seq=0&tree_size=99999", 400), ("seq=99", 404)],
)
def test_bad_proof_requests_are_refused_with_a_message(api, auditor, query):
    query, status = query
    for i in range(8):
        record(Action.VIEW, None, None, i=i)
    heads.sign_head()
    api.force_authenticate(auditor)
    response = api.get(f"/api/v1/ledger/proof/inclusion?{query}")
    assert response.status_code == status
    assert response.json()


def test_checkpoint_is_served_as_plain_text_exactly_as_signed(api, officer):
    record(Action.VIEW, None, None)
    head = heads.sign_head()
    api.force_authenticate(officer)
    response = api.get("/api/v1/ledger/checkpoint")
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == head.note
    assert api.get("/api/v1/ledger/heads/").json()["results"][0]["tree_size"] == head.tree_size


def test_public_key_is_served_as_pem_and_verifier_key(api, officer, settings):
    api.force_authenticate(officer)
    body = api.get("/api/v1/ledger/public-key").json()
    assert body["pem"].startswith("-----BEGIN PUBLIC KEY-----")
    assert body["verifier_key"].startswith(f"{settings.INSTALLATION_NAME}+")
    pem = api.get("/api/v1/ledger/public-key?form=pem")
    assert pem.content.decode() == body["pem"]
    assert b"PRIVATE" not in pem.content


def test_only_auditors_start_a_verification_and_it_is_recorded(api, officer, auditor):
    api.force_authenticate(officer)
    assert api.post("/api/v1/ledger/verify").status_code == 403
    api.force_authenticate(auditor)
    response = api.post("/api/v1/ledger/verify")
    assert response.status_code == 200 and response.json()["ok"] is True
    entry = LedgerEntry.objects.get(seq=response.json()["recorded_as"])
    assert entry.action == Action.VERIFICATION and entry.actor_id == auditor.pk


def test_only_auditors_sign_on_demand(api, officer, auditor):
    record(Action.VIEW, None, None)
    api.force_authenticate(officer)
    assert api.post("/api/v1/ledger/heads/").status_code == 403
    api.force_authenticate(auditor)
    assert api.post("/api/v1/ledger/heads/").status_code == 201
