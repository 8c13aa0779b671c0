from django.urls import path

from . import views

urlpatterns = [
    path("", views.chain, name="water-chain"),
    path("status.json", views.status, name="water-status"),
    path("balance/", views.balance_table, name="water-balance"),
    path("report/", views.monthly, name="water-report"),
    path("report.xlsx", views.monthly_xlsx, name="water-report-xlsx"),
    path("report.docx", views.monthly_docx, name="water-report-docx"),
    path("points/<int:pk>/", views.point_detail, name="water-point"),
    path("points/<int:pk>/series.json", views.series, name="water-series"),
    path("points/<int:pk>/export.csv", views.export_csv, name="water-export"),
]
