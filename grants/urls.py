from django.urls import path

from grants import views

app_name = "grants"
urlpatterns = [
    path("calls/<int:call_id>/", views.call_nominations, name="call"),
    path("calls/<int:call_id>/nominate/", views.nominate, name="nominate"),
    path("calls/<int:call_id>/grants.csv", views.call_grants_export, name="export"),
    path("nominations/<int:nomination_id>/letter/", views.nomination_letter, name="letter"),
    path("rates/", views.rates, name="rates"),
    path("rates/new/", views.rate_table_edit, name="rate_table_new"),
    path("rates/<int:table_id>/", views.rate_table_edit, name="rate_table"),
]
