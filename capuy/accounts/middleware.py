from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse


def two_factor_required(user) -> bool:
    """Administrators and office staff must sign in with a second factor (settings)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    required = set(settings.CAPUY_2FA_REQUIRED_ROLES)
    return user.role_grants.filter(role__in=required).exists()


class RequireTwoFactorMiddleware:
    """Keep a signed-in user who has not passed the second factor on the 2FA pages.

    Users with a confirmed device must verify it; users whose role requires 2FA and who have
    none must enrol first. API token requests do not pass through sessions and are not affected.
    """

    EXEMPT_PREFIXES = ("/tai-khoan/", "/static/", "/i18n/", "/api/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.EXEMPT_PREFIXES)
            and not user.is_verified()
        ):
            from django_otp import user_has_device

            if user_has_device(user, confirmed=True):
                return redirect(f"{reverse('accounts:verify')}?next={request.get_full_path()}")
            if two_factor_required(user):
                return redirect(reverse("accounts:setup_2fa"))
        return self.get_response(request)
