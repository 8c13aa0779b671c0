"""The navigation a person sees depends on their role; modules add their entries here."""

from __future__ import annotations

from django.urls import reverse

from . import permissions as perm
from .registry import NAV_ITEMS
from .selectors import unread_count


def navigation(request):
    user = request.user
    if not user.is_authenticated:
        return {}
    items = [{"url": reverse(item.url_name), "label": item.label, "name": item.url_name}
             for item in NAV_ITEMS if item.visible(user)]
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match else ""
    return {"nav_items": items, "nav_current": current, "unread_notifications": unread_count(user),
            "user_role_label": user.get_role_display() if not user.is_superuser
            else perm.Role.ADMIN.label}
