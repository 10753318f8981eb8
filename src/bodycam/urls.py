from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from bodycam import views
from bodycam.accounts import views as accounts_views
from bodycam.accounts.forms import LoginForm
from bodycam.activities import views as activity_views
from bodycam.devices import transfer as device_transfer
from bodycam.devices import views as device_views
from bodycam.ledger import views as ledger_views
from bodycam.recordings import views as recording_views
from bodycam.uploads import views_page as upload_views

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
    path("people/import/", accounts_views.people_import, name="people-import"),
    path("devices/", device_views.device_list, name="devices"),
    path("devices/mine/", device_views.my_devices, name="my-devices"),
    path("devices/new/", device_views.device_new, name="device-new"),
    path("devices/import/", device_transfer.device_import, name="device-import"),
    path("devices/export.xlsx", device_transfer.device_export, name="device-export"),
    path("devices/<int:pk>/", device_views.device_detail, name="device"),
    path("devices/<int:pk>/issue/", device_views.device_issue, name="device-issue"),
    path("devices/<int:pk>/return/", device_views.device_return, name="device-return"),
    path("devices/<int:pk>/check/", device_views.device_check, name="device-check"),
    path(
        "devices/<int:pk>/maintenance/", device_views.device_maintenance, name="device-maintenance"
    ),
    path("activities/", activity_views.activity_list, name="activities"),
    path("activities/new/", activity_views.activity_new, name="activity-new"),
    path("activities/<int:pk>/", activity_views.activity_detail, name="activity"),
    path("activities/<int:pk>/close/", activity_views.activity_close, name="activity-close"),
    path("activities/<int:pk>/return/", activity_views.activity_return, name="activity-return"),
    path("activities/<int:pk>/exemption/", activity_views.exemption_new, name="exemption-new"),
    path("exemptions/", activity_views.exemption_inbox, name="exemptions"),
    path("exemptions/<int:pk>/review/", activity_views.exemption_review, name="exemption-review"),
    path("recordings/", recording_views.recording_list, name="recordings"),
    path("recordings/upload/", upload_views.upload_page, name="upload"),
    path("recordings/<int:pk>/", recording_views.recording_detail, name="recording"),
    path("recordings/<int:pk>/link/", recording_views.recording_link, name="recording-link"),
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
