from django.urls import path

from . import views

urlpatterns = [
    path("", views.overview, name="indicators-overview"),
    path("<int:pk>/", views.indicator_detail, name="indicators-detail"),
    path("claims/", views.claims, name="indicators-claims"),
    path("import/", views.bureau_import, name="indicators-import"),
    path("screen/", views.screen, name="indicators-screen"),
    path("bulletin/", views.bulletin, name="indicators-bulletin"),
    path("bulletin.<str:fmt>", views.bulletin_download, name="indicators-bulletin-download"),
    path("import/peers/", views.peer_import, name="indicators-import-peers"),
]
