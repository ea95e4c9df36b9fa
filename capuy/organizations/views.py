"""Organization pages: the lazy tree, an organization's page, its history and its write forms.

Views parse input, call a selector or a service and render. Every object is fetched through the
scoped queryset (404 outside scope); write views fetch with CHANGE scope.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from capuy.committees.selectors import committee_terms_of
from capuy.core.history import history_rows
from capuy.core.scoping import CHANGE, can

from . import selectors, services
from .choices import SeatLevel
from .filters import OrganizationFilterForm
from .forms import (
    OrganizationCreateForm,
    OrganizationDissolveForm,
    OrganizationEditForm,
    OrganizationFlagForm,
    add_service_errors,
)
from .models import Organization
from .services import ALLOWED_CHILDREN

SEARCH_PAGE_SIZE = 50
# Siblings per lazy load; more come with "Xem thêm" (a page of 200 took 200 ms to render).
CHILDREN_PAGE = 50
INVALID = 422  # re-rendered form with errors (base.html lets HTMX swap it too)


def _first_children(qs, offset: int = 0) -> tuple[list, bool]:
    """One page of siblings and whether more follow, without a COUNT query."""
    nodes = list(qs[offset : offset + CHILDREN_PAGE + 1])
    return nodes[:CHILDREN_PAGE], len(nodes) > CHILDREN_PAGE


def _tree_query(values: dict) -> str:
    """The parameters a lazily loaded sub-list must carry to stay consistent with its page."""
    query = QueryDict(mutable=True)
    if values["on"]:
        query["on"] = values["on"].strftime("%d/%m/%Y")
    if values["include_dissolved"]:
        query["include_dissolved"] = "on"
    return query.urlencode()


@login_required
@require_GET
def tree(request):
    form = OrganizationFilterForm(request.GET)
    values = form.values()
    within = selectors.organization_get(request.user, values["org"]) if values["org"] else None
    context = {"form": form, "values": values, "within": within, "carry": _tree_query(values)}
    if form.is_search(values):
        matches = selectors.organization_search(
            request.user,
            within,
            kind=values["kind"],
            flag=values["flag"],
            q=values["q"],
            on=values["on"],
            include_dissolved=values["include_dissolved"],
        )
        page = Paginator(matches, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context.update(searching=True, page=page, page_query=query.urlencode())
    else:
        roots = selectors.organization_roots_for(request.user, within=within, on=values["on"])
        context["nodes"] = nodes = list(roots)
        if len(nodes) == 1 and nodes[0].numchild:
            # A single top node opens by itself: one click less on every visit.
            root = nodes[0]
            root.loaded_children, root.more_children = _first_children(
                selectors.organization_children(
                    request.user,
                    root,
                    on=values["on"],
                    include_dissolved=values["include_dissolved"],
                )
            )
            root.preloaded = True
    return render(request, "organizations/tree.html", context)


@login_required
@require_GET
def children(request, pk: int):
    parent = selectors.organization_get(request.user, pk)
    values = OrganizationFilterForm(request.GET).values()
    try:
        offset = max(0, int(request.GET.get("offset", 0)))
    except ValueError:
        offset = 0
    nodes, has_more = _first_children(
        selectors.organization_children(
            request.user, parent, on=values["on"], include_dissolved=values["include_dissolved"]
        ),
        offset,
    )
    context = {
        "parent": parent,
        "nodes": nodes,
        "has_more": has_more,
        "next_offset": offset + len(nodes),
        "carry": _tree_query(values),
    }
    return render(request, "organizations/_children.html", context)


@login_required
@require_GET
def detail(request, pk: int):
    org = selectors.organization_detail(request.user, pk)
    members, more_members = (
        selectors.organization_cell_members(request.user, org) if org.is_cell else ([], False)
    )
    child_nodes, more_children = (
        _first_children(selectors.organization_children(request.user, org, include_dissolved=True))
        if org.numchild
        else ([], False)
    )
    context = {
        "org": org,
        "ancestors": selectors.organization_ancestors(request.user, org),
        "child_nodes": child_nodes,
        "more_children": more_children,
        "terms": committee_terms_of(org),
        "members": members,
        "more_members": more_members,
        "level_label": SeatLevel(org.level).label,
        "can_change": can(request.user, CHANGE, org),
        "can_add_child": bool(ALLOWED_CHILDREN.get(org.kind)) and org.dissolved_on is None,
        "merged_into_visible": org.merged_into_id is not None
        and Organization.objects.visible_to(request.user).filter(pk=org.merged_into_id).exists(),
    }
    return render(request, "organizations/detail.html", context)


@login_required
@require_GET
def history(request, pk: int):
    org = selectors.organization_get(request.user, pk)
    flags = [(flag, history_rows(flag)) for flag in org.flags.order_by("-valid_from")]
    context = {"org": org, "rows": history_rows(org), "flags": flags}
    return render(request, "organizations/history.html", context)


def _form_page(request, template: str, context: dict, form, status: int = 200):
    return render(request, template, {**context, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def create(request, pk: int):
    parent = selectors.organization_get(request.user, pk, CHANGE)
    form = OrganizationCreateForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organization_create(
                acting_user=request.user, parent=parent, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã thành lập «%(name)s».") % {"name": org.name})
            return redirect(org)
    status = INVALID if form.is_bound else 200
    return _form_page(request, "organizations/create.html", {"parent": parent}, form, status)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    org = selectors.organization_get(request.user, pk, CHANGE)
    initial = {name: getattr(org, name) for name in services.EDITABLE_FIELDS}
    form = OrganizationEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organization_update(
                acting_user=request.user, organization=org, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu thay đổi của «%(name)s».") % {"name": org.name})
            return redirect(org)
    status = INVALID if form.is_bound else 200
    return _form_page(request, "organizations/edit.html", {"org": org}, form, status)


@login_required
@require_http_methods(["GET", "POST"])
def flag_add(request, pk: int):
    org = selectors.organization_get(request.user, pk, CHANGE)
    form = OrganizationFlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            flag = services.organization_flag_add(
                acting_user=request.user, organization=org, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã đánh dấu «%(org)s»: %(flag)s.")
                % {"org": org.name, "flag": flag.get_kind_display()},
            )
            return redirect(org)
    status = INVALID if form.is_bound else 200
    return _form_page(request, "organizations/flag_add.html", {"org": org}, form, status)


@login_required
@require_http_methods(["GET", "POST"])
def dissolve(request, pk: int):
    org = selectors.organization_get(request.user, pk, CHANGE)
    targets = Organization.objects.visible_to(request.user, CHANGE).exclude(pk=org.pk)
    form = OrganizationDissolveForm(request.POST or None, merge_targets=targets)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organization_dissolve(
                acting_user=request.user, organization=org, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã giải thể «%(name)s».") % {"name": org.name})
            return redirect(org)
    status = INVALID if form.is_bound else 200
    return _form_page(request, "organizations/dissolve.html", {"org": org}, form, status)
