"""Grassroots dashboard, its drill-down lists, "Của tôi", and the yearly report page with its
downloads. Views parse the filter, call the figures or selectors, and render."""

from __future__ import annotations

import json
from contextlib import nullcontext
from datetime import date
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from capuy.core.vntext import format_date
from capuy.members.selectors import list_page, parse_page_number

from . import grassroots as figures
from .compliance import STATUS_LABELS
from .dashboard import dashboard, link
from .documents import party_language, render_docx, render_pdf
from .exports import compliance_workbook
from .forms import GrassrootsFilterForm
from .grouping import org_choices
from .periods import level_label
from .quy_dinh_01 import build_report, report_document, report_filename, report_xlsx
from .selectors import attendance_rows, compliance_list_page, flagged_rows, my_year
from .xep_loai import build_report as build_xep_loai
from .xep_loai_output import report_document as xep_loai_document
from .xep_loai_output import report_filename as xep_loai_filename
from .xep_loai_output import report_xlsx as xep_loai_xlsx

FORMATS = ("docx", "pdf", "xlsx", "json")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _form(request) -> GrassrootsFilterForm:
    form = GrassrootsFilterForm(request.GET, user=request.user)
    form.is_valid()
    return form


def _base(form, **extra) -> dict:
    return {
        "form": form,
        "period": form.period,
        "org": form.organization,
        "params": form.params(),
        "dashboard_url": link("grassroots:dashboard", form.params()),
        "org_choices": org_choices(form.user),
        **extra,
    }


def _refused(request, form, template: str):
    """A filter naming something outside the user's scope: say so, show nothing."""
    return render(request, template, _base(form, refused=True), status=404)


@login_required
@require_GET
def grassroots_dashboard(request):
    form = _form(request)
    if form.errors:
        return _refused(request, form, "reports/dashboard.html")
    return render(request, "reports/dashboard.html", _base(form, **dashboard(request.user, form)))


def _compliance_filter(form) -> dict:
    data = form.cleaned_data
    return {
        "org": form.organization,
        "level": data.get("level") or "",
        "status": data.get("status") or "",
        "confirmed_only": form.confirmed_only,
    }


@login_required
@require_GET
def compliance_list(request):
    form = _form(request)
    if form.errors:
        return _refused(request, form, "reports/compliance.html")
    page = compliance_list_page(
        request.user,
        form.period,
        **_compliance_filter(form),
        page=parse_page_number(request.GET.get("page")),
    )
    for row in page.object_list:
        row["attendances_url"] = link(
            "grassroots:attendances", form.params(org=None), member=row["member_id"]
        )
    export = link("grassroots:compliance_export", request.GET.dict())
    return render(
        request,
        "reports/compliance.html",
        _base(form, page=page, export_url=export, status_labels=STATUS_LABELS),
    )


@login_required
@require_GET
def compliance_export(request):
    form = _form(request)
    if form.errors:
        raise Http404(_("Bộ lọc không hợp lệ hoặc ngoài phạm vi của bạn."))
    filters = _compliance_filter(form)
    rows = compliance_list_page(request.user, form.period, **filters, per_page=None).object_list
    scope = form.organization.name if form.organization else _("Toàn bộ phạm vi")
    status = filters["status"]
    title = _("Danh sách cấp ủy viên %(what)s năm %(year)s") % {
        "what": str(STATUS_LABELS[status]).lower() if status else _("theo định mức"),
        "year": form.report_year,
    }
    if filters["level"]:
        title += f" — {level_label(filters['level'])}"
    subtitle = _("%(scope)s. Số liệu đến ngày %(day)s.") % {
        "scope": scope,
        "day": format_date(form.period.on),
    }
    data = compliance_workbook(rows, title=title, subtitle=subtitle)
    response = HttpResponse(data, content_type=XLSX)
    name = f"dinh-muc-{form.report_year}{'-' + status if status else ''}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def attendance_list(request):
    form = _form(request)
    if form.errors:
        return _refused(request, form, "reports/attendances.html")
    data = form.cleaned_data
    rows = attendance_rows(
        request.user,
        form.period,
        org=form.organization,
        level=data.get("level") or "",
        month=data.get("month"),
        member=data.get("member"),
        confirmed_only=form.confirmed_only,
        planned=request.GET.get("planned") == "on",
    )
    page = list_page(rows, parse_page_number(request.GET.get("page")))
    return render(
        request,
        "reports/attendances.html",
        _base(
            form,
            page=page,
            level_name=level_label(data["level"]) if data.get("level") else "",
            month=data.get("month"),
            member=data.get("member"),
            planned=request.GET.get("planned") == "on",
        ),
    )


@login_required
@require_GET
def cells_never_visited(request):
    form = _form(request)
    if form.errors:
        return _refused(request, form, "reports/cells.html")
    cells = figures.cells_never_visited(
        request.user, form.period, org=form.organization, confirmed_only=form.confirmed_only
    ).order_by("path")
    page = list_page(cells, parse_page_number(request.GET.get("page")))
    return render(request, "reports/cells.html", _base(form, page=page))


