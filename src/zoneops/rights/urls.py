from django.urls import path

from . import views

urlpatterns = [
    path("", views.holdings, name="rights-holdings"),
]
