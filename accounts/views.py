"""The user's own API tokens: list them, make one (its key shown on the answer page, once), revoke one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import services
from accounts.forms import ApiTokenForm
from accounts.selectors import api_token_list


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
