"""Meeting pages: lists, a meeting with its attendees, the one-screen record for a phone,
attendance confirmation, schedules, the regulation and field visits.

Objects are fetched through the scoped queryset (404 outside scope). Writes call the services,
which decide who may write (capuy.meetings.access); a refusal is a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from capuy.core.forms import add_service_errors
from capuy.core.history import history_rows
from capuy.core.scoping import VIEW
from capuy.core.vntext import format_date
from capuy.organizations.models import Organization
from capuy.organizations.selectors import organization_get

from . import access, selectors, services
from .choices import AttendanceRole, MeetingStatus
from .forms import (
    AttendanceFilterForm,
    ConcernEntryForm,
    DisputeForm,
    FieldVisitForm,
    MeetingCreateForm,
    MeetingFilterForm,
    MeetingRecordForm,
)
from .seats import seat_label

INVALID = 422  # a form re-rendered with its errors; htmx swaps 422 too (base.html)
PER_PAGE = 50


def _done(request, url: str):
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _org_param(request, name: str = "org", action: str = VIEW) -> Organization | None:
    value = request.GET.get(name, "")
    if not value.isdigit():
        return None
    return organization_get(request.user, int(value), action)


def _int_param(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _filter_org(user, value) -> Organization | None | bool:
    """A list filter's organization: the object, None (no filter), or False (not visible)."""
    if not value:
        return None
    return Organization.objects.visible_to(user, VIEW).filter(pk=value).first() or False


def _page(request, qs):
    query = request.GET.copy()
    query.pop("page", None)
    return Paginator(qs, PER_PAGE).get_page(request.GET.get("page")), query.urlencode()


# --- meetings ----------------------------------------------------------------------------------


@login_required
@require_GET
def meeting_list(request):
    form = MeetingFilterForm(request.GET)
    values = form.cleaned_data if form.is_valid() else {}
    org = _filter_org(request.user, values.get("org"))
    meetings = (
        selectors.meeting_list(
            request.user,
            organization=org or None,
            status=values.get("status") or "",
            year=values.get("year"),
            month=values.get("month"),
        )
        if org is not False
        else selectors.meeting_list(request.user).none()
    )
    page, page_query = _page(request, meetings)
    context = {
        "form": form,
        "organization": org or None,
        "page": page,
        "page_query": page_query,
        "statuses": MeetingStatus.choices,
        "today": timezone.localdate(),
    }
    return render(request, "meetings/list.html", context)


@login_required
@require_GET
def meeting_detail(request, pk: int):
    meeting = selectors.meeting_get(request.user, pk)
    user = request.user
    attendances = selectors.meeting_attendances(meeting)
    own = getattr(user, "member", None)
    context = {
        "meeting": meeting,
        "attendances": attendances,
        "concerns": list(selectors.meeting_concerns(meeting)),
        "rule": selectors.rule_in_force(meeting.cell, meeting.date),
        "can_run": access.may_run_cell(user, meeting.cell),
        "can_confirm": access.may_confirm(user, meeting.cell),
        "can_self_record": own is not None
        and meeting.date <= timezone.localdate()
        and meeting.status != MeetingStatus.CANCELLED
        and all(a.member_id != own.pk for a in attendances)
        and access.recording_capacity(user, meeting.cell, own) is not None,
        "today": timezone.localdate(),
    }
    return render(request, "meetings/detail.html", context)


