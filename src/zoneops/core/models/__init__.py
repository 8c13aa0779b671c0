from .alerts import Alert, AlertAttachment, AlertPolicy
from .audit import AuditAction, AuditEntry
from .notifications import Delivery, Notification, NotificationChannel
from .org import Enterprise, Unit, UnitAlias
from .people import ApiToken, LoginAttempt, Role, User
from .places import Place

__all__ = [
    "Alert", "AlertAttachment", "AlertPolicy", "ApiToken", "AuditAction", "AuditEntry", "Delivery",
    "Enterprise", "LoginAttempt", "Notification", "NotificationChannel", "Place", "Role",
    "Unit", "UnitAlias", "User",
]
