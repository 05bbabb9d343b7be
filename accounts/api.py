"""The API's token endpoints: get a token for a username and password, refresh it, list and revoke the caller's
tokens, log out (this token) or out everywhere (all of them). Tokens are django-rest-knox's, sent as
`Authorization: Token <key>`. And deputies: list, name one, end one."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.authentication import TokenAuthentication
from accounts.selectors import api_token_list, deputyships_visible
from accounts.serializers import (
    ApiTokenSerializer,
    AuthErrorSerializer,
    DeputyshipSerializer,
    DeputyshipWriteSerializer,
    TokenCreatedSerializer,
    TokenRequestSerializer,
)
from accounts.throttles import ScopedRateThrottle
from core.idempotency import idempotent
from core.serializers import FIELD_ERRORS, FIELD_ERRORS_SCHEMA, ErrorSerializer

AUTH = ["auth"]
TOO_MANY = OpenApiResponse(
    AuthErrorSerializer,
    description="Too many requests from your address, or (`locked_out`) too many failed logins for this username "
    "or address. `Retry-After` says in how many seconds to try again.",
)
NOT_FOUND = OpenApiResponse(AuthErrorSerializer, description="No such token, or not yours.")


def _created(token, key) -> dict:
    token.token = key
    return TokenCreatedSerializer(token).data


class TokenObtainView(APIView):
    # Credentials are the body; a stale token or session must not get in the way of logging in.
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth_token"

    @extend_schema(
        tags=AUTH,
        operation_id="auth_token_create",
        summary="Get an API token",
        description="Each call makes a new token for one client or device and shows its key this once, with "
        "when it expires. Wrong passwords count towards the login lockout.",
        request=TokenRequestSerializer,
        responses={
            200: TokenCreatedSerializer,
            400: OpenApiResponse(
                FIELD_ERRORS_SCHEMA,
                description="A missing field, or a wrong username or password (`non_field_errors`, code "
                "`authorization`).",
            ),
            429: TOO_MANY,
        },
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        client = serializer.validated_data.get("client") or request.headers.get("User-Agent", "")
        token, key = services.api_token_create(user=serializer.validated_data["user"], client=client)
        return Response(_created(token, key))


class TokenRefreshView(APIView):
    authentication_classes = [TokenAuthentication]

    @extend_schema(
        tags=AUTH,
        operation_id="auth_token_refresh",
        summary="Swap this token for a new one",
        description="Answers a new token for the same client, with a fresh expiry, and revokes the one sent. "
        "Call it before the token expires; an expired token answers 401.",
        request=None,
        responses={200: TokenCreatedSerializer},
    )
    def post(self, request):
        token, key = services.api_token_refresh(token=request.auth)
        return Response(_created(token, key))


class TokenListView(GenericAPIView):
    serializer_class = ApiTokenSerializer

    def get_queryset(self):
        return api_token_list(user=self.request.user)

    @extend_schema(
        tags=AUTH,
        operation_id="auth_tokens_list",
        summary="My API tokens",
        description="The caller's tokens that still work, the newest first: which client, when made, when "
        "they expire, when last used. Never their keys, which are not stored.",
        responses={200: ApiTokenSerializer(many=True)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class TokenDetailView(APIView):
    @extend_schema(
        tags=AUTH,
        operation_id="auth_tokens_revoke",
        summary="Revoke one of my tokens",
        request=None,
        responses={204: None, 404: NOT_FOUND},
    )
    def delete(self, request, token_id: int):
        services.api_token_revoke(user=request.user, token_id=token_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutView(APIView):
    authentication_classes = [TokenAuthentication]

    @extend_schema(
        tags=AUTH,
        operation_id="auth_logout",
        summary="Log out: revoke the token sent",
        request=None,
        responses={204: None},
    )
    def post(self, request):
        services.api_token_revoke(user=request.user, token_id=request.auth.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    @extend_schema(
        tags=AUTH,
        operation_id="auth_logout_all",
        summary="Log out everywhere: revoke all my tokens",
        request=None,
        responses={204: None},
    )
    def post(self, request):
        services.api_tokens_revoke_all(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


DEPUTIES = ["deputies"]
DEPUTY_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such deputy, or not one you manage.")
DEPUTY_FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="You may not name deputies for this person (yourself if an approver; anyone if an administrator).",
)


class DeputyshipListView(GenericAPIView):
    serializer_class = DeputyshipSerializer

    def get_queryset(self):
        return deputyships_visible(user=self.request.user)

    @extend_schema(
        tags=DEPUTIES,
        operation_id="deputies_list",
        summary="Deputies: mine, and those I stand in as",
        description="Deputyships that have not ended, the soonest first: those naming you as the approver who is "
        "away, and those naming you as the deputy (administrators: everyone's). While one runs, the deputy sees "
        "the approver's tasks in their inbox and decides them on the approver's behalf.",
        responses={200: DeputyshipSerializer(many=True)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        tags=DEPUTIES,
        operation_id="deputies_create",
        summary="Name a deputy for a date range",
        description="The deputy must be another approver; an approver has one deputy at a time; a deputy cannot "
        "name a deputy for days they stand in, nor be named for days they are away (no chains).",
        request=DeputyshipWriteSerializer,
        responses={201: DeputyshipSerializer, 400: FIELD_ERRORS, 403: DEPUTY_FORBIDDEN},
    )
    @idempotent
    def post(self, request):
        serializer = DeputyshipWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        principal = fields.pop("principal", None) or request.user
        deputyship = services.deputyship_create(actor=request.user, principal=principal, **fields)
        return Response(DeputyshipSerializer(deputyship).data, status=status.HTTP_201_CREATED)


class DeputyshipDetailView(APIView):
    @extend_schema(
        tags=DEPUTIES,
        operation_id="deputies_end",
        summary="End a deputyship now",
        description="The deputy no longer stands in from now on; the record stays.",
        request=None,
        responses={204: None, 404: DEPUTY_NOT_FOUND},
    )
    @idempotent
    def delete(self, request, deputyship_id: int):
        services.deputyship_cancel(actor=request.user, deputyship_id=deputyship_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
