from django.urls import path

from . import views, views_projects

urlpatterns = [
    path("", views.holdings, name="rights-holdings"),
    path("market/", views.market, name="rights-market"),
    path("market/new/", views.lot_new, name="rights-lot-new"),
    path("market/<int:pk>/", views.lot_detail, name="rights-lot"),
    path("market/<int:pk>/price/", views.lot_price, name="rights-lot-price"),
    path("market/<int:pk>/bid/", views.lot_bid, name="rights-lot-bid"),
    path("market/<int:pk>/deposit/", views.lot_deposit, name="rights-lot-deposit"),
    path("certificates/", views.certificates, name="rights-certificates"),
    path("certificates/<int:pk>/", views.certificate_detail, name="rights-certificate"),
    path("certificates/<int:pk>/docx/", views.certificate_docx,
         name="rights-certificate-docx"),
    path("ledger/", views.ledger, name="rights-ledger"),
    path("discharge/", views.discharge, name="rights-discharge"),
    path("projects/", views_projects.project_list, name="rights-projects"),
    path("ledger/export.xlsx", views.ledger_export, name="rights-ledger-export"),
]
