from django.urls import path

from workflows import views

app_name = "workflows"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:task_id>/", views.task_detail, name="task"),
    path("bulk/", views.bulk_decide, name="bulk"),
    path("without-decider/", views.without_decider, name="without_decider"),
]
