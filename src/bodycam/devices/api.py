"""Devices through the API: the same rules, refusals and ledger entries as the pages."""

from typing import Any, ClassVar

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from bodycam.devices import checks, registry, states
from bodycam.devices.lookup import device_by_serial, person
from bodycam.devices.models import Device, DeviceIssue, MaintenanceKind, PreUseCheck
from bodycam.devices.queries import filter_devices
from bodycam.lib.api import NOT_FOUND, AuthenticatedRequest, RestrictedViewSetMixin


class CheckSerializer(serializers.ModelSerializer):
    passed = serializers.BooleanField(read_only=True)
    problem_text = serializers.SerializerMethodField()
    clock_offset_seconds = serializers.SerializerMethodField()

    class Meta:
        model = PreUseCheck
        fields = [
            "id", "checked_at", "checked_by", "no_fault", "battery_percent", "free_storage_gb",
            "device_clock", "clock_offset_seconds", "passed", "problems", "problem_text",
        ]  # fmt: skip
        read_only_fields = ["checked_at", "checked_by", "problems"]

    def get_problem_text(self, check: PreUseCheck) -> list[str]:
        return [checks.describe(p) for p in check.problems]

    def get_clock_offset_seconds(self, check: PreUseCheck) -> float:
        return check.clock_offset.total_seconds()


class IssueSerializer(serializers.ModelSerializer):
    officer = serializers.CharField(source="officer.username")
    badge_number = serializers.CharField(source="officer.badge_number")

    class Meta:
        model = DeviceIssue
        fields = ["id", "officer", "badge_number", "issued_at", "returned_at", "override_reason"]


class DeviceSerializer(serializers.ModelSerializer):
    custodian = serializers.CharField(help_text="保管员用户名或警号")
    current_issue = IssueSerializer(read_only=True, allow_null=True)
    latest_check = CheckSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Device
        fields = [
            "id", "serial", "manufacturer", "model", "explosion_proof", "purchase_date",
            "status", "custodian", "unit", "notes", "current_issue", "latest_check",
        ]  # fmt: skip
        read_only_fields = ["status", "unit"]
        # The registry alone judges serials, so every refusal reads the same everywhere.
        extra_kwargs: ClassVar[dict[str, dict[str, Any]]] = {"serial": {"validators": []}}

    def to_representation(self, device: Device) -> dict:
        data = super().to_representation(device)
        data["custodian"] = device.custodian.username
        return data


class ReturnRequest(serializers.Serializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="归还备注（可选），如外观损伤"
    )


class IssueRequest(serializers.Serializer):
    officer = serializers.CharField(help_text="警号或用户名")
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")


class MaintenanceRequest(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MaintenanceKind.choices)
    description = serializers.CharField()
    replacement = serializers.CharField(required=False, help_text="替换用记录仪的产品序号")


class ReasonRequest(serializers.Serializer):
    reason = serializers.CharField(help_text="理由")


class CorrectionRequest(serializers.Serializer):
    reason = serializers.CharField(help_text="更正理由")
    manufacturer = serializers.CharField(required=False, allow_blank=True, max_length=100)
    model = serializers.CharField(required=False, allow_blank=True, max_length=100)
    purchase_date = serializers.DateField(required=False, allow_null=True)
    explosion_proof = serializers.BooleanField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


