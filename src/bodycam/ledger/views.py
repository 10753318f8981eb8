"""The ledger browser for auditors and the head: entries, a proof, heads, key, last check."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bodycam.ledger import heads, integrity, tree
from bodycam.ledger.entries import entry_bytes
from bodycam.ledger.models import Action, LedgerEntry, SignedHead
from bodycam.ledger.queries import FILTERS, filter_entries
from bodycam.ledger.readable import payload_facts
from bodycam.ledger.subjects import event_label, kind_choices, kind_label
from bodycam.ledger.tasks import fixity_check
from bodycam.lib import wallclock
from bodycam.lib.access import permission_required
from bodycam.lib.b64 import b64
from bodycam.lib.errors import Refused
from bodycam.lib.exports import xlsx_response


def cycle_progress() -> dict | None:
    """The fixity cycle's progress, where the recordings app provides it."""
    progress = integrity.EXTRA_PROGRESS.get("blobs")
    return progress() if progress else None


@permission_required("ledger.view_all_entries")
def ledger_browser(request: HttpRequest) -> HttpResponse:
    entries: QuerySet[LedgerEntry] = LedgerEntry.objects.restrict(request.user).order_by("-seq")
    try:
        entries = filter_entries(entries, request.GET)
    except Refused as refusal:
        messages.error(request, refusal.text())
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "ledger/browser.html",
        {
            "page": page,
            "filters": {name: request.GET.get(name, "") for name in FILTERS},
            "actions": Action.choices,
            "kinds": kind_choices(),
            "heads": SignedHead.objects.order_by("-tree_size")[:5],
            "verifier_key": heads.verifier_key(),
            "public_key_pem": heads.public_key_pem(),
            "last_check": integrity.last_run(),
            "fixity": cycle_progress(),
        },
    )


@require_GET
@permission_required("ledger.view_all_entries")
def ledger_export(request: HttpRequest) -> HttpResponseBase:
    """The entries as filtered, as .xlsx, each with its readable summary."""
    try:
        entries = filter_entries(LedgerEntry.objects.restrict(request.user), request.GET)
    except Refused as refusal:
        messages.error(request, refusal.text())
        return redirect("ledger")
    headers = [_("序号"), _("时间（北京时间）"), _("事项"), _("操作人"), _("警号"), _("对象"),
               _("对象编号"), _("内容 SHA-256"), _("内容")]  # fmt: skip
    rows = (
        [e.seq, wallclock.local(e.time).strftime("%Y-%m-%d %H:%M:%S"), event_label(e),
         e.actor_name, e.actor_badge, kind_label(e.subject_kind), e.subject_id,
         e.subject_sha256, "；".join(f"{k}：{v}" for k, v in payload_facts(e.payload))]
        for e in entries.order_by("seq").iterator(chunk_size=5000)
    )  # fmt: skip
    return xlsx_response("ledger", _("监管链日志"), headers, rows, request.user, request.GET)


@permission_required("ledger.view_all_entries")
def entry_detail(request: HttpRequest, seq: int) -> HttpResponse:
    entry = get_object_or_404(LedgerEntry.objects.restrict(request.user), seq=seq)
    head = SignedHead.objects.filter(tree_size__gt=seq).order_by("-tree_size").first()
    proof = [b64(h) for h in tree.inclusion_proof(seq, head.tree_size)] if head else None
    return render(
        request,
        "ledger/entry.html",
        {
            "entry": entry,
            "canonical": entry_bytes(entry).decode("utf-8"),
            "facts": payload_facts(entry.payload),
            "leaf_hash": b64(bytes(entry.leaf_hash)),
            "head": head,
            "proof": proof,
            "proof_arg": ",".join(proof or []),
            "verifier_key": heads.verifier_key(),
        },
    )


@require_POST
@permission_required("ledger.verify")
def verify_now(request: HttpRequest) -> HttpResponse:
    report = integrity.run_check(include_blobs=False, actor=request.user, trigger="page")
    fixity_check.enqueue()  # re-hashing every original takes long: a background job does it
    if report["ok"]:
        messages.success(
            request, _("核验通过：日志和签名树头完整一致。原始文件的核验已在后台开始。")
        )
    else:
        messages.error(request, _("核验发现问题，请查看下方结果并立即报告。"))
    return redirect("ledger")
