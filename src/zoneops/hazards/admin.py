"""Administrators keep the park's lists here: sensitive places (what a threat zone counts),
emergency resources and plans. Audited like every other write."""

from django.contrib import admin

from zoneops.core.admin import AuditedAdmin

from .models import Plan, Resource, SensitivePlace


@admin.register(SensitivePlace)
class SensitivePlaceAdmin(AuditedAdmin):
    list_display = ("name", "kind", "population", "longitude", "latitude")
    list_filter = ("kind",)


@admin.register(Resource)
class ResourceAdmin(AuditedAdmin):
    list_display = ("name", "kind", "quantity", "measure", "contact", "phone")
    list_filter = ("kind",)


@admin.register(Plan)
class PlanAdmin(AuditedAdmin):
    list_display = ("title", "unit", "version")
