"""Member pages. Views parse input, call a selector or a service, and render; nothing else.

Every read goes through ``Member.objects.visible_to`` (via the selectors), so a member outside
the user's scope, or outside what the user may change, is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from capuy.core.history import history_rows
from capuy.core.scoping import CHANGE, VIEW, can, has_any
from capuy.jobs.services import job_start

from . import services
from .choices import MemberStatus
from .filters import MemberFilterForm
from .forms import MemberCreateForm, MemberForm, MemberTransferForm, add_service_errors
from .selectors import (
    cell_choices_for,
    list_page,
    member_detail_visible_to,
    member_seats,
    member_transfers,
    parse_page_number,
    scope_member_total,
)

INVALID = 422  # the form is re-rendered with its errors; htmx swaps 422 (see base.html)


def _member_or_404(user, pk, action=VIEW):
    member = member_detail_visible_to(user, pk, action)
    if member is None:
        raise Http404(_("Không tìm thấy đảng viên hoặc đảng viên ngoài phạm vi của bạn."))
    return member


def _done(request, url):
    """After a successful write: a normal redirect, or a client-side one for htmx."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _partial_wanted(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


@login_required
@require_GET
@vary_on_headers("HX-Request")
def member_list(request):
    form = MemberFilterForm(request.GET, user=request.user)
    page_number = parse_page_number(request.GET.get("page"))
    known_total = None
    if form.is_valid() and not form.is_filtered:
        org = form.organization
        known_total = org.member_count if org else scope_member_total(request.user)
    page = list_page(form.page_source(), page_number, known_total=known_total)
    context = {
        "form": form,
        "page": page,
        "organization": form.organization,
        "can_create": has_any(request.user, CHANGE),
        "export_params": form.params() if form.is_valid() else {},
    }
    if _partial_wanted(request):
        return render(request, "members/_results.html", context)
    return render(request, "members/list.html", context)


@login_required
@require_GET
def member_detail(request, pk):
    member = _member_or_404(request.user, pk)
    context = {
        "member": member,
        "transfers": list(member_transfers(member)),
        "seats": list(member_seats(member)),
        "can_change": can(request.user, CHANGE, member),
    }
    return render(request, "members/detail.html", context)


@login_required
@require_GET
def member_history(request, pk):
    member = _member_or_404(request.user, pk)
    return render(request, "members/history.html", {"member": member, "rows": history_rows(member)})


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request):
    if not has_any(request.user, CHANGE):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = MemberCreateForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                member = services.member_create(
                    acting_user=request.user, cell=form.cleaned_data["cell"], **form.values()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("Đã thêm đảng viên %(name)s.") % {"name": member.full_name}
                )
                return _done(request, member.get_absolute_url())
        status = INVALID
    else:
        initial = {"status": MemberStatus.DU_BI}
        if request.GET.get("cell", "").isdigit():
            initial["cell"] = int(request.GET["cell"])
        form = MemberCreateForm(initial=initial, user=request.user)
    context = {"form": form, "picker": _picker(request.user, "cell", form["cell"].value())}
    return render(request, "members/form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk):
    member = _member_or_404(request.user, pk, CHANGE)
    status = 200
    if request.method == "POST":
        form = MemberForm(request.POST)
        if form.is_valid():
            try:
                services.member_update(acting_user=request.user, member=member, **form.values())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã lưu thay đổi."))
                return _done(request, member.get_absolute_url())
        status = INVALID
    else:
        form = MemberForm(initial=MemberForm.initial_from(member))
    return render(request, "members/form.html", {"form": form, "member": member}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def member_transfer(request, pk):
    member = _member_or_404(request.user, pk, CHANGE)
    status = 200
    if request.method == "POST":
        form = MemberTransferForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                transfer = services.member_transfer(
                    acting_user=request.user, member=member, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Đã chuyển sinh hoạt %(name)s đến %(cell)s.")
                    % {"name": member.full_name, "cell": transfer.to_cell.name},
                )
                return _done(request, member.get_absolute_url())
        status = INVALID
    else:
        form = MemberTransferForm(user=request.user)
    picker = _picker(request.user, "to_cell", form["to_cell"].value())
    context = {"form": form, "member": member, "picker": picker}
    return render(request, "members/transfer.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def member_delete(request, pk):
    member = _member_or_404(request.user, pk, CHANGE)
    error = None
    if request.method == "POST":
        try:
            services.member_delete(acting_user=request.user, member=member)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Đã xóa đảng viên %(name)s.") % {"name": member.full_name})
            return _done(request, reverse("members:list"))
    return render(
        request,
        "members/delete.html",
        {"member": member, "error": error},
        status=INVALID if error else 200,
    )


@login_required
@require_GET
def cell_search(request):
    """The cell picker's results: cells the user may change, found by name without diacritics."""
    field = request.GET.get("field")
    if field not in ("cell", "to_cell"):
        field = "cell"
    context = _picker(request.user, field, request.GET.get(field), request.GET.get("cell_q", ""))
    return render(request, "members/_cell_choices.html", context)


@login_required
@require_POST
def member_export(request):
    form = MemberFilterForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Bộ lọc không hợp lệ, chưa thể xuất Excel."))
        return redirect("members:list")
    job = job_start(
        user=request.user,
        kind="members.export_xlsx",
        title=_export_title(form),
        params=form.params(),
    )
    return redirect("jobs:detail", pk=job.pk)


def _export_title(form: MemberFilterForm) -> str:
    parts = [_("Xuất Excel danh sách đảng viên")]
    data = form.cleaned_data
    if form.organization is not None:
        parts.append(form.organization.name)
    if data.get("q"):
        parts.append(_("tên «%(q)s»") % {"q": data["q"]})
    if data.get("status"):
        parts.append(str(dict(form.fields["status"].choices)[data["status"]]))
    if data.get("gender"):
        parts.append(str(dict(form.fields["gender"].choices)[data["gender"]]))
    return " — ".join(parts)


def _picker(user, field: str, selected_pk, q: str = "") -> dict:
    """The cell picker's choices: the chosen cell first (still checked), then the matches."""
    selected = None
    if selected_pk not in (None, ""):
        found = cell_choices_for(user, "", pk=selected_pk, limit=1)
        selected = found[0] if found else None
    cells = cell_choices_for(user, q)
    if selected is not None:
        cells = [selected, *[cell for cell in cells if cell.pk != selected.pk]]
    return {"cells": cells, "field": field, "selected": selected, "cell_q": q}
