"""Pages of the attendance import: the template, upload → preview, commit.

The uploaded file is kept in storage between the preview and the commit under a random token
remembered in the user's session; the commit reads it again, re-checks every row and saves
through the services in one transaction.
"""

from __future__ import annotations

import secrets
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from capuy.core.imports import MAX_BYTES
from capuy.core.scoping import CHANGE, has_any

from .access import secretary_paths
from .forms import ImportForm
from .imports import attendance_import_check, attendance_import_commit, template_bytes

SESSION_KEY = "meetings_import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INVALID = 422


def _ensure_may_import(user) -> None:
    if not (has_any(user, CHANGE) or secretary_paths(user)):
        raise PermissionDenied


@login_required
@require_GET
def import_template(request):
    response = HttpResponse(template_bytes(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau_nhap_luot_du_sinh_hoat.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    _ensure_may_import(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(MAX_BYTES + 1)
        period = (form.cleaned_data["period_from"], form.cleaned_data["period_to"])
        check = attendance_import_check(
            acting_user=request.user, upload=data, period_from=period[0], period_to=period[1]
        )
        token = ""
        if check.ok:
            token = secrets.token_urlsafe(16)
            _forget(request)
            path = default_storage.save(f"imports/meetings/{token}.bin", ContentFile(data))
            request.session[SESSION_KEY] = {
                "token": token,
                "path": path,
                "name": upload.name[:200],
                "from": period[0].isoformat(),
                "to": period[1].isoformat(),
            }
        context = {"form": form, "check": check, "token": token, "filename": upload.name}
        return render(request, "meetings/import.html", context, status=200 if check.ok else INVALID)
    status = INVALID if form.is_bound else 200
    return render(request, "meetings/import.html", {"form": form}, status=status)


def _forget(request) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if pending and default_storage.exists(pending["path"]):
        default_storage.delete(pending["path"])


@login_required
@require_POST
def import_commit(request):
    _ensure_may_import(request.user)
    pending = request.session.get(SESSION_KEY)
    if not pending or request.POST.get("token") != pending["token"]:
        messages.error(request, _("Phiên nhập đã hết hạn hoặc không hợp lệ; hãy tải tệp lên lại."))
        return redirect("meetings:import")
    if not default_storage.exists(pending["path"]):
        request.session.pop(SESSION_KEY, None)
        messages.error(request, _("Không còn tệp đã tải lên; hãy tải tệp lên lại."))
        return redirect("meetings:import")
    with default_storage.open(pending["path"], "rb") as handle:
        data = handle.read()
    result = attendance_import_commit(
        acting_user=request.user,
        upload=data,
        period_from=date.fromisoformat(pending["from"]),
        period_to=date.fromisoformat(pending["to"]),
    )
    if result.saved:
        _forget(request)
        messages.success(
            request,
            _("Đã nhập %(n)s lượt dự sinh hoạt từ tệp %(f)s.")
            % {"n": result.saved, "f": pending["name"]},
        )
        return redirect(reverse("meetings:attendance_list"))
    context = {"form": ImportForm(), "check": result, "token": "", "filename": pending["name"]}
    return render(request, "meetings/import.html", context, status=INVALID)
