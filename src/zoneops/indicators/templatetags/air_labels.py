"""The air pages' words that come from the standards' data files (HJ 633-2012 category names,
averaging times): shown in the reader's language, the stored names left as the data has them."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# HJ 633-2012 Table 2 categories (the data file's Chinese names) and the standard's English.
CATEGORIES = {
    "优": _("Excellent"),
    "良": _("Good"),
    "轻度污染": _("Lightly polluted"),
    "中度污染": _("Moderately polluted"),
    "重度污染": _("Heavily polluted"),
    "严重污染": _("Severely polluted"),
}
AVERAGING = {"24 h": _("24-h mean"), "daily max 8 h": _("daily max 8-h mean"),
             "daily max 1 h": _("daily max 1-h mean")}


@register.filter
def aqi_category(name: str | None) -> str:
    return str(CATEGORIES.get(name, name or ""))


@register.filter
def averaging(name: str | None) -> str:
    return str(AVERAGING.get(name, name or ""))
