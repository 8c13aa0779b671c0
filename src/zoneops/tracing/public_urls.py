"""The residents' odour reports, mounted at /odour/ by the root urls (exempt from login)."""

from django.urls import path

from . import public_views as views

urlpatterns = [
    path("", views.report, name="odour-report"),
    path("t/", views.find, name="odour-find"),
    path("t/<str:code>/", views.track, name="odour-track"),
]
