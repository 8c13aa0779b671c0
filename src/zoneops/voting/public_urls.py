"""The residents' public site, mounted at /vote/ by the root urls (exempt from login)."""

from django.urls import path

from . import public_views as views

urlpatterns = [
    path("", views.index, name="vote-index"),
    path("<int:pk>/", views.campaign, name="vote-campaign"),
    path("<int:pk>/projects/<int:number>/", views.candidate, name="vote-candidate"),
    path("<int:pk>/photos/<int:photo_pk>/", views.photo, name="vote-photo"),
    path("<int:pk>/verify/", views.verify, name="vote-verify"),
    path("<int:pk>/ballot/", views.ballot, name="vote-ballot"),
    path("<int:pk>/withdraw/", views.withdraw, name="vote-withdraw"),
    path("<int:pk>/results/", views.results, name="vote-results"),
]
