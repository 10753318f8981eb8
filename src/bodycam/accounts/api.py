"""People through the API: who am I, the directory, the units."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bodycam.accounts import grants, tokens
from bodycam.accounts.models import ApiToken, RoleGrant, Unit, User
from bodycam.lib.api import AuthenticatedRequest, RestrictedViewSetMixin
from bodycam.lib.errors import bilingual


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name", "code", "parent"]


class UserSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    unit = UnitSerializer(read_only=True, allow_null=True)

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


class UserViewSet(RestrictedViewSetMixin[User], viewsets.ReadOnlyModelViewSet[User]):
    """The staff directory (users see themselves; directory roles see everyone)."""

    serializer_class = UserSerializer
    queryset = User.objects.select_related("unit").prefetch_related("role_assignments")


class UnitViewSet(RestrictedViewSetMixin[Unit], viewsets.ReadOnlyModelViewSet[Unit]):
    """Organisational units."""

    serializer_class = UnitSerializer
    queryset = Unit.objects.all()


class TokenSerializer(serializers.ModelSerializer):
    user: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        read_only=True, slug_field="username"
    )
    status = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = ["id", "prefix", "user", "name", "created_at", "expires_at", "last_used_at",
                  "revoked_at", "status"]  # fmt: skip

    def get_status(self, token: ApiToken) -> str:
        return tokens.status_of(token)


class NewTokenRequest(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    days = serializers.IntegerField(required=False, min_value=1, max_value=36500)


class IssuedTokenSerializer(TokenSerializer):
    key = serializers.CharField(help_text=bilingual(_("只在签发时返回这一次")))

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "key"]


class TokenViewSet(RestrictedViewSetMixin[ApiToken], viewsets.ReadOnlyModelViewSet[ApiToken]):
    """API tokens: your own (administrators see everyone's, by prefix only). A new token's key
    is in the answer to its creation and nowhere else, ever."""

    serializer_class = TokenSerializer
    queryset = ApiToken.objects.select_related("user")
    action_restrictions = {"revoke": "revoke"}

    @extend_schema(request=NewTokenRequest, responses={201: IssuedTokenSerializer})
    def create(self, request: AuthenticatedRequest, **kwargs) -> Response:
        body = self.validated(NewTokenRequest)
        issued = tokens.issue_token(request.user, request.user, **body)
        answer = {**TokenSerializer(issued.token).data, "key": issued.key}
        return Response(answer, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=TokenSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request: AuthenticatedRequest, **kwargs) -> Response:
        token = tokens.revoke_token(self.get_object(), request.user)
        return Response(TokenSerializer(token).data)


class GrantSerializer(serializers.ModelSerializer):
    user: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        read_only=True, slug_field="username"
    )
    requested_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        read_only=True, slug_field="username", allow_null=True
    )
    decided_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        read_only=True, slug_field="username", allow_null=True
    )

    class Meta:
        model = RoleGrant
        fields = ["id", "user", "role", "status", "requested_by", "requested_at", "decided_by",
                  "decided_at", "comment"]  # fmt: skip


class DecisionRequest(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class GrantViewSet(RestrictedViewSetMixin[RoleGrant], viewsets.ReadOnlyModelViewSet[RoleGrant]):
    """Role grants awaiting you: the head confirms roles that see or approve content, another
    administrator the head's role; nobody their own."""

    serializer_class = GrantSerializer
    queryset = RoleGrant.objects.select_related("user", "requested_by", "decided_by")
    action_restrictions = {"confirm": "confirm", "refuse": "confirm"}

    @extend_schema(request=DecisionRequest, responses=GrantSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: AuthenticatedRequest, **kwargs) -> Response:
        body = self.validated(DecisionRequest)
        grant = grants.confirm_grant(self.get_object(), request.user, body["comment"])
        return Response(GrantSerializer(grant).data)

    @extend_schema(request=DecisionRequest, responses=GrantSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request: AuthenticatedRequest, **kwargs) -> Response:
        body = self.validated(DecisionRequest)
        grant = grants.refuse_grant(self.get_object(), request.user, body["comment"])
        return Response(GrantSerializer(grant).data)
