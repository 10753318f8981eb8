"""Pages about people: the directory, imports, your own account and tokens, role grants."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bodycam.accountability.standing import merit_ineligible, merit_ineligible_ids, suspension_of
from bodycam.accounts import grants, tokens
from bodycam.accounts import people as accounts
from bodycam.accounts.forms import PersonForm, RolesForm, TokenForm, UnitForm
from bodycam.accounts.imports import apply_user_import, plan_user_import
from bodycam.accounts.models import ApiToken, GrantStatus, RoleGrant, Unit, User
from bodycam.accounts.roles import Role
from bodycam.importing import import_page
from bodycam.ledger.history import custody_history
from bodycam.lib.access import AuthenticatedHttpRequest, permission_required
from bodycam.lib.api import restricted_object
from bodycam.lib.errors import Refused
from bodycam.lib.exports import xlsx_response


def _directory(request: AuthenticatedHttpRequest):
    users = User.objects.restrict(request.user, "view")
    show = request.GET.get("show")
    if show != "all":
        users = users.filter(is_active=show != "inactive")
    if query := request.GET.get("q", "").strip():
        users = users.filter(
            Q(full_name__icontains=query) | Q(username__icontains=query)
            | Q(badge_number__icontains=query)
        )  # fmt: skip
    return (
        users.select_related("unit")
        .prefetch_related("role_assignments")
        .order_by("unit__code", "username")
    )


@permission_required("accounts.view_user")
def people(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The staff directory: name, badge number, unit and roles; a search box."""
    return render(
        request,
        "accounts/people.html",
        {
            "people": _directory(request),
            "show": request.GET.get("show"),
            "q": request.GET.get("q", "").strip(),
        },
    )


@require_GET
@permission_required("accounts.view_user")
def people_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    headers = [_("姓名"), _("警号"), _("单位"), _("角色"), _("用户名"), _("账户"),
               _("本年评优评先资格（R-22）")]  # fmt: skip
    ineligible = merit_ineligible_ids()
    rows = (
        [p.full_name, p.badge_number or "", p.unit.name if p.unit else "",
         "、".join(a.get_role_display() for a in p.role_assignments.all()), p.username,
         _("在用") if p.is_active else _("已停用"),
         _("已取消") if p.pk in ineligible else _("有")]
        for p in _directory(request)
    )  # fmt: skip
    return xlsx_response("people", _("人员名录"), headers, rows, request.user, request.GET)


@permission_required("accounts.add_user")
def person_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Add someone: who they are and their roles; a first password is shown once to hand over."""
    form = PersonForm(request.POST or None)
    roles = RolesForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and roles.is_valid():
        data = form.cleaned_data
        try:
            person = accounts.add_person(
                data["username"], None, full_name=data["full_name"],
                badge_number=data["badge_number"], unit=data["unit"], actor=request.user,
                via="people",
            )  # fmt: skip
            person.email = data["email"]
            person.save(update_fields=["email"])
            change = accounts.set_roles(person, roles.cleaned_data["roles"], request.user,
                                        via="people")  # fmt: skip
            password = accounts.issue_temporary_password(person, request.user, via="people")
        except Refused as refusal:
            form.add_error(None, refusal.text())
        else:
            _said_roles(request, change)
            request.session["handed_password"] = password
            return redirect("person", pk=person.pk)
    return render(request, "accounts/person_new.html", {"form": form, "roles": roles})


def _said_roles(request: AuthenticatedHttpRequest, change: grants.RoleChange) -> None:
    if change.pending:
        names = "、".join(str(Role(role).label) for role in change.pending)
        messages.info(request, _("%(roles)s须经主要负责人确认后生效。") % {"roles": names})


@permission_required("accounts.view_user")
def person_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = restricted_object(User.objects.select_related("unit"), request.user, "view", pk)
    return _person_page(request, person, PersonForm(instance=person))


def _person_page(request: AuthenticatedHttpRequest, person: User, form: PersonForm) -> HttpResponse:
    manage = request.user.has_perm("accounts.change_user")
    held = list(person.role_assignments.values_list("role", flat=True))
    return render(
        request,
        "accounts/person.html",
        {
            "person": person,
            "manage": manage,
            "form": form if manage else None,
            "roles_form": RolesForm(initial={"roles": held}) if manage else None,
            "pending": person.role_grants.filter(status=GrantStatus.PENDING),
            "handed_password": request.session.pop("handed_password", None),
            "entries": custody_history(request.user, person),
            "suspension": suspension_of(person),
            "merit_lost": merit_ineligible(person),
        },
    )


def _managed(request: AuthenticatedHttpRequest, pk: int) -> User:
    return restricted_object(User.objects, request.user, "change", pk)


@require_POST
@permission_required("accounts.change_user")
def person_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = _managed(request, pk)
    form = PersonForm(request.POST, instance=User.objects.get(pk=pk))
    if not form.is_valid():  # the page again, each error beside its field
        return _person_page(request, person, form)
    data = {k: v for k, v in form.cleaned_data.items() if k != "username"}
    accounts.change_profile(person, request.user, via="people", **data)
    messages.success(request, _("已保存。修改前后的内容已记入记录。"))
    return redirect("person", pk=pk)


@require_POST
@permission_required("accounts.change_user")
def person_roles(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = _managed(request, pk)
    form = RolesForm(request.POST)
    if form.is_valid():
        try:
            change = accounts.set_roles(person, form.cleaned_data["roles"], request.user,
                                        via="people")  # fmt: skip
        except Refused as refusal:
            messages.error(request, refusal.text())
        else:
            messages.success(request, _("角色已保存。"))
            _said_roles(request, change)
    return redirect("person", pk=pk)


@require_POST
@permission_required("accounts.change_user")
def person_active(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = _managed(request, pk)
    active = request.POST.get("active") == "1"
    try:
        accounts.set_active(person, active, request.user, via="people")
    except Refused as refusal:
        messages.error(request, refusal.text())
    else:
        messages.success(
            request,
            _("账户已启用。") if active else _("账户已停用：不能再登录，其经办记录全部保留。"),
        )
    return redirect("person", pk=pk)


@require_POST
@permission_required("accounts.change_user")
def person_password(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = _managed(request, pk)
    try:
        password = accounts.issue_temporary_password(person, request.user, via="people")
    except Refused as refusal:
        messages.error(request, refusal.text())
    else:
        request.session["handed_password"] = password
    return redirect("person", pk=pk)


@permission_required("accounts.view_unit")
def units(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The bureau's units; the administrator adds and renames them."""
    manage = request.user.has_perm("accounts.change_unit")
    form = UnitForm(request.POST or None) if manage else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                accounts.save_unit(form.save(commit=False), request.user)
            except Refused as refusal:
                form.add_error(None, refusal.text())
            else:
                messages.success(request, _("已添加单位。"))
                return redirect("units")
    rows = Unit.objects.select_related("parent").annotate(people=Count("user")).order_by("code")
    return render(request, "accounts/units.html", {"units": rows, "form": form})


@permission_required("accounts.change_unit")
def unit_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    unit = restricted_object(Unit.objects, request.user, "change", pk)
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.save_unit(form.save(commit=False), request.user)
        except Refused as refusal:
            form.add_error("parent", refusal.text())
        else:
            messages.success(request, _("已保存。"))
            return redirect("units")
    return render(request, "accounts/unit_edit.html", {"unit": unit, "form": form})


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
