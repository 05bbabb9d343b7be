"""The EWP-shaped endpoints (included by config/api_urls.py under /api/ewp/)."""

from django.urls import path

from agreements.ewp import endpoints

urlpatterns = [
    path("iias/v7/index", endpoints.iias_index, name="ewp-iias-index"),
    path("iias/v7/get", endpoints.iias_get, name="ewp-iias-get"),
    path("iias-approval/v2/get", endpoints.iia_approvals_get, name="ewp-iia-approvals-get"),
]
