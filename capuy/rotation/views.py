"""Rotation planner pages: the plan list and form, the plan page (result, loads, assignments,
leaders, cells), the solve button with its progress bar, pins, adoption, the Excel and ICS
files and the public calendar feed (secret token, no login).

Objects come through the scoped selectors (404 outside scope); writes call the services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from capuy.core.forms import add_service_errors
from capuy.core.scoping import CHANGE, can, has_any
from capuy.core.vntext import format_date
from capuy.jobs.services import result_filename
from capuy.meetings.choices import MeetingStatus
from capuy.meetings.models import CellMeeting
from capuy.organizations.models import Organization

from . import selectors, services
from .choices import RUNNING
from .exports import calendar_bytes, plan_workbook, result_label
from .forms import (
    CellAddForm,
    CellEditForm,
    LeaderAddForm,
    LeaderEditForm,
    PinForm,
    PlanCreateForm,
    PlanRulesForm,
    UnavailabilityForm,
)
from .models import RotationFeedToken, hash_feed_token

INVALID = 422
ASSIGNMENTS_PER_PAGE = 100
TABS = ("ket-qua", "phan-cong", "dong-chi", "chi-bo")


def _back(plan, tab: str = "ket-qua"):
    return redirect(f"{reverse('rotation:detail', args=[plan.pk])}?tab={tab}")


def _next_or(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _service_error(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@require_GET
def plan_list(request):
    plans = selectors.plan_list(request.user)
    page = Paginator(plans, 25).get_page(request.GET.get("page"))
    context = {"page": page, "can_create": has_any(request.user, CHANGE)}
    return render(request, "rotation/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    if not has_any(request.user, CHANGE):
        raise PermissionDenied
    form = PlanCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_create(
                acting_user=request.user,
                organization=data["organization"],
                name=data["name"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                include_other_cells=data["include_other_cells"],
                **form.rules(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lập kế hoạch «%(name)s».") % {"name": plan.name})
            return redirect("rotation:detail", plan.pk)
    status = INVALID if form.is_bound else 200
    return render(request, "rotation/create.html", {"form": form}, status=status)


def _detail_context(request, plan) -> dict:
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "ket-qua"
    may_change = can(request.user, CHANGE, plan)
    context = {
        "plan": plan,
        "tab": tab,
        "can_change": may_change,
        "editable": may_change and plan.is_editable,
        "running": plan.status in RUNNING,
        "result_label": result_label(plan),
        "summary": plan.summary or {},
        "coverage": selectors.cell_coverage(plan),
        "infeasibility": [line for line in plan.infeasibility.splitlines() if line],
    }
    if tab == "ket-qua":
        loads = selectors.leader_loads(plan)
        context["loads"] = loads
        context["max_load"] = max((r.load for r in loads), default=0)
        context["min_load"] = min((r.load for r in loads), default=0)
        context["events"] = plan.events.select_related("user").order_by("-at", "-id")[:10]
    elif tab == "phan-cong":
        leader = request.GET.get("leader", "")
        rows = selectors.plan_assignments(
            plan, leader=int(leader) if leader.isdigit() else None, q=request.GET.get("q", "")[:100]
        )
        context["page"] = Paginator(rows, ASSIGNMENTS_PER_PAGE).get_page(request.GET.get("page"))
        context["leaders"] = plan.leaders.select_related("member")
        context["leader_filter"] = leader
        context["q"] = request.GET.get("q", "")
        query = request.GET.copy()
        query.pop("page", None)
        context["page_query"] = query.urlencode()
        context["pin_form"] = PinForm(plan=plan)
    elif tab == "dong-chi":
        context["loads"] = selectors.leader_loads(plan)
        context["leader_form"] = LeaderAddForm(plan=plan, user=request.user)
        context["away_form"] = UnavailabilityForm(plan=plan)
        context["tokens"] = selectors.active_tokens(plan)
    else:
        context["cells"] = selectors.plan_cells(plan)
        context["cell_form"] = CellAddForm()
    return context


@login_required
@require_GET
def plan_detail(request, pk: int):
    plan = selectors.plan_get(request.user, pk)
    return render(request, "rotation/detail.html", _detail_context(request, plan))


@login_required
@require_GET
@never_cache
def plan_progress(request, pk: int):
    """The progress bar, polled every second while the plan is queued or solving."""
    plan = selectors.plan_get(request.user, pk)
    response = render(request, "rotation/_progress.html", {"plan": plan})
    if plan.status not in RUNNING and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk: int):
    plan = selectors.plan_get(request.user, pk, CHANGE)
    form = PlanRulesForm.for_plan(plan, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(acting_user=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu quy định của kế hoạch."))
            return redirect("rotation:detail", plan.pk)
    status = INVALID if form.is_bound else 200
    return render(request, "rotation/edit.html", {"plan": plan, "form": form}, status=status)


@login_required
@require_POST
def plan_delete(request, pk: int):
    plan = selectors.plan_get(request.user, pk, CHANGE)
    try:
        services.plan_delete(acting_user=request.user, plan=plan)
    except ValidationError as error:
        _service_error(request, error)
        return _back(plan)
    messages.success(request, _("Đã xóa kế hoạch «%(name)s».") % {"name": plan.name})
    return redirect("rotation:list")


@login_required
@require_POST
def plan_run(request, pk: int):
    plan = selectors.plan_get(request.user, pk, CHANGE)
    try:
        plan = services.plan_run(acting_user=request.user, plan=plan)
    except ValidationError as error:
        _service_error(request, error)
    else:
        if plan.status not in RUNNING:  # solved already (immediate backend)
            messages.info(request, _("Đã giải xong: %(r)s.") % {"r": result_label(plan)})
    return _back(plan)


@login_required
@require_POST
def plan_adopt(request, pk: int):
    plan = selectors.plan_get(request.user, pk, CHANGE)
    try:
        plan = services.plan_adopt(acting_user=request.user, plan=plan)
    except ValidationError as error:
        _service_error(request, error)
    else:
        messages.success(
            request,
            _("Đã áp dụng kế hoạch: các lượt dự theo kế hoạch đã được tạo và lịch đã cập nhật."),
        )
    return _back(plan)


@login_required
@require_GET
def plan_export(request, pk: int):
    plan = selectors.plan_get(request.user, pk)
    name = result_filename(f"{plan.name}.xlsx")
    response = HttpResponse(
        plan_workbook(plan),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- leaders, cells, unavailability ------------------------------------------------------------


@login_required
@require_POST
def leader_add(request, pk: int):
    plan = selectors.plan_get(request.user, pk, CHANGE)
    form = LeaderAddForm(request.POST, plan=plan, user=request.user)
    if form.is_valid():
        seat = form.cleaned_data["seat"]
        try:
            services.leader_add(acting_user=request.user, plan=plan, member=seat.member, seat=seat)
        except ValidationError as error:
            _service_error(request, error)
        else:
            messages.success(request, _("Đã thêm đồng chí %(n)s.") % {"n": seat.member.full_name})
    else:
        messages.error(request, _("Hãy chọn một đồng chí trong danh sách."))
    return _back(plan, "dong-chi")


@login_required
@require_POST
def leader_edit(request, pk: int):
    leader = selectors.leader_get(request.user, pk, CHANGE)
    form = LeaderEditForm(request.POST)
    if form.is_valid():
        try:
            services.leader_update(acting_user=request.user, leader=leader, **form.cleaned_data)
        except ValidationError as error:
            _service_error(request, error)
    else:
        messages.error(request, _("Số lượt còn thiếu phải là số từ 0 đến 50."))
    return _back(leader.plan, "dong-chi")


@login_required
@require_POST
def leader_remove(request, pk: int):
    leader = selectors.leader_get(request.user, pk, CHANGE)
    plan = leader.plan
    try:
        services.leader_remove(acting_user=request.user, leader=leader)
    except ValidationError as error:
        _service_error(request, error)
    return _back(plan, "dong-chi")


@login_required
@require_GET
def leader_calendar(request, pk: int):
    """ICS file of one leader's assignments in this plan (any status), for download."""
    leader = selectors.leader_get(request.user, pk)
    rows = leader.assignments.select_related("plan", "cell__cell", "meeting").order_by("date")
    name = f"{leader.member.full_name} — {leader.plan.name}"
    response = HttpResponse(calendar_bytes(rows, name=name), content_type="text/calendar")
    filename = result_filename(f"lich-{leader.member.full_name}.ics")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def feed_issue(request, pk: int):
    leader = selectors.leader_get(request.user, pk, CHANGE)
    token, raw = services.feed_token_issue(acting_user=request.user, leader=leader)
    url = request.build_absolute_uri(reverse("rotation:feed", args=[raw]))
    context = {"leader": leader, "plan": leader.plan, "url": url, "token": token}
    return render(request, "rotation/feed_issued.html", context)


