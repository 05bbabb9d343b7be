from django.urls import path

from incoming import views

app_name = "incoming"
urlpatterns = [
    path("", views.incoming_list_page, name="list"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<int:invitation_id>/", views.invitation_detail, name="invitation"),
    path("invitations/<int:invitation_id>/resend/", views.invitation_resend, name="invitation_resend"),
    path("invitations/<int:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    # The partner's page and the nominee's first sign-in: the token in the address is the key.
    path("partner/<str:token>/", views.partner_page, name="partner"),
    path("welcome/<str:token>/", views.welcome, name="welcome"),
    path("<int:application_id>/", views.incoming_detail, name="detail"),
    path("<int:application_id>/edit/", views.incoming_edit, name="edit"),
    path("<int:application_id>/documents/", views.incoming_upload, name="upload"),
    path("<int:application_id>/documents/<int:document_id>/", views.incoming_document, name="document"),
    path(
        "<int:application_id>/documents/<int:document_id>/preview/<int:page>.png",
        views.incoming_document_preview,
        name="document_preview",
    ),
    path("<int:application_id>/submit/", views.incoming_submit, name="submit"),
    path("<int:application_id>/invite/", views.incoming_invite_again, name="invite_again"),
    path("<int:application_id>/withdraw/", views.incoming_withdraw, name="withdraw"),
]
