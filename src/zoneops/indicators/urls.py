from django.urls import path

from . import views

urlpatterns = [
    path("", views.overview, name="indicators-overview"),
    path("claims/", views.claims, name="indicators-claims"),
]
