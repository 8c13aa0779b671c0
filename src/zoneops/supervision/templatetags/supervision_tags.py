from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """A dict's value in a template: {{ counts|get_item:'red' }}."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
