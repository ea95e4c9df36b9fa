"""Concern pages: the filtered list, the groupings by agency and by locality, the detail with
its event timeline and the status change. Views parse input, call a selector or a service,
and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from capuy.core.forms import add_service_errors
from capuy.core.history import history_rows
from capuy.members.selectors import list_page, parse_page_number
from capuy.reports.grouping import org_choices

from . import services
from .choices import CLOSED_STATUSES, ConcernStatus
from .forms import ConcernFilterForm, ConcernTransitionForm
from .selectors import (
    concern_events,
    concern_get,
    concern_list,
    concerns_by_agency,
    concerns_by_locality,
    today,
)

INVALID = 422


def _filtered(request):
    form = ConcernFilterForm(request.GET, user=request.user)
    if form.is_valid():
        qs = concern_list(request.user, **form.filters())
    else:
        qs = concern_list(request.user).none()
    return form, qs


def _context(request, form, **extra) -> dict:
    return {
        "form": form,
        "org_choices": org_choices(request.user),
        "selected_org": form.cleaned_data.get("org") if form.is_valid() else None,
        "today": today(),
        **extra,
    }


@login_required
@require_GET
def concern_list_view(request):
    form, qs = _filtered(request)
    page = list_page(qs, parse_page_number(request.GET.get("page")))
    return render(request, "concerns/list.html", _context(request, form, page=page))


@login_required
@require_GET
def concern_by_agency(request):
    form, qs = _filtered(request)
    rows = concerns_by_agency(qs)
    return render(request, "concerns/by_agency.html", _context(request, form, rows=rows))


@login_required
@require_GET
def concern_by_locality(request):
    form, qs = _filtered(request)
    org = form.cleaned_data.get("org") if form.is_valid() else None
    groups = concerns_by_locality(request.user, qs, org) if form.is_valid() else []
    return render(
        request, "concerns/by_locality.html", _context(request, form, groups=groups, org=org)
    )


def _detail(request, concern, form=None, status=200):
    statuses = [
        s
        for s in services.allowed_next(concern.status)
        if services.may_transition(request.user, concern, s)
    ]
    if form is None and statuses:
        form = ConcernTransitionForm(statuses=statuses)
    context = {
        "concern": concern,
        "events": concern_events(concern),
        "form": form if statuses else None,
        "overdue": concern.is_overdue(today()),
        "closed": concern.status in CLOSED_STATUSES,
        "status_labels": dict(ConcernStatus.choices),
    }
    return render(request, "concerns/detail.html", context, status=status)


@login_required
@require_GET
def concern_detail(request, pk):
    return _detail(request, concern_get(request.user, pk))


@login_required
@require_POST
def concern_transition(request, pk):
    concern = concern_get(request.user, pk)
    statuses = [
        s
        for s in services.allowed_next(concern.status)
        if services.may_transition(request.user, concern, s)
    ]
    if not statuses:
        return _detail(request, concern, status=403)
    form = ConcernTransitionForm(request.POST, statuses=statuses)
    if form.is_valid():
        try:
            services.concern_transition(acting_user=request.user, concern=concern, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã cập nhật tình trạng kiến nghị."))
            return redirect("concerns:detail", pk=concern.pk)
    return _detail(request, concern, form=form, status=INVALID)


@login_required
@require_GET
def concern_history(request, pk):
    concern = concern_get(request.user, pk)
    return render(
        request, "concerns/history.html", {"concern": concern, "rows": history_rows(concern)}
    )
