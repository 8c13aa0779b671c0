from django.urls import path

from . import air_views, views

urlpatterns = [
    path("", views.overview, name="indicators-overview"),
    path("<int:pk>/", views.indicator_detail, name="indicators-detail"),
    path("claims/", views.claims, name="indicators-claims"),
    path("import/", views.bureau_import, name="indicators-import"),
    path("screen/", views.screen, name="indicators-screen"),
    path("air/", air_views.air_month, name="indicators-air"),
    path("air/day/<str:day>/", air_views.air_day, name="indicators-air-day"),
]
