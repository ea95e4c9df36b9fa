"""``{% load concerns %}``: the overdue flag, and the earlier concerns of a meeting's cell."""

from django import template

from capuy.concerns.selectors import concerns_earlier_for_meeting

register = template.Library()


@register.filter
def concern_overdue(concern, today) -> bool:
    return concern.is_overdue(today)


@register.inclusion_tag("concerns/_earlier_for_meeting.html", takes_context=True)
def earlier_concerns(context, meeting):
    """``{% earlier_concerns meeting %}`` on a meeting page: how the concerns raised at this
    cell's earlier meetings stand now (the loop closes at the cell)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"meeting": meeting, "earlier_concerns": concerns_earlier_for_meeting(meeting, user)}
