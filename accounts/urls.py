from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("sso/refused/", views.sso_refused, name="sso_refused"),
    path("profile/deputies/", views.deputy_add, name="deputy_add"),
    path("profile/deputies/<int:deputyship_id>/end/", views.deputy_cancel, name="deputy_cancel"),
    path("profile/sessions/<int:session_id>/end/", views.session_revoke, name="session_revoke"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
