from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.item_list, name="item-list"),
    path("items/<int:pk>/", views.item_detail, name="item-detail"),
    path("items/<int:pk>/report/", views.report, name="item-report"),
    path("items/<int:pk>/attachments/<int:attachment_pk>/", views.attachment,
         name="item-attachment"),
    path("items/<int:pk>/<str:action>/", views.item_action, name="item-action"),
    path("items/<int:pk>/<str:action>/<int:obj>/", views.item_action, name="item-action-on"),
    path("review/", views.review, name="review"),
    path("reports/<int:pk>/<str:action>/", views.report_action, name="report-action"),
    path("import/", views.import_view, name="import"),
    path("import/template.xlsx", views.import_template, name="import-template"),
    path("export.xlsx", views.export, name="export"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/screen/", views.screen, name="screen"),
    path("monthly/", views.monthly, name="monthly"),
    path("monthly/<str:month>.<str:fmt>", views.monthly_download, name="monthly-download"),
    path("monthly/<str:month>/draft/", views.monthly_draft, name="monthly-draft"),
]
