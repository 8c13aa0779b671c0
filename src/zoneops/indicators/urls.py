from django.urls import path

from . import review_views, views

urlpatterns = [
    path("", views.overview, name="indicators-overview"),
    path("<int:pk>/", views.indicator_detail, name="indicators-detail"),
    path("claims/", views.claims, name="indicators-claims"),
    path("import/", views.bureau_import, name="indicators-import"),
    path("screen/", views.screen, name="indicators-screen"),
    path("bulletin/", views.bulletin, name="indicators-bulletin"),
    path("bulletin.<str:fmt>", views.bulletin_download, name="indicators-bulletin-download"),
    path("import/peers/", views.peer_import, name="indicators-import-peers"),
    path("review/", review_views.review, name="indicators-review"),
    path("review/<int:pk>/approve/", review_views.approve, name="indicators-review-approve"),
    path("review/<int:pk>/return/", review_views.return_entry, name="indicators-review-return"),
    path("submissions/", review_views.mine, name="indicators-submissions"),
]