class DeviceViewSet(RestrictedViewSetMixin[Device], viewsets.ReadOnlyModelViewSet[Device]):
    """The device registry (R-05): register, issue, return, maintain, check (R-07)."""

    serializer_class = DeviceSerializer
    queryset = Device.objects.select_related("custodian", "unit")
    action_restrictions = {
        "issue": "issue",
        "give_back": "issue",
        "maintenance": "change",
        "add_check": "check",
        "lost": "change",
        "found": "change",
        "correct": "change",
    }

    def get_queryset(self):
        return filter_devices(super().get_queryset(), self.request.query_params)

    @extend_schema(request=DeviceSerializer, responses={201: DeviceSerializer})
    def create(self, request: AuthenticatedRequest, **kwargs) -> Response:
        fields = self.validated(DeviceSerializer)
        serial, custodian = fields.pop("serial"), person(fields.pop("custodian"))
        device = registry.register_device(serial, custodian, request.user, **fields)
        return Response(DeviceSerializer(device).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=IssueRequest, responses={201: IssueSerializer})
    @action(detail=True, methods=["post"])
    def issue(self, request: AuthenticatedRequest, **kwargs) -> Response:
        device = self.get_object()
        data = self.validated(IssueRequest)
        officer = person(data["officer"])
        issue = registry.issue_device(device, officer, request.user, data["override_reason"])
        return Response(IssueSerializer(issue).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReturnRequest, responses=IssueSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def give_back(self, request: AuthenticatedRequest, **kwargs) -> Response:
        device = self.get_object()
        comment = self.validated(ReturnRequest)["comment"]
        issue = registry.return_device(device, request.user, comment)
        return Response(IssueSerializer(issue).data)

    @extend_schema(request=MaintenanceRequest, responses={201: None})
    @action(detail=True, methods=["post"])
    def maintenance(self, request: AuthenticatedRequest, **kwargs) -> Response:
        device = self.get_object()
        data = self.validated(MaintenanceRequest)
        replacement = None
        if data.get("replacement"):
            # a custodian replaces with a device they keep themselves
            replacement = device_by_serial(data["replacement"])
            if not self.get_queryset().filter(pk=replacement.pk).exists():
                raise NotFound(NOT_FOUND)
        registry.record_maintenance(
            device, data["kind"], data["description"], request.user, replacement=replacement
        )
        return Response(status=status.HTTP_201_CREATED)

    @extend_schema(responses=CheckSerializer(many=True))
    @action(detail=True, methods=["get"])
    def checks(self, request: AuthenticatedRequest, **kwargs) -> Response:
        """The device's pre-use checks, newest first."""
        device = self.get_object()
        return Response(CheckSerializer(device.checks.all(), many=True).data)

    @extend_schema(request=CheckSerializer, responses={201: CheckSerializer})
    @checks.mapping.post
    def add_check(self, request: AuthenticatedRequest, **kwargs) -> Response:
        """Record a pre-use check (R-07): the officer carrying the device, or its custodian."""
        device = self.get_object()
        data = self.validated(CheckSerializer)
        reading = checks.Reading(
            no_fault=data["no_fault"],
            battery_percent=data["battery_percent"],
            free_storage_gb=data["free_storage_gb"],
            device_clock=data["device_clock"],
        )
        check = checks.record_check(device, reading, request.user)
        return Response(CheckSerializer(check).data, status=status.HTTP_201_CREATED)

    def _with_reason(self, request: AuthenticatedRequest, change) -> Response:
        device = self.get_object()
        body = self.validated(ReasonRequest)
        device = change(device, body["reason"], request.user)
        return Response(DeviceSerializer(device).data)

    @extend_schema(request=ReasonRequest, responses=DeviceSerializer)
    @action(detail=True, methods=["post"])
    def lost(self, request: AuthenticatedRequest, **kwargs) -> Response:
        """Record the device as lost, with the reason (its custodian)."""
        return self._with_reason(request, states.mark_lost)

    @extend_schema(request=ReasonRequest, responses=DeviceSerializer)
    @action(detail=True, methods=["post"])
    def found(self, request: AuthenticatedRequest, **kwargs) -> Response:
        """A lost device is found again: back in stock, with the reason."""
        return self._with_reason(request, states.mark_found)

    @extend_schema(request=CorrectionRequest, responses=DeviceSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request: AuthenticatedRequest, **kwargs) -> Response:
        """Correct the device's record (maker, model, purchase date …) with a reason."""
        device = self.get_object()
        changes = self.validated(CorrectionRequest)
        reason = changes.pop("reason")
        device = states.correct_device(device, reason, request.user, **changes)
        return Response(DeviceSerializer(device).data)