@login_required
@require_POST
def feed_revoke(request, pk: int):
    token = selectors.token_get(request.user, pk, CHANGE)
    services.feed_token_revoke(acting_user=request.user, token=token)
    messages.success(
        request, _("Đã thu hồi đường dẫn lịch của đồng chí %(n)s.") % {"n": token.member.full_name}
    )
    return redirect(_next_or(request, reverse("rotation:list")))


@require_GET
@never_cache
def feed(request, token: str):
    """The calendar feed a leader subscribes to: no login, the secret token is the key."""
    found = (
        RotationFeedToken.objects.select_related("member", "organization")
        .filter(token_hash=hash_feed_token(token), revoked_at__isnull=True)
        .first()
    )
    if found is None:
        raise Http404
    RotationFeedToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    rows = selectors.feed_assignments(found)
    name = _("Lịch dự sinh hoạt chi bộ — %(name)s") % {"name": found.member.full_name}
    response = HttpResponse(calendar_bytes(rows, name=name), content_type="text/calendar")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_POST
def cell_add(request, pk: int):
    plan = selectors.plan_get(request.user, pk, CHANGE)
    form = CellAddForm(request.POST)
    if form.is_valid():
        code = form.cleaned_data["code"].strip()
        cell = Organization.objects.visible_to(request.user).filter(code=code).first()
        if cell is None:
            messages.error(request, _("Không tìm thấy chi bộ có mã «%(c)s».") % {"c": code})
        else:
            try:
                services.cell_add(acting_user=request.user, plan=plan, cell=cell)
            except ValidationError as error:
                _service_error(request, error)
            else:
                messages.success(request, _("Đã thêm %(n)s.") % {"n": cell.name})
    return _back(plan, "chi-bo")


