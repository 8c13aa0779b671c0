"""The public certificate check, mounted at /certificate/ by the root urls (exempt from
login, like /vote/)."""

from django.urls import path

from . import views

urlpatterns = [path("", views.check, name="rights-check")]
