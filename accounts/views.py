"""The user's own settings: the profile page (language, notification preferences, deputies, signed-in sessions,
API tokens), the header's language switch, and the API tokens page (list them, make one — its key shown on the
answer page, once — revoke one)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from accounts import services
from accounts.forms import ApiTokenForm, DeputyshipForm, LanguageForm
from accounts.permissions import is_approver
from accounts.selectors import (
    api_token_list,
    deputising_list,
    deputy_candidates,
    deputyship_list,
    user_session_list,
)


@never_cache
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, key = services.api_token_create(user=request.user, client=form.cleaned_data["client"])
        # Rendered, not redirected: the key exists only in this answer (never_cache keeps it out of caches).
        return render(request, "accounts/token_created.html", {"token": token, "key": key})
    return render(request, "accounts/tokens.html", {"form": form, "tokens": api_token_list(user=request.user)})


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    services.api_token_revoke(user=request.user, token_id=token_id)
    messages.success(request, _("The token is revoked: it no longer works."))
    return redirect("accounts:tokens")


def set_language(request: HttpRequest) -> HttpResponse:
    """The header's language switch: Django's (the cookie, back to the page), and for a signed-in user their
    preferred language too, so that the pages after their next login and their emails follow it."""
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_language_set(user=request.user, language=language)
    return django_set_language(request)


def _profile_context(request: HttpRequest, **forms) -> dict:
    user = request.user
    approver = is_approver(user)
    context = {
        "language_form": LanguageForm(initial={"preferred_language": user.preferred_language}),
        "deputy_form": DeputyshipForm(candidates=deputy_candidates(principal=user)) if approver else None,
        "is_approver_user": approver,
        "deputies": deputyship_list(principal=user) if approver else [],
        "deputising": deputising_list(deputy=user),
        "sessions": user_session_list(user=user),
        "current_session_key": request.session.session_key,
        "token_count": api_token_list(user=user).count(),
    }
    context.update(forms)
    return context


@never_cache
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The user's own settings on one page."""
    if request.method == "POST":
        form = LanguageForm(request.POST)
        if form.is_valid():
            services.user_language_set(user=request.user, language=form.cleaned_data["preferred_language"])
            messages.success(request, _("Your language is saved."))
            return redirect("accounts:profile")
        return render(request, "accounts/profile.html", _profile_context(request, language_form=form), status=400)
    return render(request, "accounts/profile.html", _profile_context(request))


@login_required
@require_POST
def deputy_add(request: HttpRequest) -> HttpResponse:
    form = DeputyshipForm(request.POST, candidates=deputy_candidates(principal=request.user))
    if form.is_valid():
        try:
            services.deputyship_create(actor=request.user, principal=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Your deputy is named."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", _profile_context(request, deputy_form=form), status=400)


@login_required
@require_POST
def deputy_cancel(request: HttpRequest, deputyship_id: int) -> HttpResponse:
    services.deputyship_cancel(actor=request.user, deputyship_id=deputyship_id)
    messages.success(request, _("The deputy no longer stands in for you."))
    return redirect("accounts:profile")


@login_required
@require_POST
def session_revoke(request: HttpRequest, session_id: int) -> HttpResponse:
    services.user_session_revoke(user=request.user, session_id=session_id)
    messages.success(request, _("That session is ended: the browser is signed out."))
    return redirect("accounts:profile")


# --- single sign-on -------------------------------------------------------------------------------------------------


def sso_refused(request: HttpRequest) -> HttpResponse:
    """Where a sign-in through the identity provider ends when it cannot go on (the claims map to no role or no
    known department; a refused assertion): why, and whom to ask. Never a server error."""
    from accounts.sso import REFUSAL_SESSION_KEY

    reason = request.session.pop(REFUSAL_SESSION_KEY, "") if hasattr(request, "session") else ""
    return render(request, "registration/sso_refused.html", {"reason": reason}, status=403)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Log out: this session ends; after a single sign-on, the provider's session too where it supports it
    (OpenID Connect RP-initiated logout; SAML single logout)."""
    from urllib.parse import urlencode

    from django.contrib.auth import logout as auth_logout

    from accounts.models import UserSession
    from accounts.oidc import oidc_enabled, oidc_setting
    from accounts.saml import saml_enabled

    key = request.session.session_key
    method = UserSession.objects.filter(session_key=key).values_list("method", flat=True).first() if key else None
    if method == "saml" and saml_enabled() and request.user.is_authenticated:
        return redirect("saml2_logout")
    id_token = request.session.get("oidc_id_token")
    auth_logout(request)
    if method == "oidc" and id_token and oidc_enabled():
        endpoint = oidc_setting("OIDC_OP_LOGOUT_ENDPOINT", "")
        if endpoint:
            back = request.build_absolute_uri(settings.LOGOUT_REDIRECT_URL)
            query = urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": back})
            return redirect(f"{endpoint}{'&' if '?' in endpoint else '?'}{query}")
    return redirect(settings.LOGOUT_REDIRECT_URL)