@login_required
@require_POST
def cell_edit(request, pk: int):
    row = selectors.cell_get(request.user, pk, CHANGE)
    form = CellEditForm(request.POST)
    if form.is_valid():
        try:
            services.cell_update(acting_user=request.user, cell=row, **form.cleaned_data)
        except ValidationError as error:
            _service_error(request, error)
    else:
        messages.error(request, _("Trọng số phải từ 1 đến 10."))
    return _back(row.plan, "chi-bo")


@login_required
@require_POST
def cell_remove(request, pk: int):
    row = selectors.cell_get(request.user, pk, CHANGE)
    plan = row.plan
    try:
        services.cell_remove(acting_user=request.user, cell=row)
    except ValidationError as error:
        _service_error(request, error)
    return _back(plan, "chi-bo")


@login_required
@require_POST
def unavailability_add(request, pk: int):
    plan = selectors.plan_get(request.user, pk, CHANGE)
    form = UnavailabilityForm(request.POST, plan=plan)
    if form.is_valid():
        try:
            services.unavailability_add(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _service_error(request, error)
        else:
            data = form.cleaned_data
            messages.success(
                request,
                _("Đã ghi lịch vắng của đồng chí %(n)s từ %(a)s đến %(b)s.")
                % {
                    "n": data["leader"].member.full_name,
                    "a": format_date(data["start_on"]),
                    "b": format_date(data["end_on"]),
                },
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return _back(plan, "dong-chi")


@login_required
@require_POST
def unavailability_remove(request, pk: int):
    row = selectors.unavailability_get(request.user, pk, CHANGE)
    plan = row.plan
    try:
        services.unavailability_remove(acting_user=request.user, unavailability=row)
    except ValidationError as error:
        _service_error(request, error)
    return _back(plan, "dong-chi")


# --- pins --------------------------------------------------------------------------------------


@login_required
@require_POST
def assignment_pin(request, pk: int):
    """Toggle the pin of one assignment."""
    row = selectors.assignment_get(request.user, pk, CHANGE)
    try:
        if row.pinned:
            services.assignment_unpin(acting_user=request.user, assignment=row)
        else:
            services.assignment_pin(acting_user=request.user, assignment=row)
    except ValidationError as error:
        _service_error(request, error)
    fallback = f"{reverse('rotation:detail', args=[row.plan_id])}?tab=phan-cong"
    return redirect(_next_or(request, fallback))


@login_required
@require_POST
def assignment_add(request, pk: int):
    plan = selectors.plan_get(request.user, pk, CHANGE)
    form = PinForm(request.POST, plan=plan)
    if form.is_valid():
        data = form.cleaned_data
        meeting = (
            CellMeeting.objects.visible_to(request.user)
            .filter(cell=data["cell"], date=data["date"], status=MeetingStatus.SCHEDULED)
            .first()
        )
        if meeting is None:
            messages.error(
                request,
                _("%(c)s không có buổi sinh hoạt nào đã lên lịch vào ngày %(d)s.")
                % {"c": data["cell"].name, "d": format_date(data["date"])},
            )
        else:
            try:
                services.assignment_add_pinned(
                    acting_user=request.user, plan=plan, leader=data["leader"], meeting=meeting
                )
            except ValidationError as error:
                _service_error(request, error)
            else:
                messages.success(
                    request,
                    _("Đã ghim: Đ/c %(n)s dự %(c)s ngày %(d)s. Hãy lập lại phương án.")
                    % {
                        "n": data["leader"].member.full_name,
                        "c": data["cell"].name,
                        "d": format_date(data["date"]),
                    },
                )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return _back(plan, "phan-cong")
