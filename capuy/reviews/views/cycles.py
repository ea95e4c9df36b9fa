"""Cycles: the list, opening one, its coverage, closing a level, its subjects, and the cell
secretary's phone page."""

import uuid
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from capuy.core.scoping import CHANGE, can, has_any
from capuy.core.vntext import format_number
from capuy.jobs.models import Job, JobStatus
from capuy.members.selectors import list_page, organization_visible_to, parse_page_number

from .. import selectors, services, tasks
from ..access import propose_refusal, self_assess_refusal
from ..choices import DecisionLevel, SubjectKind
from ..forms import CellResultForm, CycleOpenForm, add_service_errors
from ..rulesets import effective_rules, rule_set_for
from .common import INVALID, cycle_or_404, done

# The cycle page's coverage table: rows a page, and its orders ("" = tree order).
COVERAGE_PER_PAGE = 50
COVERAGE_SORTS = ("", "progress")

STATUS_CHOICES = [
    ("", gettext_lazy("Mọi tình trạng")),
    ("pending", gettext_lazy("Chưa kiểm điểm")),
    ("reviewed", gettext_lazy("Đã kiểm điểm")),
    ("to_decide", gettext_lazy("Chờ quyết định")),
    ("decided", gettext_lazy("Đã quyết định")),
    ("exempt", gettext_lazy("Không kiểm điểm")),
]


