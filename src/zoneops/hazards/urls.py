from django.urls import path

from . import views

urlpatterns = [
    path("", views.unit_list, name="hazards-unit-list"),
    path("units/<int:pk>/", views.unit_detail, name="hazards-unit-detail"),
    path("units/<int:pk>/board/", views.unit_board, name="hazards-unit-board"),
    path("duties/", views.duty_week, name="hazards-duty-week"),
    path("duties/<int:pk>/record/", views.duty_record, name="hazards-duty-record"),
    path("duties/photos/<int:pk>/", views.duty_photo, name="hazards-duty-photo"),
]
