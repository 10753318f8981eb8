"""Pages about people: the directory, imports, your own account and tokens, role grants."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bodycam.accounts import grants, tokens
from bodycam.accounts import people as accounts
from bodycam.accounts.forms import TokenForm
from bodycam.accounts.imports import apply_user_import, plan_user_import
from bodycam.accounts.models import ApiToken, GrantStatus, RoleGrant, User
from bodycam.importing import import_page
from bodycam.lib.access import AuthenticatedHttpRequest, permission_required
from bodycam.lib.api import restricted_object
from bodycam.lib.errors import Refused


@permission_required("accounts.view_user")
def people(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The staff directory: name, badge number, unit and roles."""
    users = (
        User.objects.restrict(request.user, "view")
        .filter(is_active=True)
        .select_related("unit")
        .prefetch_related("role_assignments")
        .order_by("unit__code", "username")
    )
    return render(request, "accounts/people.html", {"people": users})


@permission_required("accounts.import_users")
def people_import(request: HttpRequest) -> HttpResponse:
    """Bulk import of users; initial passwords are shown once, to hand out."""

    def applied(request: HttpRequest, created: list) -> HttpResponse:
        return render(request, "accounts/imported.html", {"created": created})

    return import_page(
        request,
        plan=plan_user_import,
        apply=apply_user_import,
        applied=applied,
        template="accounts/import.html",
    )


@login_required
def my_account(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Your roles (and those awaiting confirmation), your password, your API tokens."""
    return _account_page(request, PasswordChangeForm(request.user))


def _account_page(
    request: AuthenticatedHttpRequest, password_form: PasswordChangeForm
) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "pending": user.role_grants.filter(status=GrantStatus.PENDING),
            "tokens": [
                (token, tokens.status_of(token))
                for token in ApiToken.objects.restrict(user).filter(user=user)
            ],
            "token_form": TokenForm(),
            "password_form": password_form,
            "new_key": request.session.pop("new_token_key", None),
        },
    )


@require_POST
@login_required
def change_password(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST)
    if not form.is_valid():  # every error beside its field, the page as it was
        return _account_page(request, form)
    accounts.reset_password(
        request.user, form.cleaned_data["new_password1"], request.user, via="account"
    )
    update_session_auth_hash(request, request.user)
    messages.success(request, _("密码已修改。"))
    return redirect("account")


@require_POST
@login_required
def token_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的用途和天数。"))
        return redirect("account")
    try:
        issued = tokens.issue_token(request.user, request.user, **form.cleaned_data)
    except Refused as refusal:
        messages.error(request, refusal.text())
        return redirect("account")
    # Shown once, on the next page only; the session forgets it as it is read.
    request.session["new_token_key"] = issued.key
    return redirect("account")


@require_POST
@login_required
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = restricted_object(ApiToken.objects, request.user, "revoke", pk)
    try:
        tokens.revoke_token(token, request.user)
    except Refused as refusal:
        messages.error(request, refusal.text())
    else:
        messages.success(request, _("令牌 %(prefix)s… 已吊销。") % {"prefix": token.prefix})
    return redirect("account")


@login_required
def role_grants(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The role grants awaiting this user's confirmation (the head; administrators for the
    head's role)."""
    pending = grants.confirmable_by(request.user).select_related("user", "requested_by")
    return render(request, "accounts/grants.html", {"pending": pending})


@require_POST
@login_required
def role_grant_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    grant = restricted_object(RoleGrant.objects, request.user, "confirm", pk)
    comment = request.POST.get("comment", "")
    try:
        if request.POST.get("decision") == "confirm":
            grants.confirm_grant(grant, request.user, comment)
            messages.success(request, _("已确认，角色即时生效。"))
        else:
            grants.refuse_grant(grant, request.user, comment)
            messages.success(request, _("已拒绝。"))
    except Refused as refusal:
        messages.error(request, refusal.text())
    return redirect("role-grants")