@login_required
@require_GET
def cycle_list(request):
    cycles = list(selectors.cycles_visible_to(request.user)[:200])
    return render(
        request,
        "reviews/cycle_list.html",
        {"cycles": cycles, "can_open": has_any(request.user, CHANGE)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def cycle_open(request):
    """Mở đợt: a scope with few members is opened in the request; a larger one (a province,
    the nation) is checked here, then opened by a background job whose progress this same
    page shows (``?job=<id>``)."""
    if not has_any(request.user, CHANGE):
        raise PermissionDenied
    if request.method == "GET" and "job" in request.GET:
        return _open_job_page(request, request.GET["job"])
    status = 200
    if request.method == "POST":
        form = CycleOpenForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            arguments = {
                name: data[name]
                for name in (
                    "rule_set",
                    "organization",
                    "year",
                    "period_kind",
                    "quarter",
                    "period_start",
                    "period_end",
                    "name",
                )
            }
            try:
                if tasks.runs_in_background(data["organization"]):
                    job = tasks.start_open_job(user=request.user, **arguments)
                    return done(request, f"{reverse('reviews:cycle_open')}?job={job.pk}")
                cycle = services.cycle_open(acting_user=request.user, **arguments)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                counts = cycle.opened_counts
                messages.success(
                    request,
                    _(
                        "Đã mở đợt: %(orgs)s tổ chức đảng, %(members)s đảng viên, %(colls)s tập "
                        "thể lãnh đạo, %(leaders)s chức vụ lãnh đạo phải kiểm điểm."
                    )
                    % {
                        "orgs": format_number(counts["organization"]),
                        "members": format_number(counts["member"]),
                        "colls": format_number(counts["collective"]),
                        "leaders": format_number(counts["leader"]),
                    },
                )
                return done(request, cycle.get_absolute_url())
        status = INVALID
    else:
        form = CycleOpenForm(user=request.user)
        year = timezone.localdate().year - 1
        form.initial.update({"year": year, "rule_set": rule_set_for(year)})
    context = {"form": form, "sync_limit": tasks.sync_limit()}
    return render(request, "reviews/cycle_open.html", context, status=status)


def _open_job_page(request, job_id):
    """The opening job's progress (the whole page, or the polled part for htmx); private to
    the user who started it, like every job."""
    try:
        job_uuid = uuid.UUID(str(job_id))
    except ValueError:
        raise Http404(_("Không tìm thấy tác vụ.")) from None
    job = Job.objects.filter(pk=job_uuid, user=request.user, kind=tasks.OPEN_JOB).first()
    if job is None:
        raise Http404(_("Không tìm thấy tác vụ."))
    finished = job.status in (JobStatus.DONE, JobStatus.FAILED)
    cycle = None
    if job.status == JobStatus.DONE:
        cycle = selectors.cycle_visible_to(request.user, job.params.get("cycle_id"))
    context = {"job": job, "finished": finished, "cycle": cycle}
    partial = request.htmx and not request.htmx.history_restore_request
    template = "reviews/cycle_open_progress.html" if partial else "reviews/cycle_open_job.html"
    response = render(request, template, context)
    add_never_cache_headers(response)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
@vary_on_headers("HX-Request")
def cycle_detail(request, pk):
    """The cycle's progress: by deciding level, and by child organization of the user's top
    node (or of ``?org=``), a page of ``COVERAGE_PER_PAGE`` rows at a time, optionally only the
    incomplete ones (``?incomplete=1``) or the least reviewed first (``?sort=progress``); the
    totals count every row. An htmx request gets the table alone."""
    cycle = cycle_or_404(request.user, pk)
    root = default_root = selectors.coverage_root(request.user, cycle)
    branch = organization_visible_to(request.user, request.GET.get("org"))
    if branch is not None and branch.path.startswith(cycle.organization.path):
        root = branch
    rows = selectors.cycle_coverage(request.user, cycle, root) if root else []
    incomplete = request.GET.get("incomplete") == "1"
    sort = request.GET.get("sort", "")
    sort = sort if sort in COVERAGE_SORTS else ""
    shown = selectors.coverage_narrowed(
        rows, incomplete_only=incomplete, least_complete_first=sort == "progress"
    )
    page = Paginator(shown, COVERAGE_PER_PAGE).get_page(request.GET.get("page"))
    table = {
        "cycle": cycle,
        "root": root,
        "default_root": default_root,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "unit_count": len(rows),
        "total": selectors.coverage_total(rows),
        "incomplete": incomplete,
        "sort": sort,
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "reviews/_coverage_table.html", table)
    levels = selectors.coverage_by_level(cycle, request.user)
    can_close = can(request.user, CHANGE, cycle)
    deadlines = {}
    for level, day in (cycle.deadlines or {}).items():
        try:
            deadlines[level] = date.fromisoformat(day)
        except (TypeError, ValueError):
            continue
    context = {
        **table,
        "rules": effective_rules(cycle.rule_set),
        "levels": levels,
        "can_close": can_close,
        "deadlines": deadlines,
        "cells": selectors.cells_of_user(request.user, cycle)[:20],
        "kinds": SubjectKind.choices,
    }
    return render(request, "reviews/cycle_detail.html", context)


@login_required
@require_POST
def cycle_close_level(request, pk):
    cycle = cycle_or_404(request.user, pk, CHANGE)
    level = request.POST.get("level", "")
    try:
        services.cycle_close_level(acting_user=request.user, cycle=cycle, level=level)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        label = DecisionLevel(level).label if level in DecisionLevel.values else level
        messages.success(request, _("Đã khóa sổ %(level)s.") % {"level": str(label).lower()})
    return redirect(cycle.get_absolute_url())


@login_required
@require_GET
@vary_on_headers("HX-Request")
def subject_list(request, pk):
    cycle = cycle_or_404(request.user, pk)
    organization = organization_visible_to(request.user, request.GET.get("org"))
    kind = request.GET.get("kind", "")
    kind = kind if kind in SubjectKind.values else ""
    status = request.GET.get("status", "")
    status = status if status in selectors.STATUS_FILTERS else ""
    q = request.GET.get("q", "")[:100]
    competent = request.GET.get("competent") == "1"
    qs = selectors.subject_list(
        request.user,
        cycle,
        organization=organization,
        kind=kind,
        status=status,
        q=q,
        competent=competent,
    )
    page = list_page(qs, parse_page_number(request.GET.get("page")))
    context = {
        "cycle": cycle,
        "page": page,
        "organization": organization,
        "kind": kind,
        "status": status,
        "q": q,
        "competent": competent,
        "kinds": SubjectKind.choices,
        "statuses": STATUS_CHOICES,
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "reviews/_subject_rows.html", context)
    return render(request, "reviews/subject_list.html", context)


@login_required
@require_GET
def cell_entry(request, pk):
    """The cell secretary's phone page: every member of her cell, one quick form each."""
    cycle = cycle_or_404(request.user, pk)
    cell = organization_visible_to(request.user, request.GET.get("org"))
    cells = selectors.cells_of_user(request.user, cycle)
    if cell is None and len(cells) == 1:
        cell = cells[0]
    reviews = selectors.cell_reviews(request.user, cycle, cell) if cell else []
    manifestations = selectors.active_manifestations()
    rows = [cell_row(request.user, review, manifestations) for review in reviews]
    done_count = sum(1 for row in rows if row["review"].is_reviewed)
    context = {
        "cycle": cycle,
        "cell": cell,
        "cells": cells,
        "rows": rows,
        "done_count": done_count,
        "manifestations": manifestations,
    }
    return render(request, "reviews/cell_entry.html", context)


def cell_row(user, review, manifestations, form=None, saved=False) -> dict:
    may_write = self_assess_refusal(user, review) is None
    may_propose = propose_refusal(user, review) is None
    if form is None:
        form = CellResultForm(
            prefix=f"r{review.pk}",
            initial={
                "self_level": review.self_level,
                "proposed_level": review.proposed_level,
                "manifestations": list(review.manifestation_ids),
                "manifestations_text": review.manifestations_text,
            },
        )
    chosen = {int(pk) for pk in (form["manifestations"].value() or []) if str(pk).isdigit()}
    return {
        "review": review,
        "form": form,
        "chosen": chosen,
        "chosen_count": len(chosen) + (1 if form["manifestations_text"].value() else 0),
        "editable": may_write and may_propose and not review.locked and review.status != "exempt",
        "saved": saved,
        "manifestations": manifestations,
    }
