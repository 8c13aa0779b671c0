from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("map/", views.map_view, name="map"),
    path("map/places.geojson", views.places_geojson, name="places-geojson"),
    path("units/", views.unit_list, name="unit-list"),
    path("units/new/", views.unit_edit, name="unit-new"),
    path("units/<int:pk>/", views.unit_detail, name="unit-detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit-edit"),
    path("units/<int:unit_pk>/channels/new/", views.channel_edit, name="channel-new"),
    path("units/<int:unit_pk>/channels/<int:pk>/", views.channel_edit, name="channel-edit"),
    path("enterprises/", views.enterprise_list, name="enterprise-list"),
    path("enterprises/new/", views.enterprise_edit, name="enterprise-new"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise-detail"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise-edit"),
    path("people/", views.user_list, name="user-list"),
    path("people/new/", views.user_edit, name="user-new"),
    path("people/<int:pk>/edit/", views.user_edit, name="user-edit"),
    path("audit/", views.audit_list, name="audit-list"),
    path("alerts/", views.alert_list, name="alert-list"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert-detail"),
    path("alerts/<int:pk>/attachments/<int:attachment_pk>/", views.alert_attachment,
         name="alert-attachment"),
    path("alerts/<int:pk>/<str:action>/", views.alert_action, name="alert-action"),
    path("notifications/", views.notification_list, name="notification-list"),
    path("account/tokens/", views.token_list, name="token-list"),
    path("account/password/", views.password_change, name="password-change"),
]
