"""Conference pages: list, create/edit, the record (attendance, agenda, documents, conclusions,
report-back), the minutes and conclusion notice, and downloads of presented documents.

Objects are fetched through the scoped querysets (404 outside scope); write views fetch with
CHANGE and call the services. Task and agency pages are in ``task_views``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from capuy.committees.models import Committee, Seat
from capuy.core.forms import add_service_errors
from capuy.core.history import history_rows
from capuy.core.scoping import CHANGE, VIEW, can
from capuy.members.models import Member

from . import documents, selectors, services
from .choices import AttendanceStatus
from .forms import (
    AgendaItemForm,
    ConclusionForm,
    ConferenceConclusionForm,
    ConferenceForm,
    DocumentForm,
    GuestForm,
)
from .models import AgendaDocument, AgendaItem, Conclusion, ConferenceGuest
from .uploads import attachment_response

PER_PAGE = 25
INVALID = 422


def _render_form(request, template, context, form):
    return render(request, template, context, status=INVALID if form.is_bound else 200)


def _committee_members(committee):
    """Everyone who held a seat on the committee at some time (chairs, presenters)."""
    ids = Seat.objects.filter(committee=committee).values("member_id")
    return Member.objects.filter(pk__in=ids).order_by("sort_key", "id")


@login_required
@require_GET
def conference_list(request):
    committee = None
    if request.GET.get("committee", "").isdigit():
        committee = get_object_or_404(
            Committee.objects.visible_to(request.user).select_related("term__organization"),
            pk=int(request.GET["committee"]),
        )
    q = request.GET.get("q", "")[:100]
    conferences = selectors.conference_list(request.user, committee=committee, q=q)
    page = Paginator(conferences, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    committees = []
    if committee is None:
        committees = (
            Committee.objects.visible_to(request.user, CHANGE)
            .select_related("term__organization")
            .order_by("term__organization__path", "-term__start_on", "kind")[:30]
        )
    context = {
        "page": page,
        "committee": committee,
        "q": q,
        "page_query": query.urlencode(),
        "can_create": committee is not None and can(request.user, CHANGE, committee),
        "committees": committees,
    }
    return render(request, "conferences/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def conference_create(request):
    committee_id = request.GET.get("committee", "")
    if not committee_id.isdigit():
        raise Http404
    committee = get_object_or_404(
        Committee.objects.visible_to(request.user, CHANGE).select_related("term__organization"),
        pk=int(committee_id),
    )
    last = committee.conferences.order_by("-number").first()
    initial = {"number": (last.number + 1) if last else 1, "place": last.place if last else ""}
    form = ConferenceForm(
        request.POST or None, initial=initial, members=_committee_members(committee)
    )
    if request.method == "POST" and form.is_valid():
        try:
            conference = services.conference_create(
                acting_user=request.user, committee=committee, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã tạo hội nghị lần thứ %(n)s và lập danh sách điểm danh %(count)s ủy viên.")
                % {"n": conference.number, "count": conference.attendances.count()},
            )
            return redirect(conference)
    context = {"form": form, "committee": committee, "organization": committee.term.organization}
    return _render_form(request, "conferences/conference_form.html", context, form)


@login_required
@require_http_methods(["GET", "POST"])
def conference_edit(request, pk: int):
    conference = selectors.conference_get(request.user, pk, CHANGE)
    fields = ConferenceForm.base_fields
    initial = {name: getattr(conference, name) for name in fields if name != "chairs"}
    initial["chairs"] = list(conference.chairs.all())
    form = ConferenceForm(
        request.POST or None,
        initial=initial,
        members=_committee_members(conference.committee),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        chairs = data.pop("chairs")
        try:
            services.conference_update(
                acting_user=request.user, conference=conference, chairs=chairs, **data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu hội nghị."))
            return redirect(conference)
    context = {
        "form": form,
        "conference": conference,
        "committee": conference.committee,
        "organization": conference.organization,
    }
    return _render_form(request, "conferences/conference_form.html", context, form)


@login_required
@require_GET
def conference_detail(request, pk: int):
    conference = selectors.conference_get(request.user, pk)
    rows = selectors.attendance_rows(conference)
    tasks = selectors.conference_tasks(conference)
    tasks_by_conclusion: dict[int, list] = {}
    for task in tasks:
        tasks_by_conclusion.setdefault(task.conclusion_id, []).append(task)
    conclusions = list(conference.conclusions.select_related("agenda_item").order_by("order", "id"))
    for conclusion in conclusions:
        conclusion.task_rows = tasks_by_conclusion.get(conclusion.pk, [])
    context = {
        "conference": conference,
        "committee": conference.committee,
        "organization": conference.organization,
        "chairs": list(conference.chairs.order_by("sort_key")),
        "quorum": selectors.quorum_of(conference, rows),
        "absentees": [row for row in rows if not row.is_present or row.reason],
        "guests": list(conference.guests.all()),
        "agenda": list(selectors.flatten(selectors.agenda_tree(conference))),
        "conclusions": conclusions,
        "report_back": selectors.report_back(conference),
        "can_change": can(request.user, CHANGE, conference),
    }
    return render(request, "conferences/detail.html", context)


@login_required
@require_GET
def conference_history(request, pk: int):
    conference = selectors.conference_get(request.user, pk)
    context = {
        "conference": conference,
        "organization": conference.organization,
        "rows": history_rows(conference),
    }
    return render(request, "conferences/history.html", context)


# --- attendance and guests -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request, pk: int):
    """The attendance sheet: one row per seat holder, status and reason."""
    action = CHANGE if request.method == "POST" else VIEW
    conference = selectors.conference_get(request.user, pk, action)
    rows = selectors.attendance_rows(conference)
    errors: dict[str, list] = {}
    if request.method == "POST":
        marks = {
            row.pk: (
                request.POST.get(f"status-{row.pk}", row.status),
                request.POST.get(f"reason-{row.pk}", row.reason)[:255],
            )
            for row in rows
        }
        try:
            changed = services.attendance_record_many(
                acting_user=request.user, conference=conference, marks=marks
            )
        except ValidationError as error:
            errors = error.message_dict
            for row in rows:  # show what was typed
                row.status, row.reason = marks[row.pk]
        else:
            messages.success(request, _("Đã lưu điểm danh (%(n)s thay đổi).") % {"n": changed})
            return redirect(conference)
    for row in rows:
        row.errors = errors.get(f"status-{row.pk}", []) + errors.get(f"reason-{row.pk}", [])
    context = {
        "conference": conference,
        "organization": conference.organization,
        "rows": rows,
        "quorum": selectors.quorum_of(conference, rows),
        "statuses": AttendanceStatus.choices,
        "can_change": can(request.user, CHANGE, conference),
        "has_errors": bool(errors),
    }
    return render(
        request, "conferences/attendance.html", context, status=INVALID if errors else 200
    )


@login_required
@require_POST
def attendance_sync(request, pk: int):
    conference = selectors.conference_get(request.user, pk, CHANGE)
    result = services.attendance_sync(acting_user=request.user, conference=conference)
    messages.success(
        request,
        _("Đã cập nhật danh sách theo chức vụ ngày họp: thêm %(added)s, bớt %(removed)s.") % result,
    )
    return redirect("conferences:attendance", conference.pk)


@login_required
@require_http_methods(["GET", "POST"])
def guest_add(request, pk: int):
    conference = selectors.conference_get(request.user, pk, CHANGE)
    form = GuestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.guest_add(acting_user=request.user, conference=conference, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã thêm khách mời."))
            return redirect(f"{conference.get_absolute_url()}#khach-moi")
    context = {"form": form, "conference": conference, "organization": conference.organization}
    return _render_form(request, "conferences/guest_form.html", context, form)


@login_required
@require_POST
def guest_delete(request, pk: int):
    guest = get_object_or_404(
        ConferenceGuest.objects.visible_to(request.user, CHANGE).select_related("conference"),
        pk=pk,
    )
    conference = guest.conference
    services.guest_remove(acting_user=request.user, guest=guest)
    messages.success(request, _("Đã xóa khách mời."))
    return redirect(f"{conference.get_absolute_url()}#khach-moi")


# --- agenda and documents --------------------------------------------------------------------


def _agenda_form(request, conference, item=None):
    items = conference.agenda_items.order_by("order", "id")
    if item is not None:
        items = items.exclude(pk=item.pk)
    initial = {}
    if item is not None:
        initial = {
            "title": item.title,
            "parent": item.parent_id,
            "presenter": item.presenter_id,
            "presenter_title": item.presenter_title,
            "discussion": item.discussion,
        }
    return AgendaItemForm(
        request.POST or None,
        initial=initial,
        items=items,
        members=_committee_members(conference.committee),
    )


@login_required
@require_http_methods(["GET", "POST"])
def agenda_add(request, pk: int):
    conference = selectors.conference_get(request.user, pk, CHANGE)
    form = _agenda_form(request, conference)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.agenda_item_create(
                acting_user=request.user, conference=conference, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã thêm nội dung «%(t)s».") % {"t": item.title})
            return redirect(f"{conference.get_absolute_url()}#noi-dung")
    context = {"form": form, "conference": conference, "organization": conference.organization}
    return _render_form(request, "conferences/agenda_form.html", context, form)


@login_required
@require_http_methods(["GET", "POST"])
def agenda_edit(request, pk: int):
    item = get_object_or_404(
        AgendaItem.objects.visible_to(request.user, CHANGE).select_related(
            "conference__committee__term__organization"
        ),
        pk=pk,
    )
    conference = item.conference
    form = _agenda_form(request, conference, item)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_update(acting_user=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu nội dung."))
            return redirect(f"{conference.get_absolute_url()}#noi-dung")
    context = {
        "form": form,
        "conference": conference,
        "organization": conference.organization,
        "item": item,
    }
    return _render_form(request, "conferences/agenda_form.html", context, form)


@login_required
@require_http_methods(["GET", "POST"])
def document_upload(request, pk: int):
    item = get_object_or_404(
        AgendaItem.objects.visible_to(request.user, CHANGE).select_related(
            "conference__committee__term__organization"
        ),
        pk=pk,
    )
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.agenda_document_add(
                acting_user=request.user, item=item, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã tải lên «%(name)s».") % {"name": document.name})
            return redirect(f"{item.conference.get_absolute_url()}#noi-dung")
    context = {
        "form": form,
        "item": item,
        "conference": item.conference,
        "organization": item.conference.organization,
    }
    return _render_form(request, "conferences/document_form.html", context, form)


@login_required
@require_GET
def document_download(request, pk: int):
    document = get_object_or_404(AgendaDocument.objects.visible_to(request.user), pk=pk)
    return attachment_response(document.file, document.name, document.kind)


# --- conclusions -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def conclusion(request, pk: int):
    """The conference's overall conclusion text."""
    conference = selectors.conference_get(request.user, pk, CHANGE)
    form = ConferenceConclusionForm(
        request.POST or None, initial={"conclusion": conference.conclusion}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.conference_update(
                acting_user=request.user,
                conference=conference,
                conclusion=form.cleaned_data["conclusion"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu kết luận của hội nghị."))
            return redirect(f"{conference.get_absolute_url()}#ket-luan")
    context = {"form": form, "conference": conference, "organization": conference.organization}
    return _render_form(request, "conferences/conclusion_text_form.html", context, form)


@login_required
@require_http_methods(["GET", "POST"])
def conclusion_add(request, pk: int):
    conference = selectors.conference_get(request.user, pk, CHANGE)
    initial = {}
    if request.GET.get("item", "").isdigit():
        initial["agenda_item"] = int(request.GET["item"])
    form = ConclusionForm(
        request.POST or None, initial=initial, items=conference.agenda_items.order_by("order")
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.conclusion_create(
                acting_user=request.user, conference=conference, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã thêm điểm kết luận."))
            return redirect(f"{conference.get_absolute_url()}#ket-luan")
    context = {"form": form, "conference": conference, "organization": conference.organization}
    return _render_form(request, "conferences/conclusion_form.html", context, form)


@login_required
@require_http_methods(["GET", "POST"])
def conclusion_edit(request, pk: int):
    point = get_object_or_404(
        Conclusion.objects.visible_to(request.user, CHANGE).select_related(
            "conference__committee__term__organization"
        ),
        pk=pk,
    )
    conference = point.conference
    form = ConclusionForm(
        request.POST or None,
        initial={"text": point.text, "agenda_item": point.agenda_item_id},
        items=conference.agenda_items.order_by("order"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.conclusion_update(
                acting_user=request.user, conclusion=point, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu điểm kết luận."))
            return redirect(f"{conference.get_absolute_url()}#ket-luan")
    context = {
        "form": form,
        "conference": conference,
        "organization": conference.organization,
        "point": point,
    }
    return _render_form(request, "conferences/conclusion_form.html", context, form)


# --- minutes and notice ----------------------------------------------------------------------


@login_required
@require_GET
def export(request, pk: int, which: str, fmt: str):
    """Biên bản / thông báo kết luận as DOCX or PDF."""
    if which not in documents.DOCUMENTS or fmt not in documents.RENDERERS:
        raise Http404
    conference = selectors.conference_get(request.user, pk)
    content, filename = documents.render(conference, which, fmt)
    response = HttpResponse(content, content_type=documents.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
