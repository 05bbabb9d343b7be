from django.urls import path

from selection import views

app_name = "selection"
urlpatterns = [
    path("calls/<int:call_id>/", views.call_selection, name="call"),
    path("calls/<int:call_id>/criteria/", views.criterion_add, name="criterion_add"),
    path("calls/<int:call_id>/criteria/<int:criterion_id>/", views.criterion_edit, name="criterion_edit"),
    path("calls/<int:call_id>/criteria/<int:criterion_id>/delete/", views.criterion_delete, name="criterion_delete"),
    path("calls/<int:call_id>/scores/", views.score_sheet_page, name="scores"),
    path("calls/<int:call_id>/run/", views.selection_run, name="run"),
    path("results/<int:selection_id>/", views.result_detail, name="result"),
    path("results/<int:selection_id>/submit/", views.result_submit, name="submit"),
    path("offers/", views.my_offers, name="offers"),
    path("offers/<int:offer_id>/", views.offer_detail, name="offer"),
]
urlpatterns += [
    path("appeals/new/<int:application_id>/", views.appeal_new, name="appeal_new"),
    path("appeals/<int:appeal_id>/", views.appeal_detail, name="appeal"),
]
