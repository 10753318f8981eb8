from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from bodycam import views
from bodycam.accounts import views as accounts_views
from bodycam.accounts.forms import LoginForm
from bodycam.ledger import views as ledger_views

admin.site.site_header = admin.site.site_title = "执法音像记录管理系统 · 系统管理"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(form_class=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("people/", accounts_views.people, name="people"),
    path("ledger/", ledger_views.ledger_browser, name="ledger"),
    path("ledger/entries/<int:seq>/", ledger_views.entry_detail, name="ledger-entry"),
    path("ledger/verify/", ledger_views.verify_now, name="ledger-verify-now"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("bodycam.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
]
