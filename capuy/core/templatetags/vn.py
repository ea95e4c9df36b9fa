"""Template filters for Vietnamese display: {{ n|vn_number }} → 1.532, {{ p|vn_percent }} → 90,33%."""

from django import template

from capuy.core import vntext

register = template.Library()


@register.filter
def vn_number(value, decimals=0):
    if value is None or value == "":
        return ""
    return vntext.format_number(value, int(decimals))


@register.filter
def vn_percent(value, decimals=2):
    if value is None or value == "":
        return ""
    return vntext.format_percent(value, int(decimals))


@register.filter
def vn_date(value):
    return vntext.format_date(value)


@register.filter
def vnd(value):
    if value is None or value == "":
        return ""
    return vntext.format_vnd(value)
