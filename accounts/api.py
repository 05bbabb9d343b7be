"""The API's token endpoint: trade a username and password for the token the other endpoints accept
(`Authorization: Token <token>`)."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.services import api_token_issue


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False, write_only=True)

    def validate(self, attrs):
        user = authenticate(self.context["request"], username=attrs["username"], password=attrs["password"])
        if user is None:
            # The same message for an unknown user, a wrong password and an inactive account.
            raise serializers.ValidationError(
                _("Unable to log in with this username and password."), code="authorization"
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(source="key", read_only=True)


class TokenObtainView(APIView):
    # Credentials are the body; a stale token or session must not get in the way of logging in.
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["auth"],
        operation_id="auth_token_create",
        summary="Get an API token",
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(
                {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
                description="A missing field, or a wrong username or password (`non_field_errors`).",
            ),
        },
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token = api_token_issue(user=serializer.validated_data["user"])
        return Response(TokenSerializer(token).data)
