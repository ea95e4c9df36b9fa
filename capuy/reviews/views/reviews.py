"""One subject's review: its page, the steps (self-assessment, proposal, decision, reopening,
exemption), the phone row of the cell page and the live quota counter."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from capuy.core.history import history_rows

from .. import access, selectors, services
from ..choices import INDIVIDUAL_KINDS, Level
from ..forms import (
    CellResultForm,
    DecideForm,
    ExemptionForm,
    ReopenForm,
    SelfAssessForm,
    StepForm,
    add_service_errors,
)
from ..rules import LEVEL_RANK, derive_level
from ..rulesets import effective_rules
from .common import INVALID, done, review_or_404
from .cycles import cell_row


def _rules(review):
    return effective_rules(review.cycle.rule_set)


def _derivation(review):
    return derive_level(
        _rules(review),
        review.subject_kind,
        ratings=review.ratings,
        score_general=review.score_general,
        score_tasks=review.score_tasks,
        conditions=review.conditions,
        exemption=review.exemption,
    )


def _rights(user, review) -> dict:
    competent = selectors.organization_names([review.competent_path]).get(review.competent_path)
    return {
        "may_self": access.self_assess_refusal(user, review) is None,
        "may_propose": access.propose_refusal(user, review) is None,
        "may_decide": access.decide_refusal(user, review) is None,
        "may_exempt": access.exempt_refusal(user, review) is None,
        "competent_name": competent or "",
    }


def _context(request, review, **forms) -> dict:
    rules = _rules(review)
    kind = review.subject_kind
    initial = StepForm.initial_from(review)
    self_form = forms.get("self_form") or SelfAssessForm(
        rules=rules,
        subject_kind=kind,
        initial={
            **initial,
            "level": review.self_level,
            "self_text": review.self_text,
            "manifestations": list(review.manifestation_ids),
            "manifestations_text": review.manifestations_text,
        },
    )
    propose_form = forms.get("propose_form") or StepForm(
        rules=rules,
        subject_kind=kind,
        initial={**initial, "level": review.proposed_level or review.self_level},
    )
    chosen = {int(v) for v in self_form["manifestations"].value() or [] if str(v).isdigit()}
    return {
        "review": review,
        "cycle": review.cycle,
        "rules": rules,
        "derivation": _derivation(review),
        "self_chosen": chosen,
        "manifestations": selectors.active_manifestations(),
        "events": list(selectors.review_events(review)),
        "self_form": self_form,
        "propose_form": propose_form,
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "exempt_form": forms.get("exempt_form")
        or ExemptionForm(initial={"exemption": review.exemption, "note": review.exemption_note}),
        "individual": kind in INDIVIDUAL_KINDS,
        "form_code": rules.forms.get(kind, ""),
        **_rights(request.user, review),
    }


@login_required
@require_GET
def review_detail(request, pk):
    review = review_or_404(request.user, pk)
    return render(request, "reviews/review_detail.html", _context(request, review))


@login_required
@require_GET
def review_history(request, pk):
    review = review_or_404(request.user, pk)
    context = {"review": review, "cycle": review.cycle, "rows": history_rows(review)}
    return render(request, "reviews/review_history.html", context)


def _refused(request, review, exc, **forms):
    context = _context(request, review, **forms)
    context["refusal"] = str(exc.args[0]) if exc.args else _("Bạn không có quyền làm việc này.")
    return render(request, "reviews/review_detail.html", context, status=403)


@login_required
@require_POST
def review_self(request, pk):
    review = review_or_404(request.user, pk)
    form = SelfAssessForm(request.POST, rules=_rules(review), subject_kind=review.subject_kind)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.review_self_assess(
                acting_user=request.user,
                review=review,
                level=data["level"],
                self_text=data["self_text"],
                manifestations=data["manifestations"],
                manifestations_text=data["manifestations_text"],
                override_reason=data["override_reason"],
                note=data["note"],
                **form.inputs(),
            )
        except PermissionDenied as exc:
            return _refused(request, review, exc, self_form=form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã ghi bản tự kiểm điểm."))
            return done(request, review.get_absolute_url())
    context = _context(request, review, self_form=form)
    context["open_step"] = "self"
    return render(request, "reviews/review_detail.html", context, status=INVALID)


@login_required
@require_POST
def review_propose(request, pk):
    review = review_or_404(request.user, pk)
    form = StepForm(request.POST, rules=_rules(review), subject_kind=review.subject_kind)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.review_propose(
                acting_user=request.user,
                review=review,
                level=data["level"],
                override_reason=data["override_reason"],
                note=data["note"],
                **form.inputs(),
            )
        except PermissionDenied as exc:
            return _refused(request, review, exc, propose_form=form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã ghi mức đề xuất."))
            return done(request, review.get_absolute_url())
    context = _context(request, review, propose_form=form)
    context["open_step"] = "propose"
    return render(request, "reviews/review_detail.html", context, status=INVALID)


def _decide_context(request, review, form, level=None) -> dict:
    derivation = _derivation(review)
    chosen = level or form["level"].value() or ""
    return {
        "review": review,
        "cycle": review.cycle,
        "rules": _rules(review),
        "derivation": derivation,
        "form": form,
        "quota": selectors.quota_status(review),
        "prediction": _prediction(review, chosen),
        "chosen": chosen,
        "warnings": selectors.order_warnings(review),
        "levels": list(Level),
        **_rights(request.user, review),
    }


def _prediction(review, level: str):
    if level not in LEVEL_RANK or review.locked:
        return None
    return selectors.quota_check_for(review, level)


@login_required
@require_http_methods(["GET", "POST"])
def review_decide(request, pk):
    """The decision page: the level offered, the ceiling, the live quota of the group."""
    review = review_or_404(request.user, pk)
    status = 200
    if request.method == "POST":
        form = DecideForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                decided = services.review_decide(
                    acting_user=request.user,
                    review=review,
                    level=data["level"],
                    override_reason=data["override_reason"],
                    note=data["note"],
                )
            except PermissionDenied as exc:
                context = _decide_context(request, review, form)
                context["refusal"] = str(exc.args[0]) if exc.args else ""
                return render(request, "reviews/review_decide.html", context, status=403)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                for warning in decided.warnings:
                    messages.warning(request, warning)
                messages.success(
                    request,
                    _("Đã quyết định xếp loại %(subject)s: %(level)s.")
                    % {
                        "subject": decided.subject_name,
                        "level": decided.decided_level or _("không xếp loại"),
                    },
                )
                return done(request, review.get_absolute_url())
        status = INVALID
    else:
        derivation = _derivation(review)
        form = DecideForm(
            initial={"level": review.proposed_level or derivation.level or review.self_level}
        )
    return render(
        request, "reviews/review_decide.html", _decide_context(request, review, form), status=status
    )


@login_required
@require_GET
def review_quota(request, pk):
    """The live quota counter of the review's group, and what deciding ``level`` would do."""
    review = review_or_404(request.user, pk)
    level = request.GET.get("level", "")
    context = {
        "review": review,
        "quota": selectors.quota_status(review),
        "prediction": _prediction(review, level),
        "chosen": level,
    }
    return render(request, "reviews/_quota.html", context)


