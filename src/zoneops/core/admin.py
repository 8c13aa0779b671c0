"""The admin site, for administrators' occasional edits. Writes are audited like every other write;
the audit trail itself is read-only here."""

from typing import Any

from django.contrib import admin

from .models import (
    Alert,
    AlertPolicy,
    ApiToken,
    AuditAction,
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
        record(request.user, AuditAction.UPDATE if change else AuditAction.CREATE, obj, before,
               snapshot(obj), reason="admin site")

    def delete_model(self, request, obj):
        record(request.user, AuditAction.DELETE, obj, snapshot(obj), None, reason="admin site")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ServiceAdmin(AuditedAdmin):
    """An admin page that writes through the module's services, as the pages do: the service
    runs inside the form's validation (its refusals land on the form's fields and nothing is
    written), then the admin saves nothing more. Subclasses name the two functions,
    `create(actor, data)` and `update(actor, obj, data)`, as staticmethods."""

    create: Any = None
    update: Any = None

    def get_form(self, request, obj=None, change=False, **kwargs):
        from django.core.exceptions import ValidationError

        form = super().get_form(request, obj, change=change, **kwargs)
        clean, page = form.clean, self

        def run(form_self):
            data = clean(form_self)
            if form_self.errors:
                return data
            changes = {k: v for k, v in data.items() if k in form_self.base_fields}
            try:
                form_self.instance = (
                    page.update(request.user, form_self.instance, changes)
                    if form_self.instance.pk else page.create(request.user, changes))
            except ValidationError as exc:
                raise ValidationError(exc.message_dict if hasattr(exc, "error_dict")
                                      else exc.messages) from exc
            return data

        form.clean = run
        return form

    def save_model(self, request, obj, form, change):
        pass  # the service wrote (and audited) it in the form's clean()


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


def _create_channel(actor, data):
    from .services.notify import CHANNEL_FIELDS, create_channel

    return create_channel(actor, data["unit"], {k: v for k, v in data.items()
                                               if k in CHANNEL_FIELDS})


def _update_channel(actor, channel, data):
    from .services.notify import CHANNEL_FIELDS, update_channel

    return update_channel(actor, channel, {k: v for k, v in data.items() if k in CHANNEL_FIELDS})


@admin.register(NotificationChannel)
class ChannelAdmin(ServiceAdmin):
    """Channels are written through notify.create_channel and notify.update_channel, so the
    admin site validates targets (e-mail address or http(s) robot URL) exactly as the unit page
    does, and audits."""

    list_display = ["unit", "kind", "target", "enabled"]
    list_filter = ["kind", "enabled"]
    fields = ["unit", "kind", "target", "secret", "enabled"]
    create = staticmethod(_create_channel)
    update = staticmethod(_update_channel)


@admin.register(AuditEntry)
class AuditAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "action_label", "content_type", "object_repr"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "actor_name", "reason"]


for model in (Alert, Unit, Enterprise, Place, User, ApiToken, Delivery, Notification,
              LoginAttempt):
    admin.site.register(model, ReadOnlyAdmin)
