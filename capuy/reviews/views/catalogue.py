"""The rule sets and the 27-manifestations catalogue: read by all, edited by the office."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from capuy.core.history import history_rows
from capuy.core.scoping import CHANGE, VIEW, can

from .. import selectors, services
from ..forms import ManifestationForm, OverlayForm, RuleSetForm, add_service_errors
from ..models import Manifestation, RuleSet
from ..rules import CONDITION_FIELDS, RATING_NAMES
from ..rulesets import effective_rules
from .common import INVALID, done


def _rule_set_or_404(user, pk, action=VIEW) -> RuleSet:
    rule_set = selectors.rule_set_visible_to(user, pk, action)
    if rule_set is None:
        raise Http404(_("Không tìm thấy bộ quy tắc."))
    return rule_set


def _may_edit_catalogue(user) -> bool:
    return Manifestation.objects.visible_to(user, CHANGE).exists()


@login_required
@require_GET
def rule_set_list(request):
    rule_sets = RuleSet.objects.visible_to(request.user, VIEW).select_related(
        "base", "organization"
    )
    return render(request, "reviews/rule_set_list.html", {"rule_sets": list(rule_sets)})


@login_required
@require_GET
def rule_set_detail(request, pk):
    rule_set = _rule_set_or_404(request.user, pk)
    context = {
        "rule_set": rule_set,
        "rules": effective_rules(rule_set),
        "can_change": can(request.user, CHANGE, rule_set),
        "can_overlay": not rule_set.is_overlay
        and OverlayForm(user=request.user).fields["organization"].queryset.exists(),
        "rating_names": RATING_NAMES,
        "condition_fields": CONDITION_FIELDS,
        "history": history_rows(rule_set, limit=20),
    }
    return render(request, "reviews/rule_set_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def rule_set_edit(request, pk):
    rule_set = _rule_set_or_404(request.user, pk, CHANGE)
    status = 200
    if request.method == "POST":
        form = RuleSetForm(request.POST)
        if form.is_valid():
            try:
                services.rule_set_update(
                    acting_user=request.user, rule_set=rule_set, **form.values()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã lưu bộ quy tắc."))
                return done(request, reverse("reviews:rule_set_detail", args=[rule_set.pk]))
        status = INVALID
    else:
        form = RuleSetForm(initial=RuleSetForm.initial_from(rule_set))
    return render(
        request, "reviews/rule_set_edit.html", {"form": form, "rule_set": rule_set}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_set_overlay(request, pk):
    base = _rule_set_or_404(request.user, pk)
    if base.is_overlay:  # another province's values go on the same national rule set
        base = base.base
    if not OverlayForm(user=request.user).fields["organization"].queryset.exists():
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = OverlayForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                overlay = services.rule_set_create_overlay(
                    acting_user=request.user,
                    base=base,
                    organization=data["organization"],
                    code=data["code"],
                    name=data["name"],
                    config=data["config"],
                    quota_percent=data["quota_percent"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã lập bộ quy tắc riêng."))
                return done(request, reverse("reviews:rule_set_detail", args=[overlay.pk]))
        status = INVALID
    else:
        form = OverlayForm(user=request.user)
    return render(
        request, "reviews/rule_set_overlay.html", {"form": form, "base": base}, status=status
    )


@login_required
@require_GET
def manifestation_list(request):
    if not Manifestation.objects.visible_to(request.user, VIEW).exists():
        raise PermissionDenied
    items = Manifestation.objects.order_by("group", "number")
    groups = {}
    for item in items:
        groups.setdefault(item.get_group_display(), []).append(item)
    context = {
        "groups": groups,
        "can_change": _may_edit_catalogue(request.user),
        "unconfirmed": sum(1 for item in items if not item.confirmed),
    }
    return render(request, "reviews/manifestation_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def manifestation_create(request):
    if not _may_edit_catalogue(request.user):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = ManifestationForm(request.POST)
        if form.is_valid():
            try:
                services.manifestation_create(acting_user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã thêm biểu hiện."))
                return done(request, reverse("reviews:manifestation_list"))
        status = INVALID
    else:
        form = ManifestationForm()
    return render(request, "reviews/manifestation_form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def manifestation_edit(request, pk):
    if not _may_edit_catalogue(request.user):
        raise PermissionDenied
    item = Manifestation.objects.filter(pk=pk).first()
    if item is None:
        raise Http404
    status = 200
    if request.method == "POST":
        form = ManifestationForm(request.POST, editing=True)
        if form.is_valid():
            try:
                services.manifestation_update(
                    acting_user=request.user, manifestation=item, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã lưu biểu hiện %(code)s.") % {"code": item.code})
                return redirect("reviews:manifestation_list")
        status = INVALID
    else:
        form = ManifestationForm(
            editing=True,
            initial={
                "text": item.text,
                "confirmed": item.confirmed,
                "active": item.active,
                "source": item.source,
            },
        )
    return render(
        request, "reviews/manifestation_form.html", {"form": form, "item": item}, status=status
    )
