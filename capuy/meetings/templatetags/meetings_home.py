"""``{% cell_secretary_home %}``: the cell secretary's part of the home page (journey 1).

Included by core/home.html through ``meetings/_home_cell.html``, so the home view needs no
change; it renders nothing for users who are not cell secretaries.
"""

from django import template

from capuy.meetings.selectors import home_cell_meetings

register = template.Library()


@register.inclusion_tag("meetings/_home_cell_body.html", takes_context=True)
def cell_secretary_home(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    rows = home_cell_meetings(user) if user is not None and user.is_authenticated else []
    return {"rows": rows}
