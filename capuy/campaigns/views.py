"""Campaign pages. Views parse input, call a selector or a service, and render.

Campaigns are looked up through ``Campaign.objects.visible_to`` (a campaign is visible to
everyone whose part of the tree it covers), receipts and pledges through their own scoped
querysets, so anything outside the user's part of the tree is a 404.
"""

from __future__ import annotations

from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from capuy.core.forms import add_service_errors
from capuy.core.history import history_rows
from capuy.core.scoping import CHANGE, VIEW, can, has_any
from capuy.core.vntext import unaccent
from capuy.organizations.models import Organization

from . import selectors, services
from .choices import ContributionStatus, ContributorKind, PledgeStatus
from .documents import acknowledgement_document, render_acknowledgement_pdf, render_receipt_pdf
from .exports import write_campaign_workbook
from .forms import CampaignCreateForm, CampaignForm, ContributionForm, PledgeForm, ReasonForm

INVALID = 422  # the form is re-rendered with its errors; htmx swaps 422 (see base.html)
PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _done(request, url):
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _require_change_somewhere(user) -> None:
    if not has_any(user, CHANGE):
        raise PermissionDenied


def _page_number(request) -> int:
    raw = request.GET.get("page", "1")
    return max(int(raw), 1) if raw.isdigit() else 1


def _peek_page(qs, number: int):
    """One page without counting the whole list: fetch one row more to know if there is more."""
    start = (number - 1) * PAGE_SIZE
    rows = list(qs[start : start + PAGE_SIZE + 1])
    return {"rows": rows[:PAGE_SIZE], "number": number, "has_next": len(rows) > PAGE_SIZE}


def _file_name(campaign, suffix: str) -> str:
    stem = slugify(unaccent(campaign.title))[:60] or "van-dong"
    return f"{stem}-{suffix}"


def _node_trail(campaign, node: Organization, user) -> list[Organization]:
    """The node's ancestors inside the campaign and the user's view, for the breadcrumb."""
    paths = [node.path[:end] for end in range(len(campaign.org_path), len(node.path), 4)]
    return list(Organization.objects.visible_to(user, VIEW).filter(path__in=paths).order_by("path"))


# --- campaigns --------------------------------------------------------------------------------


