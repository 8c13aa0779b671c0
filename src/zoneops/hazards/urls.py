from django.urls import path

from . import views

urlpatterns = [
    path("", views.unit_list, name="hazards-unit-list"),
    path("units/<int:pk>/", views.unit_detail, name="hazards-unit-detail"),
]
