"""The selection's endpoints under /api/v1/selection/ (included by config/api_urls.py)."""

from django.urls import path

from selection import api

urlpatterns = [
    path("selection/calls/<int:call_id>/", api.CallSelectionView.as_view(), name="api-selection-call"),
    path("selection/calls/<int:call_id>/criteria/", api.CriteriaView.as_view(), name="api-selection-criteria"),
    path(
        "selection/calls/<int:call_id>/criteria/<int:criterion_id>/",
        api.CriterionView.as_view(),
        name="api-selection-criterion",
    ),
    path("selection/calls/<int:call_id>/scores/", api.ScoresView.as_view(), name="api-selection-scores"),
    path("selection/calls/<int:call_id>/bonuses/", api.BonusesView.as_view(), name="api-selection-bonuses"),
    path("selection/calls/<int:call_id>/run/", api.RunView.as_view(), name="api-selection-run"),
    path("selection/results/<int:selection_id>/", api.ResultView.as_view(), name="api-selection-result"),
    path("selection/results/<int:selection_id>/submit/", api.ResultSubmitView.as_view(), name="api-selection-submit"),
    path(
        "selection/results/<int:selection_id>/history/",
        api.ResultHistoryView.as_view(),
        name="api-selection-history",
    ),
    path("selection/offers/", api.OfferListView.as_view(), name="api-selection-offers"),
    path("selection/offers/<int:offer_id>/accept/", api.OfferAcceptView.as_view(), name="api-selection-accept"),
    path("selection/offers/<int:offer_id>/decline/", api.OfferDeclineView.as_view(), name="api-selection-decline"),
    path("selection/appeals/", api.AppealListView.as_view(), name="api-selection-appeals"),
    path("selection/appeals/<int:appeal_id>/", api.AppealView.as_view(), name="api-selection-appeal"),
]
