from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularSwaggerSplitView

from bodycam import views
from bodycam.access import player
from bodycam.access import views as access_views
from bodycam.accountability import views as accountability_views
from bodycam.accounts import views as accounts_views
from bodycam.accounts.forms import LoginForm
from bodycam.activities import views as activity_views
from bodycam.compliance import views as compliance_views
from bodycam.devices import transfer as device_transfer
from bodycam.devices import views as device_views
from bodycam.evidence import views as evidence_views
from bodycam.ledger import views as ledger_views
from bodycam.lib import parsing  # noqa: F401  registers the <id:…> converter
from bodycam.recordings import views as recording_views
from bodycam.reports import views as report_views
from bodycam.retention import views as retention_views
from bodycam.schema import SchemaView
from bodycam.supervision import views as supervision_views
from bodycam.uploads import views_page as upload_views

admin.site.site_header = admin.site.site_title = "执法音像记录管理系统 · 系统管理"
# People, units and roles are managed on the product's own pages; Django's admin stays for the
# installation's superuser (who is an administrator and, like one, sees no recording unasked).
admin.site.has_permission = lambda request: (  # type: ignore[method-assign]
    request.user.is_active and request.user.is_superuser
)

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
    path("help/", views.help_page, name="help"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("people/", accounts_views.people, name="people"),
    path("people/import/", accounts_views.people_import, name="people-import"),
    path("people/new/", accounts_views.person_new, name="person-new"),
    path("people/export.xlsx", accounts_views.people_export, name="people-export"),
    path("people/<id:pk>/", accounts_views.person_detail, name="person"),
    path("people/<id:pk>/edit/", accounts_views.person_edit, name="person-edit"),
    path("people/<id:pk>/roles/", accounts_views.person_roles, name="person-roles"),
    path("people/<id:pk>/active/", accounts_views.person_active, name="person-active"),
    path("people/<id:pk>/password/", accounts_views.person_password, name="person-password"),
    path("units/", accounts_views.units, name="units"),
    path("units/<id:pk>/", accounts_views.unit_edit, name="unit-edit"),
    path("people/grants/", accounts_views.role_grants, name="role-grants"),
    path(
        "people/grants/<id:pk>/decide/",
        accounts_views.role_grant_decide,
        name="role-grant-decide",
    ),
    path("account/", accounts_views.my_account, name="account"),
    path("account/password/", accounts_views.change_password, name="account-password"),
    path("account/tokens/new/", accounts_views.token_new, name="token-new"),
    path("account/tokens/<id:pk>/revoke/", accounts_views.token_revoke, name="token-revoke"),
    path("devices/", device_views.device_list, name="devices"),
    path("devices/mine/", device_views.my_devices, name="my-devices"),
    path("devices/new/", device_views.device_new, name="device-new"),
    path("devices/import/", device_transfer.device_import, name="device-import"),
    path("devices/export.xlsx", device_transfer.device_export, name="device-export"),
    path("devices/<id:pk>/", device_views.device_detail, name="device"),
    path("devices/<id:pk>/issue/", device_views.device_issue, name="device-issue"),
    path("devices/<id:pk>/return/", device_views.device_return, name="device-return"),
    path("devices/<id:pk>/check/", device_views.device_check, name="device-check"),
    path("devices/<id:pk>/lost/", device_views.device_lost, name="device-lost"),
    path("devices/<id:pk>/found/", device_views.device_found, name="device-found"),
    path("devices/<id:pk>/correct/", device_views.device_correct, name="device-correct"),
    path(
        "devices/<id:pk>/maintenance/", device_views.device_maintenance, name="device-maintenance"
    ),
    path("activities/", activity_views.activity_list, name="activities"),
    path("activities/new/", activity_views.activity_new, name="activity-new"),
    path("activities/<id:pk>/", activity_views.activity_detail, name="activity"),
    path("activities/export.xlsx", activity_views.activity_export, name="activity-export"),
    path("activities/<id:pk>/close/", activity_views.activity_close, name="activity-close"),
    path("activities/<id:pk>/correct/", activity_views.activity_correct, name="activity-correct"),
    path("activities/<id:pk>/cancel/", activity_views.activity_cancel, name="activity-cancel"),
    path("activities/<id:pk>/return/", activity_views.activity_return, name="activity-return"),
    path("activities/<id:pk>/exemption/", activity_views.exemption_new, name="exemption-new"),
    path("exemptions/", activity_views.exemption_inbox, name="exemptions"),
    path("exemptions/<id:pk>/review/", activity_views.exemption_review, name="exemption-review"),
    path("recordings/", recording_views.recording_list, name="recordings"),
    path("recordings/upload/", upload_views.upload_page, name="upload"),
    path("recordings/export.xlsx", recording_views.recording_export, name="recording-export"),
    path("recordings/<id:pk>/", recording_views.recording_detail, name="recording"),
    path("recordings/<id:pk>/link/", recording_views.recording_link, name="recording-link"),
    path(
        "recordings/<id:pk>/mistaken/",
        recording_views.recording_mistaken,
        name="recording-mistaken",
    ),
    path(
        "recordings/<id:pk>/mistaken/decide/",
        recording_views.recording_mistaken_decide,
        name="recording-mistaken-decide",
    ),
    path(
        "recordings/<id:pk>/identify/",
        recording_views.recording_identify,
        name="recording-identify",
    ),
    path("recordings/<id:pk>/play/", player.recording_play, name="recording-play"),
    path("recordings/<id:pk>/marks/", player.recording_mark, name="recording-mark"),
    path("recordings/<id:pk>/proxy", player.recording_proxy, name="recording-proxy"),
    path("recordings/<id:pk>/strip", player.recording_strip, name="recording-strip"),
    path("recordings/<id:pk>/thumbnail", player.recording_thumbnail, name="recording-thumbnail"),
    path("recordings/<id:pk>/original", player.recording_original, name="recording-original"),
    path("recordings/<id:pk>/copy", player.recording_copy, name="recording-copy"),
    path("access/", access_views.request_list, name="viewing-requests"),
    path("access/new/", access_views.request_new, name="viewing-request-new"),
    path("access/grants/", access_views.my_grants, name="my-grants"),
    path("access/register/", access_views.viewing_register, name="viewing-register"),
    path("access/register.xlsx", access_views.register_xlsx, name="viewing-register-xlsx"),
    path("access/register.pdf", access_views.register_pdf, name="viewing-register-pdf"),
    path("access/<id:pk>/", access_views.request_detail, name="viewing-request"),
    path("access/<id:pk>/approve/", access_views.request_approve, name="viewing-request-approve"),
    path("access/<id:pk>/deny/", access_views.request_deny, name="viewing-request-deny"),
    path(
        "access/<id:pk>/register/", access_views.request_register, name="viewing-request-register"
    ),
    path("access/<id:pk>/revoke/", access_views.request_revoke, name="viewing-request-revoke"),
    path("recordings/<id:pk>/playback/", player.playback_start, name="playback-start"),
    path("access/playbacks/<id:pk>/end/", player.playback_end, name="playback-end"),
    path("recordings/<id:pk>/secrecy/", access_views.recording_secrecy, name="recording-secrecy"),
    path(
        "access/secrecy/<id:pk>/decide/",
        access_views.secrecy_change_decide,
        name="secrecy-change-decide",
    ),
    path("compliance/", compliance_views.finding_list, name="findings"),
    path("compliance/thresholds/", compliance_views.thresholds, name="compliance-thresholds"),
    path("compliance/export.xlsx", compliance_views.finding_export, name="finding-export"),
    path("compliance/rates/", compliance_views.compliance_rates, name="compliance-rates"),
    path("supervision/", supervision_views.campaign_list, name="campaigns"),
    path("supervision/evaluation/", supervision_views.evaluation_page, name="evaluation"),
    path("supervision/<id:pk>/", supervision_views.campaign_detail, name="campaign"),
    path("supervision/<id:pk>/decide/", supervision_views.campaign_decide, name="campaign-decide"),
    path("supervision/<id:pk>/close/", supervision_views.campaign_close, name="campaign-close"),
    path(
        "supervision/<id:pk>/review/<id:recording>/",
        supervision_views.review_page,
        name="campaign-review",
    ),
    path("reports/", report_views.dashboard, name="dashboard"),
    path("reports/<slug:key>.xlsx", report_views.figure_export, name="figure-export"),
    path("reports/monthly/", report_views.monthly, name="monthly-reports"),
    path("reports/monthly/<id:pk>.pdf", report_views.monthly_download, name="monthly-report"),
    path("accountability/", accountability_views.case_list, name="violations"),
    path("accountability/<id:pk>/", accountability_views.case_detail, name="violation"),
    path(
        "accountability/<id:pk>/decide/",
        accountability_views.case_decide,
        name="violation-decide",
    ),
    path(
        "accountability/<id:pk>/<slug:step>/",
        accountability_views.case_step,
        name="violation-step",
    ),
    path(
        "accountability/criticism/<id:pk>/",
        accountability_views.criticism_issue,
        name="criticism-issue",
    ),
    path(
        "compliance/<id:pk>/escalate/",
        accountability_views.escalate_finding,
        name="finding-escalate",
    ),
    path(
        "supervision/reviews/<id:pk>/escalate/",
        accountability_views.escalate_review,
        name="review-escalate",
    ),
    path("cases/", evidence_views.case_list, name="cases"),
    path("cases/<id:pk>/", evidence_views.case_detail, name="case"),
    path("cases/<id:pk>/change/", evidence_views.case_change, name="case-change"),
    path("cases/<id:pk>/mark/", evidence_views.case_mark, name="case-mark"),
    path("cases/<id:pk>/extract/", evidence_views.extraction_new, name="extraction-new"),
    path("discs/<id:pk>/", evidence_views.extraction_detail, name="extraction"),
    path("discs/<id:pk>/image/", evidence_views.extraction_image, name="extraction-image"),
    path(
        "discs/<id:pk>/description/",
        evidence_views.extraction_description,
        name="extraction-description",
    ),
    path("discs/<id:pk>/check/", evidence_views.extraction_check, name="extraction-check"),
    path("recordings/<id:pk>/hold/", retention_views.recording_hold, name="recording-hold"),
    path("retention/holds/<id:pk>/release/", retention_views.hold_release, name="hold-release"),
    path("retention/", retention_views.batch_list, name="disposal-batches"),
    path("retention/batches/<id:pk>/", retention_views.batch_detail, name="disposal-batch"),
    path(
        "retention/batches/<id:pk>/decide/",
        retention_views.batch_decide,
        name="disposal-batch-decide",
    ),
    path("compliance/<id:pk>/", compliance_views.finding_detail, name="finding"),
    path("compliance/<id:pk>/explain/", compliance_views.finding_explain, name="finding-explain"),
    path("compliance/<id:pk>/decide/", compliance_views.finding_decide, name="finding-decide"),
    path("ledger/", ledger_views.ledger_browser, name="ledger"),
    path("ledger/export.xlsx", ledger_views.ledger_export, name="ledger-export"),
    path("ledger/entries/<id:seq>/", ledger_views.entry_detail, name="ledger-entry"),
    path("ledger/verify/", ledger_views.verify_now, name="ledger-verify-now"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("bodycam.api")),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
]

handler404 = "bodycam.views.page_not_found"
handler500 = "bodycam.views.server_error"
