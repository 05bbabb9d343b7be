from django.utils.functional import SimpleLazyObject

from notifications.selectors import notification_unread_count


def unread_notifications(request):
    """The unread count for the header badge: one COUNT query, and only on pages that show it."""
    user = getattr(request, "user", None)
    if user is None:
        return {"unread_notifications": 0}
    return {"unread_notifications": SimpleLazyObject(lambda: notification_unread_count(user=user))}
