from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services
from .forms import ApiTokenForm, TokenForm
from .middleware import two_factor_required


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def _safe_next(request, default="core:home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return redirect(default).url


@login_required
def verify(request):
    """Second step of sign-in: the code from the authenticator app."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect("accounts:setup_2fa")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verified, _hint = device.verify_is_allowed()
        if verified and device.verify_token(form.cleaned_data["token"].strip()):
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", _("Mã xác thực không đúng hoặc đã hết hạn. Hãy thử mã mới."))
    return render(
        request, "accounts/verify.html", {"form": form, "next": request.GET.get("next", "")}
    )


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@login_required
def setup_2fa(request):
    """Enrol an authenticator app (TOTP): scan the QR code, type one code to confirm."""
    device = services.totp_device_pending(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_confirm(
            user=request.user, device=device, token=form.cleaned_data["token"]
        ):
            otp_login(request, device)
            messages.success(request, _("Đã bật xác thực hai lớp."))
            return redirect("accounts:security")
        form.add_error(
            "token", _("Mã xác thực không đúng. Kiểm tra giờ trên điện thoại và thử lại.")
        )
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/setup_2fa.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "required": two_factor_required(request.user),
        },
    )


@login_required
def security(request):
    """The user's own security page: second factor and API tokens."""
    new_token = None
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _token, new_token = services.api_token_issue(
            user=request.user, name=form.cleaned_data["name"]
        )
        messages.success(request, _("Đã tạo khóa API. Hãy sao chép ngay: khóa chỉ hiện một lần."))
        form = ApiTokenForm()
    return render(
        request,
        "accounts/security.html",
        {
            "has_2fa": user_has_device(request.user, confirmed=True),
            "required": two_factor_required(request.user),
            "tokens": request.user.api_tokens.filter(revoked_at__isnull=True).order_by(
                "-created_at"
            ),
            "form": form,
            "new_token": new_token,
            "grants": request.user.role_grants.select_related("organization"),
        },
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    if not services.api_token_revoke(user=request.user, token_id=pk):
        raise Http404  # someone else's token, or already revoked
    messages.success(request, _("Đã thu hồi khóa API."))
    return redirect("accounts:security")


@login_required
@require_POST
def disable_2fa(request):
    if two_factor_required(request.user):
        messages.error(request, _("Vai trò của bạn bắt buộc dùng xác thực hai lớp."))
    else:
        services.totp_disable(user=request.user)
        messages.success(request, _("Đã tắt xác thực hai lớp."))
    return redirect("accounts:security")
