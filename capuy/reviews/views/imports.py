"""Pages of the Excel round-trip of a cycle's results: the prefilled template, upload →
preview (every error by row and column), commit (all rows or none).

The uploaded file is kept in storage between the preview and the commit under a random token
remembered in the user's session (as the attendance import does); the commit reads it again,
re-checks every row inside its transaction and saves through capuy.reviews.imports.
"""

from __future__ import annotations

import secrets

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from capuy.core.forms import BootstrapForm
from capuy.core.scoping import CHANGE, scope_paths
from capuy.core.vntext import format_number
from capuy.members.selectors import organization_visible_to
from capuy.organizations.models import Organization

from .. import selectors
from ..access import secretary_paths
from ..imports import MAX_BYTES, review_import_check, review_import_commit, template_bytes
from .common import INVALID, cycle_or_404

SESSION_KEY = "reviews_import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def may_import(user, cycle) -> bool:
    """Someone who may change part of the cycle's tree, or a cell secretary in it."""
    paths = scope_paths(user, CHANGE)
    if paths is None:
        return True
    root = cycle.organization.path
    if any(p.startswith(root) or root.startswith(p) for p in paths):
        return True
    return any(p.startswith(root) for p in secretary_paths(user))


def _ensure_may_import(user, cycle) -> None:
    if not may_import(user, cycle):
        raise PermissionDenied(_("Bạn không có quyền nhập kết quả xếp loại của đợt này."))


def scope_choices(user, cycle) -> list[tuple[str, str]]:
    """Organizations the file may be limited to: the user's top node in the cycle and two
    levels below it."""
    root = selectors.coverage_root(user, cycle)
    if root is None:
        return []
    orgs = Organization.objects.filter(
        path__startswith=root.path, depth__lte=root.depth + 2
    ).order_by("path")[:300]
    return [(str(org.pk), "\u2003" * (org.depth - root.depth) + org.name) for org in orgs]


def scope_of(user, cycle, pk) -> Organization | None:
    """The organization ``pk`` if the user sees it and it lies in the cycle, else None."""
    org = organization_visible_to(user, pk)
    if org is None or not org.path.startswith(cycle.organization.path):
        return None
    return org


class ReviewImportForm(BootstrapForm):
    file = forms.FileField(
        label=gettext_lazy("Tệp Excel (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods"}),
    )
    org = forms.ChoiceField(label=gettext_lazy("Phạm vi của tệp"), required=False)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [("", _("— Toàn bộ phạm vi của tôi —")), *choices]


@login_required
@require_GET
def import_template(request, pk):
    cycle = cycle_or_404(request.user, pk)
    organization = scope_of(request.user, cycle, request.GET.get("org"))
    data = template_bytes(request.user, cycle, organization)
    response = HttpResponse(data, content_type=XLSX)
    name = f"ket_qua_xep_loai_dot_{cycle.pk}"
    if organization is not None:
        name += f"_{organization.code}"
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def _forget(request) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if pending and default_storage.exists(pending["path"]):
        default_storage.delete(pending["path"])


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request, pk):
    cycle = cycle_or_404(request.user, pk)
    _ensure_may_import(request.user, cycle)
    choices = scope_choices(request.user, cycle)
    form = ReviewImportForm(request.POST or None, request.FILES or None, choices=choices)
    if request.method == "GET":
        form.initial["org"] = request.GET.get("org", "")
    context = {"cycle": cycle, "form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        organization = scope_of(request.user, cycle, form.cleaned_data["org"])
        data = upload.read(MAX_BYTES + 1)
        check = review_import_check(
            acting_user=request.user,
            cycle=cycle,
            upload=data,
            organization=organization,
            filename=upload.name,
        )
        token = ""
        if check.ok:
            token = secrets.token_urlsafe(16)
            _forget(request)
            path = default_storage.save(f"imports/reviews/{token}.bin", ContentFile(data))
            request.session[SESSION_KEY] = {
                "token": token,
                "path": path,
                "name": upload.name[:200],
                "cycle": cycle.pk,
                "org": organization.pk if organization is not None else None,
            }
        context.update(check=check, token=token, filename=upload.name, organization=organization)
        return render(
            request, "reviews/import_upload.html", context, status=200 if check.ok else INVALID
        )
    status = INVALID if form.is_bound else 200
    return render(request, "reviews/import_upload.html", context, status=status)


@login_required
@require_POST
def import_commit(request, pk):
    cycle = cycle_or_404(request.user, pk)
    _ensure_may_import(request.user, cycle)
    upload_url = reverse("reviews:import_upload", args=[cycle.pk])
    pending = request.session.get(SESSION_KEY)
    if (
        not pending
        or pending.get("cycle") != cycle.pk
        or request.POST.get("token") != pending["token"]
    ):
        messages.error(request, _("Phiên nhập đã hết hạn hoặc không hợp lệ; hãy tải tệp lên lại."))
        return redirect(upload_url)
    if not default_storage.exists(pending["path"]):
        request.session.pop(SESSION_KEY, None)
        messages.error(request, _("Không còn tệp đã tải lên; hãy tải tệp lên lại."))
        return redirect(upload_url)
    with default_storage.open(pending["path"], "rb") as handle:
        data = handle.read()
    organization = scope_of(request.user, cycle, pending.get("org"))
    result = review_import_commit(
        acting_user=request.user,
        cycle=cycle,
        upload=data,
        organization=organization,
        filename=pending["name"],
    )
    if result.saved:
        _forget(request)
        members = result.saved_members
        if members == result.saved:
            message = _("Đã nhập kết quả xếp loại của %(n)s đảng viên từ tệp %(f)s.") % {
                "n": format_number(result.saved),
                "f": pending["name"],
            }
        else:
            message = _(
                "Đã nhập kết quả xếp loại của %(n)s đối tượng (%(m)s đảng viên, %(o)s tổ chức, "
                "tập thể, chức vụ lãnh đạo) từ tệp %(f)s."
            ) % {
                "n": format_number(result.saved),
                "m": format_number(members),
                "o": format_number(result.saved - members),
                "f": pending["name"],
            }
        messages.success(request, message)
        return redirect(cycle.get_absolute_url())
    form = ReviewImportForm(choices=scope_choices(request.user, cycle))
    context = {
        "cycle": cycle,
        "form": form,
        "check": result,
        "token": "",
        "filename": pending["name"],
        "organization": organization,
    }
    return render(request, "reviews/import_upload.html", context, status=INVALID)
