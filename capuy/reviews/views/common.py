"""Small helpers shared by the review views."""

from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from capuy.core.scoping import VIEW

from .. import selectors

INVALID = 422  # the form is re-rendered with its errors; htmx swaps 422 (see base.html)


def cycle_or_404(user, pk, action=VIEW):
    cycle = selectors.cycle_visible_to(user, pk, action)
    if cycle is None:
        raise Http404(_("Không tìm thấy đợt đánh giá hoặc đợt ngoài phạm vi của bạn."))
    return cycle


def review_or_404(user, pk, action=VIEW):
    review = selectors.review_visible_to(user, pk, action)
    if review is None:
        raise Http404(_("Không tìm thấy đối tượng hoặc đối tượng ngoài phạm vi của bạn."))
    return review


def done(request, url):
    """After a successful write: a normal redirect, or a client-side one for htmx."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)
