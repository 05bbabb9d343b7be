"""API serializers of in-app notifications."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from notifications.messages import absolute_url
from notifications.models import Notification, NotificationKind


class NotificationSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=NotificationKind.choices, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    link = serializers.SerializerMethodField(help_text=_("The page the notification is about (absolute URL)."))
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "subject", "body", "link", "created_at", "read_at", "is_read"]
        read_only_fields = fields

    def get_link(self, notification) -> str:
        return absolute_url(notification.link)


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("How many notifications were unread and are now read."))


class NotificationFilterSerializer(serializers.Serializer):
    """The list's query parameters; any other value of `unread` is a field error (400), not ignored."""

    unread = serializers.ChoiceField(
        choices=[("1", "1"), ("0", "0")],
        required=False,
        allow_blank=True,
        help_text=_("1: only the unread ones (the response's `count` is then the unread count); 0 or empty: all."),
    )

    def unread_only(self) -> bool:
        return self.validated_data.get("unread") == "1"
