"""People through the API: who am I, the directory, the units."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bodycam.accounts.models import Unit, User
from bodycam.lib.api import RestrictedViewSetMixin


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name", "code", "parent"]


class UserSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    unit = UnitSerializer(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "badge_number", "unit", "roles", "is_active"]

    def get_roles(self, user: User) -> list[str]:
        return sorted(user.roles)


class MeSerializer(UserSerializer):
    permissions = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "permissions"]

    def get_permissions(self, user: User) -> list[str]:
        return sorted(user.granted_permissions)


class MeView(APIView):
    """The signed-in user, with roles and permissions."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request, **kwargs) -> Response:
        return Response(MeSerializer(request.user).data)


class UserViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The staff directory (users see themselves; directory roles see everyone)."""

    serializer_class = UserSerializer
    queryset = User.objects.select_related("unit").prefetch_related("role_assignments")


class UnitViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Organisational units."""

    serializer_class = UnitSerializer
    queryset = Unit.objects.all()