@login_required
@require_GET
def campaign_list(request):
    campaigns = list(selectors.campaign_list(request.user))
    return render(
        request,
        "campaigns/list.html",
        {"campaigns": campaigns, "can_create": has_any(request.user, CHANGE)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    _require_change_somewhere(request.user)
    status = 200
    if request.method == "POST":
        form = CampaignCreateForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                campaign = services.campaign_create(
                    acting_user=request.user,
                    organization=form.cleaned_data["organization"],
                    **form.values(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã ghi cuộc vận động «%s».") % campaign.title)
                return _done(request, campaign.get_absolute_url())
        status = INVALID
    else:
        form = CampaignCreateForm(user=request.user)
    return render(request, "campaigns/form.html", {"form": form}, status=status)


@login_required
@require_GET
def campaign_detail(request, pk):
    campaign = selectors.campaign_get(request.user, pk)
    nodes = selectors.top_nodes(request.user, campaign)
    summary = selectors.campaign_summary(request.user, campaign)
    recent = list(selectors.contribution_list(request.user, campaign)[:10])
    events = (
        list(
            campaign.events.visible_to(request.user, VIEW)
            .select_related("actor")
            .order_by("-at")[:10]
        )
        if can(request.user, CHANGE, campaign)
        else []
    )
    context = {
        "campaign": campaign,
        "summary": summary,
        "goal_percent": summary.goal_percent(campaign.goal),
        "whole": bool(nodes) and nodes[0].pk == campaign.organization_id,
        "nodes": nodes,
        "recent": recent,
        "events": events,
        "can_change": can(request.user, CHANGE, campaign),
        "can_record": has_any(request.user, CHANGE),
    }
    return render(request, "campaigns/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk):
    campaign = selectors.campaign_get(request.user, pk, CHANGE)
    status = 200
    if request.method == "POST":
        form = CampaignForm(request.POST)
        if form.is_valid():
            try:
                services.campaign_update(
                    acting_user=request.user, campaign=campaign, **form.values()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã lưu thay đổi."))
                return _done(request, campaign.get_absolute_url())
        status = INVALID
    else:
        form = CampaignForm(initial=CampaignForm.initial_from(campaign))
    return render(
        request, "campaigns/form.html", {"form": form, "campaign": campaign}, status=status
    )


@login_required
@require_GET
def campaign_history(request, pk):
    campaign = selectors.campaign_get(request.user, pk)
    return render(
        request,
        "campaigns/history.html",
        {"campaign": campaign, "rows": history_rows(campaign)},
    )


@login_required
@require_GET
def campaign_totals(request, pk):
    campaign = selectors.campaign_get(request.user, pk)
    node = selectors.node_for(request.user, campaign, request.GET.get("node"))
    rollup = selectors.campaign_rollup(campaign, node)
    context = {
        "campaign": campaign,
        "node": node,
        "rollup": rollup,
        "trail": _node_trail(campaign, node, request.user),
        "goal_percent": rollup.total.goal_percent(campaign.goal)
        if node.pk == campaign.organization_id
        else None,
    }
    return render(request, "campaigns/totals.html", context)


# --- contributions ----------------------------------------------------------------------------


@login_required
@require_GET
def contribution_list(request, pk):
    campaign = selectors.campaign_get(request.user, pk)
    under = None
    if request.GET.get("org"):
        under = selectors.node_for(request.user, campaign, request.GET.get("org"))
    status = request.GET.get("status", "")
    status = status if status in ContributionStatus.values else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in ContributorKind.values else ""
    q = request.GET.get("q", "")[:100]
    qs = selectors.contribution_list(
        request.user, campaign, under=under, q=q, status=status, kind=kind
    )
    context = {
        "campaign": campaign,
        "under": under,
        "q": q,
        "status": status,
        "kind": kind,
        "statuses": ContributionStatus.choices,
        "kinds": ContributorKind.choices,
        "page": _peek_page(qs, _page_number(request)),
        "can_record": has_any(request.user, CHANGE),
    }
    template = (
        "campaigns/_contribution_rows.html" if request.htmx else "campaigns/contributions.html"
    )
    return render(request, template, context)


def _contribution_form_context(request, campaign, form):
    selected = (
        form.contributor_label() if form.is_bound and not form.errors.get("contributor") else ""
    )
    return {"campaign": campaign, "form": form, "selected": selected}


@login_required
@require_http_methods(["GET", "POST"])
def contribution_add(request, pk):
    campaign = selectors.campaign_get(request.user, pk)
    _require_change_somewhere(request.user)
    status = 200
    if request.method == "POST":
        form = ContributionForm(request.POST, user=request.user, campaign=campaign)
        if form.is_valid():
            try:
                contribution = services.contribution_record(
                    acting_user=request.user, campaign=campaign, **form.values()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Đã ghi nhận đóng góp, biên lai số %(no)s.")
                    % {"no": contribution.receipt_no},
                )
                return _done(request, contribution.get_absolute_url())
        status = INVALID
    else:
        form = ContributionForm(
            initial={"received_on": timezone.localdate()}, user=request.user, campaign=campaign
        )
    return render(
        request,
        "campaigns/contribution_form.html",
        _contribution_form_context(request, campaign, form),
        status=status,
    )


@login_required
@require_GET
def contributor_search(request, pk):
    campaign = selectors.campaign_get(request.user, pk)
    units, members = selectors.contributor_choices(
        request.user, campaign, request.GET.get("q", "")[:100]
    )
    return render(
        request,
        "campaigns/_contributor_choices.html",
        {"campaign": campaign, "units": units, "members": members, "q": request.GET.get("q", "")},
    )


@login_required
@require_GET
def unit_members(request, pk):
    campaign = selectors.campaign_get(request.user, pk)
    raw = request.GET.get("contributor", "")
    members = []
    unit = None
    if raw.startswith("o:") and raw[2:].isdigit():
        unit = (
            Organization.objects.visible_to(request.user, CHANGE)
            .filter(pk=int(raw[2:]), path__startswith=campaign.org_path)
            .first()
        )
        if unit is not None:
            members = selectors.unit_members(request.user, unit)
    return render(request, "campaigns/_unit_members.html", {"unit": unit, "members": members})


@login_required
@require_GET
def contribution_detail(request, pk):
    contribution = selectors.contribution_get(request.user, pk)
    context = {
        "contribution": contribution,
        "campaign": contribution.campaign,
        "shares": list(contribution.shares.all()),
        "events": list(contribution.events.select_related("actor").order_by("at")),
        "can_change": can(request.user, CHANGE, contribution),
    }
    return render(request, "campaigns/contribution_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def contribution_void(request, pk):
    contribution = selectors.contribution_get(request.user, pk, CHANGE)
    status = 200
    if request.method == "POST":
        form = ReasonForm(request.POST)
        if form.is_valid():
            try:
                services.contribution_void(
                    acting_user=request.user,
                    contribution=contribution,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("Đã hủy biên lai số %(no)s.") % {"no": contribution.receipt_no}
                )
                return _done(request, contribution.get_absolute_url())
        status = INVALID
    else:
        form = ReasonForm()
    context = {"form": form, "contribution": contribution, "campaign": contribution.campaign}
    return render(request, "campaigns/void.html", context, status=status)


@login_required
@require_GET
def receipt_pdf(request, pk):
    contribution = selectors.contribution_get(request.user, pk)
    pdf = render_receipt_pdf(contribution, list(contribution.shares.all()))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"bien-lai-{contribution.receipt_no:06d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


# --- pledges ------------------------------------------------------------------------------------


@login_required
@require_GET
def pledge_list(request, pk):
    campaign = selectors.campaign_get(request.user, pk)
    under = None
    if request.GET.get("org"):
        under = selectors.node_for(request.user, campaign, request.GET.get("org"))
    status = request.GET.get("status", PledgeStatus.ACTIVE)
    status = status if status in PledgeStatus.values else ""
    qs = selectors.pledge_list(request.user, campaign, under=under, status=status)
    context = {
        "campaign": campaign,
        "under": under,
        "status": status,
        "statuses": PledgeStatus.choices,
        "page": _peek_page(qs, _page_number(request)),
        "can_record": has_any(request.user, CHANGE),
    }
    return render(request, "campaigns/pledges.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def pledge_add(request, pk):
    campaign = selectors.campaign_get(request.user, pk)
    _require_change_somewhere(request.user)
    status = 200
    if request.method == "POST":
        form = PledgeForm(request.POST, user=request.user, campaign=campaign)
        if form.is_valid():
            try:
                services.pledge_record(acting_user=request.user, campaign=campaign, **form.values())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã ghi đăng ký ủng hộ."))
                return _done(request, reverse("campaigns:pledges", args=[campaign.pk]))
        status = INVALID
    else:
        form = PledgeForm(
            initial={"pledged_on": timezone.localdate()}, user=request.user, campaign=campaign
        )
    return render(
        request,
        "campaigns/pledge_form.html",
        _contribution_form_context(request, campaign, form),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def pledge_cancel(request, pk):
    pledge = selectors.pledge_get(request.user, pk, CHANGE)
    status = 200
    if request.method == "POST":
        form = ReasonForm(request.POST)
        if form.is_valid():
            try:
                services.pledge_cancel(
                    acting_user=request.user, pledge=pledge, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã hủy đăng ký."))
                return _done(request, reverse("campaigns:pledges", args=[pledge.campaign_id]))
        status = INVALID
    else:
        form = ReasonForm()
    context = {"form": form, "pledge": pledge, "campaign": pledge.campaign}
    return render(request, "campaigns/pledge_cancel.html", context, status=status)


# --- acknowledgement and exports ------------------------------------------------------------------


@login_required
@require_GET
def acknowledgement(request, pk):
    campaign = selectors.campaign_get(request.user, pk)
    node = selectors.node_for(request.user, campaign, request.GET.get("node"))
    ack = selectors.acknowledgement(campaign, node)
    document = acknowledgement_document(ack)
    return render(
        request,
        "campaigns/acknowledgement.html",
        {"campaign": campaign, "node": node, "ack": ack, "document": document},
    )


@login_required
@require_GET
def acknowledgement_pdf(request, pk):
    campaign = selectors.campaign_get(request.user, pk)
    node = selectors.node_for(request.user, campaign, request.GET.get("node"))
    pdf = render_acknowledgement_pdf(selectors.acknowledgement(campaign, node))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{_file_name(campaign, "danh-sach-ung-ho.pdf")}"'
    )
    return response


@login_required
@require_GET
def campaign_export(request, pk):
    campaign = selectors.campaign_get(request.user, pk)
    node = selectors.node_for(request.user, campaign, request.GET.get("node"))
    rollup = selectors.campaign_rollup(campaign, node)
    contributions = selectors.contribution_list(request.user, campaign, under=node).order_by(
        "receipt_no"
    )
    pledges = selectors.pledge_list(request.user, campaign, under=node)
    out = BytesIO()
    write_campaign_workbook(rollup, contributions, pledges, out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="{_file_name(campaign, "tong-hop.xlsx")}"'
    )
    return response
