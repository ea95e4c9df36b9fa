"""Committee pages: the list by organization and term, a committee with its seats, the seat,
term and committee forms, the live member picker and the audit trails.

Every object is fetched through the scoped queryset (404 outside scope); write views fetch with
CHANGE scope and call the services in capuy.committees.services.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from capuy.core.history import history_rows
from capuy.core.scoping import CHANGE, can
from capuy.members.models import Member
from capuy.organizations.choices import SeatLevel
from capuy.organizations.forms import add_service_errors
from capuy.organizations.selectors import organization_get

from . import selectors, services
from .forms import CommitteeFilterForm, CommitteeForm, SeatEndForm, SeatForm, TermForm
from .models import Term

TERMS_PER_PAGE = 25
INVALID = 422  # re-rendered form with errors (base.html lets HTMX swap it too)


@login_required
@require_GET
def committee_list(request):
    form = CommitteeFilterForm(request.GET)
    values = form.values()
    organization = organization_get(request.user, values["org"]) if values["org"] else None
    terms = selectors.committee_list(
        request.user,
        organization=organization,
        current_only=values["current_only"],
        q=values["q"],
    )
    page = Paginator(terms, TERMS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "values": values,
        "organization": organization,
        "page": page,
        "page_query": query.urlencode(),
    }
    return render(request, "committees/list.html", context)


@login_required
@require_GET
def detail(request, pk: int):
    committee = selectors.committee_get(request.user, pk)
    context = {
        "committee": committee,
        "organization": committee.term.organization,
        "level_label": SeatLevel(committee.level).label,
        "seats": selectors.committee_seats(committee),
        "can_change": can(request.user, CHANGE, committee),
    }
    return render(request, "committees/detail.html", context)


@login_required
@require_GET
def history(request, pk: int):
    committee = selectors.committee_get(request.user, pk)
    context = {"committee": committee, "rows": history_rows(committee)}
    return render(request, "committees/history.html", context)


@login_required
@require_GET
def seat_history(request, pk: int):
    seat = selectors.seat_get(request.user, pk)
    context = {"seat": seat, "committee": seat.committee, "rows": history_rows(seat)}
    return render(request, "committees/seat_history.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def seat_add(request, pk: int):
    committee = selectors.committee_get(request.user, pk, CHANGE)
    form = SeatForm(request.POST or None, members=Member.objects.visible_to(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            seat = services.seat_assign(
                acting_user=request.user, committee=committee, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã thêm %(member)s: %(role)s.")
                % {"member": seat.member.full_name, "role": seat.get_role_display()},
            )
            return redirect("committees:detail", committee.pk)
    selected = form.selected_member()
    context = {
        "committee": committee,
        "form": form,
        "selected": selected,
        "selected_list": [selected] if selected else [],
    }
    return render(
        request, "committees/seat_add.html", context, status=INVALID if form.is_bound else 200
    )


@login_required
@require_GET
def member_picker(request):
    """HTMX live search: up to 20 members in scope matching the typed name, diacritics optional."""
    q = request.GET.get("q", "")[:100]
    members = selectors.member_picker(request.user, q)
    selected = None
    if request.GET.get("member", "").isdigit():
        selected = (
            Member.objects.visible_to(request.user)
            .select_related("cell")
            .filter(pk=int(request.GET["member"]))
            .first()
        )
    if selected is not None and selected not in members:
        members = [selected, *members]
    context = {"members": members, "q": q, "selected": selected}
    return render(request, "committees/_member_picker_results.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def seat_end(request, pk: int):
    seat = selectors.seat_get(request.user, pk, CHANGE)
    form = SeatEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            seat = services.seat_end(acting_user=request.user, seat=seat, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã ghi nhận %(member)s thôi giữ chức vụ %(role)s.")
                % {"member": seat.member.full_name, "role": seat.get_role_display()},
            )
            return redirect("committees:detail", seat.committee_id)
    context = {"seat": seat, "committee": seat.committee, "form": form}
    return render(
        request, "committees/seat_end.html", context, status=INVALID if form.is_bound else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def term_create(request):
    org_id = request.GET.get("org", "")
    if not org_id.isdigit():
        raise Http404
    organization = organization_get(request.user, int(org_id), CHANGE)
    form = TermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            term = services.term_create(
                acting_user=request.user, organization=organization, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã thêm nhiệm kỳ %(term)s.") % {"term": term})
            return redirect(f"{reverse('organizations:detail', args=[organization.pk])}#cap-uy")
    context = {"organization": organization, "form": form}
    return render(
        request, "committees/term_create.html", context, status=INVALID if form.is_bound else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def committee_create(request, pk: int):
    term = get_object_or_404(
        Term.objects.visible_to(request.user, CHANGE).select_related("organization"), pk=pk
    )
    form = CommitteeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            committee = services.committee_create(
                acting_user=request.user, term=term, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã thêm %(committee)s.") % {"committee": committee})
            return redirect("committees:detail", committee.pk)
    context = {"term": term, "organization": term.organization, "form": form}
    return render(
        request,
        "committees/committee_create.html",
        context,
        status=INVALID if form.is_bound else 200,
    )