@login_required
@require_POST
def review_reopen(request, pk):
    review = review_or_404(request.user, pk)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.review_reopen(
                acting_user=request.user, review=review, reason=form.cleaned_data["reason"]
            )
        except PermissionDenied as exc:
            return _refused(request, review, exc, reopen_form=form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã mở lại xếp loại."))
            return done(request, review.get_absolute_url())
    context = _context(request, review, reopen_form=form)
    context["open_step"] = "reopen"
    return render(request, "reviews/review_detail.html", context, status=INVALID)


@login_required
@require_POST
def review_exempt(request, pk):
    review = review_or_404(request.user, pk)
    form = ExemptionForm(request.POST)
    if form.is_valid():
        try:
            services.review_set_exemption(
                acting_user=request.user,
                review=review,
                exemption=form.cleaned_data["exemption"],
                note=form.cleaned_data["note"],
            )
        except PermissionDenied as exc:
            return _refused(request, review, exc, exempt_form=form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã ghi trường hợp miễn, không xếp loại."))
            return done(request, review.get_absolute_url())
    context = _context(request, review, exempt_form=form)
    context["open_step"] = "exempt"
    return render(request, "reviews/review_detail.html", context, status=INVALID)


@login_required
@require_POST
def review_quick(request, pk):
    """One member's row of the cell page: saves and answers with the row (htmx)."""
    review = review_or_404(request.user, pk)
    manifestations = selectors.active_manifestations()
    form = CellResultForm(request.POST, prefix=f"r{review.pk}")
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        try:
            review = services.review_record_cell_result(
                acting_user=request.user,
                review=review,
                self_level=data["self_level"],
                proposed_level=data["proposed_level"],
                manifestations=data["manifestations"],
                manifestations_text=data["manifestations_text"],
                override_reason=data["override_reason"],
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc.args[0]) if exc.args else _("Không có quyền."))
            status = 403
        except ValidationError as error:
            add_service_errors(form, error)
            status = INVALID
        else:
            review = review_or_404(request.user, pk)
            if not request.htmx:
                messages.success(
                    request, _("Đã lưu kết quả của %(name)s.") % {"name": review.subject_name}
                )
                return done(request, _cell_url(review))
            row = cell_row(request.user, review, manifestations, saved=True)
            return render(request, "reviews/_cell_row.html", {"row": row})
    else:
        status = INVALID
    row = cell_row(request.user, review, manifestations, form=form)
    if not request.htmx:
        return render(
            request,
            "reviews/cell_entry.html",
            {"cycle": review.cycle, "cell": review.organization, "rows": [row], "cells": []},
            status=status,
        )
    return render(request, "reviews/_cell_row.html", {"row": row}, status=status)


def _cell_url(review) -> str:
    from django.urls import reverse

    return f"{reverse('reviews:cell_entry', args=[review.cycle_id])}?org={review.organization_id}"
