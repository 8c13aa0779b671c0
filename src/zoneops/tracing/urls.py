from django.urls import path

from . import views

urlpatterns = [
    path("points/", views.point_list, name="tracing-points"),
    path("points/new/<int:enterprise_pk>/", views.point_new, name="tracing-point-new"),
    path("points/<int:pk>/edit/", views.point_edit, name="tracing-point-edit"),
    path("alerts/<int:alert_pk>/trace/", views.request_trace, name="tracing-request"),
    path("suspects/<int:pk>/decide/", views.decide, name="tracing-decide"),
    path("live.json", views.live, name="tracing-live"),
    path("odour/", views.odour_queue, name="tracing-odour-queue"),
    path("odour/<int:pk>/", views.odour_detail, name="tracing-odour"),
    path("odour/<int:pk>/photo/", views.odour_photo, name="tracing-odour-photo"),
]
