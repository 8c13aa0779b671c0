"""Administrators keep the park's lists here: sensitive places (what a threat zone counts),
emergency resources and plans. Written through the services, like the pages."""

from django.contrib import admin

from zoneops.core.admin import ServiceAdmin

from . import services
from .models import Plan, Resource, SensitivePlace


@admin.register(SensitivePlace)
class SensitivePlaceAdmin(ServiceAdmin):
    list_display = ("name", "kind", "population", "longitude", "latitude")
    list_filter = ("kind",)
    create = staticmethod(services.create_sensitive_place)
    update = staticmethod(services.update_sensitive_place)


@admin.register(Resource)
class ResourceAdmin(ServiceAdmin):
    list_display = ("name", "kind", "quantity", "measure", "contact", "phone")
    list_filter = ("kind",)
    create = staticmethod(services.create_resource)
    update = staticmethod(services.update_resource)


@admin.register(Plan)
class PlanAdmin(ServiceAdmin):
    list_display = ("title", "unit", "version")
    create = staticmethod(services.create_plan)
    update = staticmethod(services.update_plan)
