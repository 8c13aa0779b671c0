from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def audit_value(value):
    """A recorded value as a person reads it: local time for timestamps, 是/否 for booleans."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return date_format(moment, "Y-m-d H:i:s")
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "—"
    return value
