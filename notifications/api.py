"""REST endpoints of the caller's in-app notifications: list (/api/v1/notifications/), mark one read, mark all read."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from core.idempotency import idempotent
from core.serializers import FIELD_ERRORS, ErrorSerializer
from notifications import services
from notifications.selectors import notification_list
from notifications.serializers import NotificationFilterSerializer, NotificationSerializer, ReadAllSerializer

NOTIFICATIONS = ["notifications"]


class NotificationListView(GenericAPIView):
    serializer_class = NotificationSerializer

    @extend_schema(
        tags=NOTIFICATIONS,
        operation_id="notifications_list",
        summary="My notifications",
        description="The caller's in-app notifications, the newest first. `?unread=1`: only the unread ones "
        "(the response's `count` is then the unread count).",
        parameters=[NotificationFilterSerializer],
        responses={200: NotificationSerializer(many=True), 400: FIELD_ERRORS},
    )
    def get(self, request):
        filters = NotificationFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        page = self.paginate_queryset(notification_list(user=request.user, unread_only=filters.unread_only()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class NotificationReadView(GenericAPIView):
    serializer_class = NotificationSerializer

    @extend_schema(
        tags=NOTIFICATIONS,
        operation_id="notifications_read",
        summary="Mark a notification read",
        description="Marking a read notification again changes nothing. Returns the notification.",
        request=None,
        responses={
            200: NotificationSerializer,
            404: OpenApiResponse(ErrorSerializer, description="No such notification, or not yours."),
        },
    )
    @idempotent
    def post(self, request, notification_id: int):
        notification = services.notification_mark_read(user=request.user, notification_id=notification_id)
        return Response(self.get_serializer(notification).data)


class NotificationReadAllView(GenericAPIView):
    serializer_class = ReadAllSerializer

    @extend_schema(
        tags=NOTIFICATIONS,
        operation_id="notifications_read_all",
        summary="Mark all my notifications read",
        request=None,
        responses={200: ReadAllSerializer},
    )
    @idempotent
    def post(self, request):
        return Response({"marked": services.notification_mark_all_read(user=request.user)})
