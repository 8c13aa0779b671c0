from django.urls import path

from . import views

urlpatterns = [
    path("", views.unit_list, name="hazards-unit-list"),
    path("units/<int:pk>/", views.unit_detail, name="hazards-unit-detail"),
    path("units/new/", views.unit_edit, name="hazards-unit-new"),
    path("units/<int:pk>/edit/", views.unit_edit, name="hazards-unit-edit"),
    path("units/<int:pk>/equipment/", views.unit_equipment, name="hazards-unit-equipment"),
    path("units/<int:pk>/board/", views.unit_board, name="hazards-unit-board"),
    path("duties/", views.duty_week, name="hazards-duty-week"),
    path("duties/<int:pk>/record/", views.duty_record, name="hazards-duty-record"),
    path("duties/photos/<int:pk>/", views.duty_photo, name="hazards-duty-photo"),
    path("incidents/", views.incident_list, name="hazards-incident-list"),
    path("incidents/new/", views.incident_new, name="hazards-incident-new"),
    path("incidents/<int:pk>/", views.incident_detail, name="hazards-incident-detail"),
    path("incidents/<int:pk>/zone/", views.incident_zone, name="hazards-incident-zone"),
    path("incidents/<int:pk>/tasks/", views.incident_task, name="hazards-incident-task"),
    path("incidents/<int:pk>/tasks/<int:task_pk>/done/", views.task_done,
         name="hazards-task-done"),
    path("incidents/<int:pk>/tasks/<int:task_pk>/close/", views.task_close,
         name="hazards-task-close"),
    path("incidents/<int:pk>/notify/", views.incident_notify, name="hazards-incident-notify"),
    path("incidents/<int:pk>/note/", views.incident_note, name="hazards-incident-note"),
    path("incidents/<int:pk>/close/", views.incident_close, name="hazards-incident-close"),
    path("incidents/<int:pk>/report.docx", views.incident_report,
         name="hazards-incident-report"),
]
