"""The user's notification pages: the in-app list (mark one or all read) and the preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications import services
from notifications.forms import PreferencesForm, field_name
from notifications.models import Channel
from notifications.selectors import notification_list as select_notifications
from notifications.selectors import notification_preferences

PER_PAGE = 50


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(select_notifications(user=request.user, unread_only=unread_only), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/list.html", {"page": page, "unread_only": unread_only})


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read; with `open`, go on to what it is about."""
    notification = services.notification_mark_read(user=request.user, notification_id=notification_id)
    if request.POST.get("open") and url_has_allowed_host_and_scheme(
        notification.link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notification.link)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    current = notification_preferences(user=request.user)
    form = PreferencesForm(request.POST or None, initial=PreferencesForm.initial_from(current))
    if request.method == "POST" and form.is_valid():
        services.notification_preferences_set(
            user=request.user,
            enabled=form.enabled_pairs(),
            digest=form.cleaned_data["digest"] if current["digest_offered"] else None,
            kinds=[row["kind"] for row in current["rows"] if not row["mandatory"]],
        )
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notifications:preferences")
    rows = [
        {
            **row,
            "email_field": None if row["mandatory"] else form[field_name(row["kind"], Channel.EMAIL)],
            "in_app_field": None if row["mandatory"] else form[field_name(row["kind"], Channel.IN_APP)],
        }
        for row in current["rows"]
    ]
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "rows": rows, "digest_offered": current["digest_offered"]},
    )
