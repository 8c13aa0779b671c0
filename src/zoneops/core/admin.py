"""The admin site, for administrators' occasional edits. Writes are audited like every other write;
the audit trail itself is read-only here."""

from django.contrib import admin

from .models import (
    Alert,
    AlertPolicy,
    ApiToken,
    AuditEntry,
    Delivery,
    Enterprise,
    LoginAttempt,
    Notification,
    NotificationChannel,
    Place,
    Unit,
    User,
)
from .services.audit import record, snapshot


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        record(request.user, "update" if change else "create", obj, before, snapshot(obj),
               reason="admin site")

    def delete_model(self, request, obj):
        record(request.user, "delete", obj, snapshot(obj), None, reason="admin site")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AlertPolicy)
class AlertPolicyAdmin(AuditedAdmin):
    list_display = ["level", "acknowledge_minutes", "resolve_minutes"]


@admin.register(NotificationChannel)
class ChannelAdmin(AuditedAdmin):
    list_display = ["unit", "kind", "target", "enabled"]
    list_filter = ["kind", "enabled"]


@admin.register(AuditEntry)
class AuditAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "action", "content_type", "object_repr"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "actor_name", "reason"]


for model in (Alert, Unit, Enterprise, Place, User, ApiToken, Delivery, Notification,
              LoginAttempt):
    admin.site.register(model, ReadOnlyAdmin)
