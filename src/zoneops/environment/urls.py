from django.urls import path

from . import views

urlpatterns = [
    path("", views.watch, name="environment-watch"),
    path("status.json", views.status, name="environment-status"),
    path("events/", views.events, name="environment-events"),
    path("stations/<int:pk>/", views.station_detail, name="environment-station"),
    path("stations/<int:pk>/series.json", views.series, name="environment-series"),
    path("stations/<int:pk>/export.csv", views.export_csv, name="environment-export"),
    path("stations/<int:pk>/maintenance/", views.maintenance_create,
         name="environment-maintenance-create"),
    path("maintenance/<int:pk>/end/", views.maintenance_end, name="environment-maintenance-end"),
]
