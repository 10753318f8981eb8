"""The REST API, version 1: every app registers its endpoints here."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from bodycam.access import api as access_api
from bodycam.accountability import api as accountability_api
from bodycam.accounts import api as accounts_api
from bodycam.activities import api as activities_api
from bodycam.compliance import api as compliance_api
from bodycam.devices import api as devices_api
from bodycam.evidence import api as evidence_api
from bodycam.ledger import api as ledger_api
from bodycam.recordings import api as recordings_api
from bodycam.retention import api as retention_api
from bodycam.supervision import api as supervision_api

router = DefaultRouter()
router.register("users", accounts_api.UserViewSet, basename="user")
router.register("units", accounts_api.UnitViewSet, basename="unit")
router.register("tokens", accounts_api.TokenViewSet, basename="api-token")
router.register("role-grants", accounts_api.GrantViewSet, basename="api-role-grant")
router.register("devices", devices_api.DeviceViewSet, basename="api-device")
router.register("activities", activities_api.ActivityViewSet, basename="api-activity")
router.register("exemptions", activities_api.ExemptionViewSet, basename="api-exemption")
router.register("recordings", recordings_api.RecordingViewSet, basename="api-recording")
router.register("ledger/entries", ledger_api.EntryViewSet, basename="ledger-entry")
router.register("ledger/heads", ledger_api.HeadViewSet, basename="ledger-head")
router.register("access/requests", access_api.ViewingRequestViewSet, basename="api-viewing-request")
router.register("access/grants", access_api.GrantViewSet, basename="api-viewing-grant")
router.register("compliance/findings", compliance_api.FindingViewSet, basename="api-finding")
router.register(
    "access/secrecy-changes", access_api.SecrecyChangeViewSet, basename="api-secrecy-change"
)
router.register("evidence/cases", evidence_api.CaseViewSet, basename="api-case")
router.register("evidence/discs", evidence_api.ExtractionViewSet, basename="api-extraction")
router.register("retention/holds", retention_api.HoldViewSet, basename="api-hold")
router.register(
    "retention/batches", retention_api.DisposalBatchViewSet, basename="api-disposal-batch"
)

router.register("supervision/campaigns", supervision_api.CampaignViewSet, basename="api-campaign")
router.register(
    "accountability/cases", accountability_api.ViolationCaseViewSet, basename="api-violation"
)

urlpatterns = [
    # The sample's address as the rule publishes it, without the trailing slash.
    path(
        "supervision/campaigns/<id:pk>/sample",
        supervision_api.CampaignViewSet.as_view({"get": "sample"}),
        name="api-campaign-sample-published",
    ),
    path("uploads/", include("bodycam.uploads.urls")),
    path("me/", accounts_api.MeView.as_view(), name="me"),
    path(
        "ledger/proof/inclusion", ledger_api.InclusionProofView.as_view(), name="ledger-inclusion"
    ),
    path(
        "ledger/proof/consistency",
        ledger_api.ConsistencyProofView.as_view(),
        name="ledger-consistency",
    ),
    path("access/register/", access_api.RegisterView.as_view(), name="viewing-register-api"),
    path("access/clearances/", access_api.ClearanceView.as_view(), name="clearance"),
    path("ledger/checkpoint", ledger_api.CheckpointView.as_view(), name="ledger-checkpoint"),
    path("ledger/public-key", ledger_api.PublicKeyView.as_view(), name="ledger-public-key"),
    path("ledger/verify", ledger_api.VerifyView.as_view(), name="ledger-verify"),
    path("", include(router.urls)),
]
