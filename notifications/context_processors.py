from django.utils.functional import SimpleLazyObject

from notifications.selectors import notification_unread_badge


def unread_notifications(request):
    """The unread count for the header badge: one COUNT query, and only on pages that show it."""
    user = getattr(request, "user", None)
    if user is None:
        return {"unread_notifications": ""}
    return {"unread_notifications": SimpleLazyObject(lambda: notification_unread_badge(user=user))}
