"""Setting a cell's life up: recurring schedules and the attendance regulation with its quotas.

Same rules as capuy.meetings.views: scoped fetches (404 outside scope), writes through the
services, which decide who may write.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from capuy.core.forms import add_service_errors
from capuy.core.history import history_rows
from capuy.core.scoping import CHANGE, can

from . import access, selectors, services
from .forms import RuleForm, ScheduleForm
from .views import INVALID, _done, _filter_org, _int_param, _org_param, _page

# --- schedules ---------------------------------------------------------------------------------


@login_required
@require_GET
def schedule_list(request):
    org = _filter_org(request.user, _int_param(request, "org"))
    rows = selectors.schedule_list(request.user, organization=org or None)
    if org is False:
        rows = rows.none()
    page, page_query = _page(request, rows)
    return render(
        request,
        "meetings/schedule_list.html",
        {"page": page, "page_query": page_query, "organization": org or None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def schedule_create(request):
    cell = _org_param(request, "cell")
    if cell is None:
        raise Http404
    if not access.may_run_cell(request.user, cell):
        raise PermissionDenied
    form = ScheduleForm(request.POST or None, initial={"every_months": 1})
    if request.method == "POST" and form.is_valid():
        try:
            schedule = services.schedule_create(
                acting_user=request.user, cell=cell, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            created = services.meetings_generate(schedule, _horizon(), acting_user=request.user)
            messages.success(
                request,
                _("Đã lập lịch sinh hoạt; đã tạo %(n)s buổi sinh hoạt sắp tới.") % {"n": created},
            )
            return _done(request, reverse("meetings:schedule_list") + f"?org={cell.pk}")
    context = {"cell": cell, "form": form}
    status = INVALID if form.is_bound else 200
    return render(request, "meetings/schedule_form.html", context, status=status)


def _horizon():
    """Meetings are generated a year ahead, so plans (rotation) have dates to work with."""
    day = timezone.localdate()
    return day.replace(year=day.year + 1) if not (day.month == 2 and day.day == 29) else day


@login_required
@require_http_methods(["GET", "POST"])
def schedule_edit(request, pk: int):
    schedule = selectors.schedule_get(request.user, pk)
    if not access.may_run_cell(request.user, schedule.cell):
        raise PermissionDenied
    initial = {
        name: getattr(schedule, name)
        for name in ("kind", "day_of_month", "every_months", "starts_on", "ends_on", "place")
    }
    form = ScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.schedule_update(
                acting_user=request.user, schedule=schedule, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã sửa lịch sinh hoạt."))
            return _done(request, reverse("meetings:schedule_list") + f"?org={schedule.cell_id}")
    context = {"cell": schedule.cell, "schedule": schedule, "form": form}
    status = INVALID if form.is_bound else 200
    return render(request, "meetings/schedule_form.html", context, status=status)


@login_required
@require_POST
def schedule_generate(request, pk: int):
    schedule = selectors.schedule_get(request.user, pk)
    created = services.meetings_generate(schedule, _horizon(), acting_user=request.user)
    messages.success(request, _("Đã tạo %(n)s buổi sinh hoạt theo lịch.") % {"n": created})
    return _done(request, reverse("meetings:schedule_list") + f"?org={schedule.cell_id}")


# --- the regulation ----------------------------------------------------------------------------


@login_required
@require_GET
def rule_list(request):
    rules = selectors.rule_list(request.user)
    page, page_query = _page(request, rules)
    return render(request, "meetings/rule_list.html", {"page": page, "page_query": page_query})


@login_required
@require_GET
def rule_detail(request, pk: int):
    rule = selectors.rule_get(request.user, pk)
    context = {
        "rule": rule,
        "quotas": list(rule.quotas.order_by("level")),
        "can_change": can(request.user, CHANGE, rule),
        "history": history_rows(rule),
    }
    return render(request, "meetings/rule_detail.html", context)


def _rule_initial(rule=None) -> dict:
    if rule is None:
        return {f"quota_{level}": value for level, value in services.DEFAULT_QUOTAS.items()} | {
            "must_attend_outside_own_cell": True
        }
    initial = {
        name: getattr(rule, name)
        for name in (
            "number",
            "title",
            "issued_on",
            "issuing_body",
            "effective_from",
            "effective_to",
            "must_attend_outside_own_cell",
        )
    }
    for quota in rule.quotas.all():
        initial[f"quota_{quota.level}"] = quota.min_attendances
        initial[f"days_{quota.level}"] = quota.min_field_days or None
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def rule_create(request):
    org = _org_param(request, "org", CHANGE)
    if org is None:
        raise Http404
    form = RuleForm(request.POST or None, initial=_rule_initial())
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.attendance_rule_create(
                acting_user=request.user, organization=org, **form.values()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã thêm quy định %(n)s.") % {"n": rule.number})
            return _done(request, reverse("meetings:rule_detail", args=[rule.pk]))
    status = INVALID if form.is_bound else 200
    return render(
        request, "meetings/rule_form.html", {"organization": org, "form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request, pk: int):
    rule = selectors.rule_get(request.user, pk, CHANGE)
    form = RuleForm(request.POST or None, initial=_rule_initial(rule))
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_rule_update(acting_user=request.user, rule=rule, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã sửa quy định %(n)s.") % {"n": rule.number})
            return _done(request, reverse("meetings:rule_detail", args=[rule.pk]))
    context = {"organization": rule.organization, "rule": rule, "form": form}
    status = INVALID if form.is_bound else 200
    return render(request, "meetings/rule_form.html", context, status=status)