@login_required
@require_GET
def flagged_list(request):
    form = _form(request)
    if form.errors:
        return _refused(request, form, "reports/flagged.html")
    rows = flagged_rows(
        request.user, form.period, org=form.organization, confirmed_only=form.confirmed_only
    )
    for row in rows:
        row.attendances_url = link("grassroots:attendances", form.params(org=row.pk))
    return render(request, "reports/flagged.html", _base(form, rows=rows))


@login_required
@require_GET
def mine(request):
    form = _form(request)
    period = form.period
    mine = my_year(request.user, period)
    return render(
        request,
        "reports/mine.html",
        {"form": form, "period": period, "mine": mine, "calendar_url": _calendar_url(request)},
    )


def _calendar_url(request) -> str:
    """The calendar (ICS) of the signed-in leader's latest adopted rotation plan, if any."""
    member_id = getattr(request.user, "member_id", None)
    if not member_id:
        return ""
    try:
        from capuy.rotation.models import RotationLeader

        leader = (
            RotationLeader.objects.filter(member_id=member_id, plan__status="adopted")
            .order_by("-plan__adopted_at", "-pk")
            .first()
        )
        return reverse("rotation:leader_calendar", args=[leader.pk]) if leader else ""
    except (ImportError, LookupError, NoReverseMatch, FieldError):
        return ""  # the rotation planner is not installed here


# --- the yearly report ----------------------------------------------------------------------


def _report_form(request) -> GrassrootsFilterForm:
    form = _form(request)
    if form.errors:
        raise Http404(_("Tổ chức không có hoặc ngoài phạm vi của bạn."))
    return form


def _report_data(request, form) -> dict:
    return build_report(
        request.user,
        year=form.report_year,
        org=form.organization,
        confirmed_only=form.confirmed_only,
    )


def _file_language(fmt: str):
    """The JSON speaks the reader's language; the party document and its workbook, Vietnamese."""
    return nullcontext() if fmt == "json" else party_language()


@login_required
@require_GET
def quy_dinh_01(request):
    form = GrassrootsFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return render(
            request, "reports/quy_dinh_01.html", {"form": form, "refused": True}, status=404
        )
    data = _report_data(request, form)
    query = urlencode(form.params())
    downloads = {
        fmt: reverse("reports:quy_dinh_01_download", args=[fmt]) + "?" + query for fmt in FORMATS
    }
    return render(
        request,
        "reports/quy_dinh_01.html",
        {
            "form": form,
            "data": data,
            "params": form.params(),
            "downloads": downloads,
            "org_choices": org_choices(request.user),
        },
    )


@login_required
@require_GET
def quy_dinh_01_download(request, fmt):
    if fmt not in FORMATS:
        raise Http404
    form = _report_form(request)
    with _file_language(fmt):
        data = _report_data(request, form)
        return _report_file(
            data, fmt, form.organization, report_document, report_xlsx, report_filename(data, fmt)
        )


def _report_file(data: dict, fmt: str, org, to_document, to_xlsx, filename: str) -> HttpResponse:
    """A yearly report's figures as a download: JSON, XLSX, or the party document (``data``
    built, and this called, in ``_file_language(fmt)``)."""
    if fmt == "json":
        body, content_type = json.dumps(data, ensure_ascii=False, indent=2), "application/json"
    elif fmt == "xlsx":
        body, content_type = to_xlsx(data), XLSX
    else:
        document = to_document(data, org, day=timezone.localdate())
        if fmt == "docx":
            body, content_type = render_docx(document), DOCX
        else:
            body, content_type = render_pdf(document), "application/pdf"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- the review statistics (báo cáo xếp loại) -------------------------------------------------


def _xep_loai(request):
    form = GrassrootsFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return form, None
    return form, build_xep_loai(request.user, year=form.report_year, org=form.organization)


@login_required
@require_GET
def xep_loai(request):
    form, data = _xep_loai(request)
    if data is None:
        return render(request, "reports/xep_loai.html", {"form": form, "refused": True}, status=404)
    params = {key: value for key, value in form.params().items() if key in ("org", "year")}
    query = urlencode(params)
    downloads = {
        fmt: reverse("reports:xep_loai_download", args=[fmt]) + "?" + query for fmt in FORMATS
    }
    return render(
        request,
        "reports/xep_loai.html",
        {
            "form": form,
            "data": data,
            "downloads": downloads,
            "org_choices": org_choices(request.user),
            "as_of": format_date(date.fromisoformat(data["as_of"])),
        },
    )


@login_required
@require_GET
def xep_loai_download(request, fmt):
    if fmt not in FORMATS:
        raise Http404
    form = GrassrootsFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        raise Http404(_("Tổ chức không có hoặc ngoài phạm vi của bạn."))
    with _file_language(fmt):
        data = build_xep_loai(request.user, year=form.report_year, org=form.organization)
        return _report_file(
            data,
            fmt,
            form.organization,
            xep_loai_document,
            xep_loai_xlsx,
            xep_loai_filename(data, fmt),
        )
