"""Task and agency pages: assigning a task from a conclusion, the task list (per agency,
overdue), a task's timeline, progress reports with attachments, carrying a task over."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from capuy.core.forms import add_service_errors
from capuy.core.scoping import CHANGE, VIEW, can
from capuy.organizations.models import Organization

from . import selectors, services
from .forms import AgencyForm, CarryOverForm, ProgressForm, TaskEditForm, TaskFilterForm, TaskForm
from .models import Agency, Conclusion, Conference, TaskProgress
from .uploads import attachment_response

PER_PAGE = 50
INVALID = 422


def _render_form(request, template, context, form):
    return render(request, template, context, status=INVALID if form.is_bound else 200)


def _visible_agency_ids(user) -> set[int]:
    return set(Agency.objects.visible_to(user).values_list("pk", flat=True))


@login_required
@require_GET
def task_list(request):
    """Tasks visible to the user: everything of their conferences, and those given to their
    agencies; per agency with ``?agency=``, overdue only with ``?overdue=on``."""
    form = TaskFilterForm(request.GET)
    values = form.values()
    agency = selectors.agency_get(request.user, values["agency"]) if values["agency"] else None
    tasks = selectors.task_list(
        request.user, agency=agency, state=values["state"], overdue=values["overdue"]
    )
    page = Paginator(tasks, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "agency": agency,
        "page": page,
        "page_query": query.urlencode(),
        "visible_agencies": _visible_agency_ids(request.user),
    }
    return render(request, "conferences/task_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request, pk: int):
    """Giao nhiệm vụ from one conclusion point."""
    point = get_object_or_404(
        Conclusion.objects.visible_to(request.user, CHANGE).select_related(
            "conference__committee__term__organization"
        ),
        pk=pk,
    )
    conference = point.conference
    agencies = selectors.agencies_for(conference)
    form = TaskForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_assign(
                acting_user=request.user, conclusion=point, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã giao nhiệm vụ «%(t)s».") % {"t": task.title})
            return redirect(f"{conference.get_absolute_url()}#ket-luan")
    context = {
        "form": form,
        "point": point,
        "conference": conference,
        "organization": conference.organization,
        "has_agencies": agencies.exists(),
    }
    return _render_form(request, "conferences/task_form.html", context, form)


@login_required
@require_GET
def task_detail(request, pk: int):
    task = selectors.task_get(request.user, pk)
    conference_visible = can(request.user, VIEW, task.conference)
    context = {
        "task": task,
        "conference": task.conference,
        "conference_visible": conference_visible,
        "overdue": task.is_overdue(),
        "can_change": can(request.user, CHANGE, task),
        "can_report": task.is_open and bool(services.reportable_agencies(request.user, task)),
        "visible_agencies": _visible_agency_ids(request.user),
        **selectors.task_timeline(task),
    }
    return render(request, "conferences/task_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request, pk: int):
    task = selectors.task_get(request.user, pk, CHANGE)
    form = TaskEditForm(
        request.POST or None,
        initial={
            "title": task.title,
            "expected_product": task.expected_product,
            "due_on": task.due_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.task_update(acting_user=request.user, task=task, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu nhiệm vụ."))
            return redirect(task)
    context = {"form": form, "task": task, "conference": task.conference}
    return _render_form(request, "conferences/task_edit.html", context, form)


@login_required
@require_http_methods(["GET", "POST"])
def task_progress(request, pk: int):
    """Báo cáo tiến độ by the agency (or the office on its behalf)."""
    task = selectors.task_get(request.user, pk)
    agencies = services.reportable_agencies(request.user, task)
    if not agencies:
        raise PermissionDenied(_("Bạn không có quyền báo cáo tiến độ nhiệm vụ này."))
    choices = Agency.objects.filter(pk__in=[a.pk for a in agencies]).order_by("name")
    form = ProgressForm(request.POST or None, request.FILES or None, agencies=choices)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_report_progress(acting_user=request.user, task=task, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã ghi báo cáo tiến độ."))
            return redirect(task)
    context = {"form": form, "task": task, "conference": task.conference}
    return _render_form(request, "conferences/task_progress.html", context, form)


@login_required
@require_http_methods(["GET", "POST"])
def task_carry(request, pk: int):
    task = selectors.task_get(request.user, pk, CHANGE)
    later = Conference.objects.filter(
        committee_id=task.conference.committee_id, number__gt=task.conference.number
    ).order_by("number")
    form = CarryOverForm(request.POST or None, conferences=later)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_carry_over(acting_user=request.user, task=task, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã chuyển tiếp nhiệm vụ."))
            return redirect(task)
    context = {"form": form, "task": task, "conference": task.conference}
    return _render_form(request, "conferences/task_carry.html", context, form)


@login_required
@require_GET
def progress_file(request, pk: int):
    report = get_object_or_404(TaskProgress.objects.visible_to(request.user), pk=pk)
    if not report.file:
        raise Http404
    return attachment_response(report.file, report.file_name, report.file_kind)


# --- agencies --------------------------------------------------------------------------------


@login_required
@require_GET
def agency_list(request):
    agencies = selectors.agency_list(request.user)
    owners = Organization.objects.visible_to(request.user, CHANGE).order_by("path")[:1]
    context = {"agencies": agencies, "owner": owners[0] if owners else None}
    return render(request, "conferences/agency_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def agency_create(request):
    org_id = request.GET.get("org", "")
    if not org_id.isdigit():
        raise Http404
    owner = get_object_or_404(Organization.objects.visible_to(request.user, CHANGE), pk=org_id)
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        code = data.pop("organization_code").strip()
        organization = None
        if code:
            organization = (
                Organization.objects.visible_to(request.user)
                .filter(code__iexact=code, path__startswith=owner.path)
                .first()
            )
            if organization is None:
                form.add_error(
                    "organization_code",
                    _("Không tìm thấy tổ chức đảng mã «%(code)s» thuộc %(owner)s.")
                    % {"code": code, "owner": owner.name},
                )
        if not form.errors:
            try:
                agency = services.agency_create(
                    acting_user=request.user, owner=owner, organization=organization, **data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã thêm cơ quan «%(n)s».") % {"n": agency.name})
                return redirect("conferences:agency_list")
    context = {"form": form, "owner": owner}
    return _render_form(request, "conferences/agency_form.html", context, form)
