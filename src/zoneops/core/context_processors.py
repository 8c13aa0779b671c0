"""The navigation a person sees depends on their role; modules add their entries here."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import permissions as perm
from .selectors import unread_count

# (url name, label, who sees it). Later modules append their own entries.
NAV_ITEMS = [
    ("home", _("Dashboard"), lambda u: True),
    ("alert-list", _("Alerts"), lambda u: True),
    ("map", _("Map"), perm.is_internal),
    ("unit-list", _("Units"), perm.is_internal),
    ("enterprise-list", _("Enterprises"), lambda u: perm.role_of(u) is not None),
    ("user-list", _("People"), perm.can_manage_registry),
    ("audit-list", _("Audit trail"), perm.is_admin),
]


def navigation(request):
    user = request.user
    if not user.is_authenticated:
        return {}
    items = [{"url": reverse(name), "label": label, "name": name}
             for name, label, visible in NAV_ITEMS if visible(user)]
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match else ""
    return {"nav_items": items, "nav_current": current, "unread_notifications": unread_count(user),
            "user_role_label": user.get_role_display() if not user.is_superuser
            else perm.Role.ADMIN.label}