@login_required
@require_GET
def meeting_history(request, pk: int):
    meeting = selectors.meeting_get(request.user, pk)
    return render(
        request, "meetings/history.html", {"meeting": meeting, "rows": history_rows(meeting)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request):
    cell = _org_param(request, "cell")
    if cell is None:
        raise Http404
    if not access.may_run_cell(request.user, cell):
        raise PermissionDenied
    form = MeetingCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(
                acting_user=request.user, cell=cell, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã thêm buổi sinh hoạt ngày %(d)s.") % {"d": format_date(meeting.date)},
            )
            return _done(request, reverse("meetings:detail", args=[meeting.pk]))
    status = INVALID if form.is_bound else 200
    return render(request, "meetings/create.html", {"cell": cell, "form": form}, status=status)


@login_required
@require_POST
def meeting_cancel(request, pk: int):
    meeting = selectors.meeting_get(request.user, pk)
    try:
        services.meeting_cancel(acting_user=request.user, meeting=meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã ghi nhận buổi sinh hoạt hoãn/hủy."))
    return _done(request, reverse("meetings:detail", args=[meeting.pk]))


# --- the one-screen record (journey 1) ---------------------------------------------------------


def _int_list(values) -> list[int]:
    seen: list[int] = []
    for value in values:
        if str(value).isdigit() and int(value) not in seen:
            seen.append(int(value))
    return seen


def _attendee_rows(request, meeting, day):
    """The attendees picked on the screen, resolved among the seat holders above the cell on
    the meeting date (ids of anybody else are dropped, so no name leaks through an error)."""
    ids = _int_list(request.POST.getlist("attendee"))
    holders = selectors.upper_seat_holders(meeting.cell, day, ids)
    if day != meeting.date:
        for pk, row in selectors.upper_seat_holders(meeting.cell, meeting.date, ids).items():
            holders.setdefault(pk, row)
    rows, unknown = [], False
    for pk in ids:
        if pk not in holders:
            unknown = True
            continue
        role = request.POST.get(f"role-{pk}", AttendanceRole.DU)
        if role not in AttendanceRole.values:
            role = AttendanceRole.DU
        rows.append({**holders[pk], "role": role, "errors": []})
    return rows, unknown


def _concern_forms(request, received_choices):
    indices = _int_list(request.POST.getlist("concern")) if request.method == "POST" else []
    return [
        (i, ConcernEntryForm(request.POST, prefix=f"c-{i}", received_choices=received_choices))
        for i in indices
    ]


@login_required
@require_http_methods(["GET", "POST"])
def meeting_record(request, pk: int):
    """Mark the meeting held, add its upper-level attendees and the concerns raised, on one
    screen and in one transaction."""
    meeting = selectors.meeting_get(request.user, pk)
    if not access.may_run_cell(request.user, meeting.cell):
        raise PermissionDenied
    existing = selectors.meeting_attendances(meeting)
    initial = {"date": meeting.date, "place": meeting.place, "topics": meeting.topics}
    form = MeetingRecordForm(request.POST or None, initial=initial)
    attendees, unknown, concern_forms, status = [], False, [], 200
    if request.method == "POST":
        status = INVALID
        day = form.cleaned_data["date"] if form.is_valid() else meeting.date
        attendees, unknown = _attendee_rows(request, meeting, day)
        received = [(a.member_id, a.member.full_name) for a in existing]
        received += [(row["member"].pk, row["member"].full_name) for row in attendees]
        concern_forms = _concern_forms(request, received)
        if unknown:
            form.add_error(None, _("Có người dự đã chọn không tìm thấy; hãy chọn lại."))
        valid = form.is_valid() and all(f.is_valid() for _i, f in concern_forms) and not unknown
        if valid:
            try:
                result = services.meeting_record(
                    acting_user=request.user,
                    meeting=meeting,
                    **form.cleaned_data,
                    attendees=[
                        {"index": row["member"].pk, "member": row["member"], "role": row["role"]}
                        for row in attendees
                    ],
                    concerns=[
                        {"index": i, **_concern_values(f.cleaned_data, attendees, existing)}
                        for i, f in concern_forms
                    ],
                )
            except services.MeetingRecordError as errors:
                if errors.meeting is not None:
                    add_service_errors(form, errors.meeting)
                for row in attendees:
                    error = errors.attendees.get(row["member"].pk)
                    if error is not None:
                        row["errors"] = error.messages
                for i, concern_form in concern_forms:
                    if i in errors.concerns:
                        add_service_errors(concern_form, errors.concerns[i])
                if not form.errors:
                    form.add_error(None, _("Chưa lưu được: hãy sửa các chỗ được đánh dấu đỏ."))
            else:
                messages.success(request, _record_message(result))
                return _done(request, reverse("meetings:detail", args=[meeting.pk]))
    context = {
        "meeting": meeting,
        "form": form,
        "existing": existing,
        "concerns": list(selectors.meeting_concerns(meeting)),
        "attendees": attendees,
        "concern_forms": concern_forms,
        "blank_concern": ConcernEntryForm(
            prefix="c-__i__",
            received_choices=[(a.member_id, a.member.full_name) for a in existing],
        ),
        "next_concern": max([i for i, _f in concern_forms], default=0) + 1,
        "roles": AttendanceRole.choices,
        "today": timezone.localdate(),
    }
    return render(request, "meetings/record.html", context, status=status)


def _concern_values(data: dict, attendees, existing) -> dict:
    members = {row["member"].pk: row["member"] for row in attendees}
    members.update({a.member_id: a.member for a in existing})
    return {
        "category": data["category"],
        "summary": data["summary"],
        "status": data["status"],
        "answer": data["answer"],
        "agency": data["agency"],
        "due_on": data["due_on"],
        "received_by": members.get(data["received_by"]),
    }


def _record_message(result: dict) -> str:
    meeting = result["meeting"]
    return _(
        "Đã lưu buổi sinh hoạt ngày %(d)s: đã họp, %(a)s người dự cấp trên, %(c)s kiến nghị."
    ) % {
        "d": format_date(meeting.date),
        "a": len(result["attendances"]),
        "c": len(result["concerns"]),
    }


@login_required
@require_GET
def attendee_picker(request, pk: int):
    """Search-as-you-type: seat holders above the meeting's cell on its date, by name."""
    meeting = selectors.meeting_get(request.user, pk)
    q = request.GET.get("q", "")[:100]
    allowed = access.may_run_cell(request.user, meeting.cell)
    candidates = selectors.attendee_candidates(meeting, q) if allowed else []
    rule = selectors.rule_in_force(meeting.cell, meeting.date) if candidates else None
    context = {
        "meeting": meeting,
        "candidates": candidates,
        "q": q,
        "allowed": allowed,
        "own_cell_blocked": bool(rule and rule.must_attend_outside_own_cell),
    }
    return render(request, "meetings/_attendee_results.html", context)


# --- attendances -------------------------------------------------------------------------------


@login_required
@require_GET
def attendance_list(request):
    form = AttendanceFilterForm(request.GET)
    values = form.cleaned_data if form.is_valid() else {}
    org = _filter_org(request.user, values.get("org"))
    rows = selectors.attendance_list(
        request.user,
        organization=org or None,
        year=values.get("year"),
        level=values.get("level") or "",
        confirmation=values.get("confirmation") or "",
    )
    if org is False:
        rows = rows.none()
    page, page_query = _page(request, rows)
    for row in page.object_list:
        row.seat_label = seat_label(row.seat)
    context = {"form": form, "page": page, "page_query": page_query, "organization": org or None}
    return render(request, "meetings/attendance_list.html", context)


@login_required
@require_POST
def attendance_self(request, pk: int):
    """A committee member records that he attended (waits for the cell's confirmation)."""
    meeting = selectors.meeting_get(request.user, pk)
    member = getattr(request.user, "member", None)
    if member is None:
        raise PermissionDenied
    try:
        services.attendance_record(
            acting_user=request.user, meeting=meeting, member=member, entered_via="member"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã ghi lượt dự của bạn; chờ chi bộ xác nhận."))
    return _done(request, reverse("meetings:detail", args=[meeting.pk]))


@login_required
@require_POST
def attendance_confirm(request, pk: int):
    attendance = selectors.attendance_get(request.user, pk)
    try:
        services.attendance_confirm(acting_user=request.user, attendance=attendance)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Đã xác nhận đồng chí %(n)s dự sinh hoạt.") % {"n": attendance.member.full_name},
        )
    return _done(request, reverse("meetings:detail", args=[attendance.meeting_id]))


@login_required
@require_http_methods(["GET", "POST"])
def attendance_dispute(request, pk: int):
    attendance = selectors.attendance_get(request.user, pk)
    if not access.may_confirm(request.user, attendance.meeting.cell):
        raise PermissionDenied
    form = DisputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_dispute(
                acting_user=request.user, attendance=attendance, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã ghi chi bộ không xác nhận lượt dự này."))
            return _done(request, reverse("meetings:detail", args=[attendance.meeting_id]))
    context = {
        "attendance": attendance,
        "meeting": attendance.meeting,
        "seat_label": seat_label(attendance.seat),
        "form": form,
    }
    status = INVALID if form.is_bound else 200
    return render(request, "meetings/attendance_dispute.html", context, status=status)


@login_required
@require_POST
def attendance_delete(request, pk: int):
    attendance = selectors.attendance_get(request.user, pk)
    meeting_id = attendance.meeting_id
    services.attendance_delete(acting_user=request.user, attendance=attendance)
    messages.success(request, _("Đã xóa lượt dự."))
    return _done(request, reverse("meetings:detail", args=[meeting_id]))


# --- field visits ------------------------------------------------------------------------------


@login_required
@require_GET
def field_visit_list(request):
    org = _filter_org(request.user, _int_param(request, "org"))
    rows = selectors.field_visit_list(request.user, organization=org or None)
    if org is False:
        rows = rows.none()
    page, page_query = _page(request, rows)
    for row in page.object_list:
        row.seat_label = seat_label(row.seat)
    context = {"page": page, "page_query": page_query, "organization": org or None}
    return render(request, "meetings/field_visit_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def field_visit_create(request):
    org = _org_param(request, "org")
    if org is None:
        raise Http404
    user = request.user
    own = getattr(user, "member", None)
    if not (access.may_change(user, org) or access.is_cell_secretary_of(user, org) or own):
        raise PermissionDenied
    holders = selectors.seat_holders_above(org, timezone.localdate())
    if not access.may_change(user, org) and not access.is_cell_secretary_of(user, org):
        holders = [row for row in holders if own and row["member"].pk == own.pk]
    form = FieldVisitForm(request.POST or None, holders=holders, initial={"days": 1})
    if request.method == "POST" and form.is_valid():
        members = {row["member"].pk: row["member"] for row in holders}
        data = dict(form.cleaned_data)
        try:
            visit = services.field_visit_record(
                acting_user=user, organization=org, member=members[data.pop("member")], **data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã ghi chuyến công tác cơ sở của đồng chí %(n)s.") % {"n": visit.member},
            )
            return _done(request, reverse("meetings:field_visit_list") + f"?org={org.pk}")
    status = INVALID if form.is_bound else 200
    return render(
        request,
        "meetings/field_visit_form.html",
        {"organization": org, "form": form},
        status=status,
    )
