"""Account operations: second factor enrolment, API tokens, role grants."""

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from capuy.core.scoping import ADMIN, ensure_in_scope, forget_scope

from .models import ApiToken, RoleGrant, User


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The unconfirmed TOTP device shown while enrolling (created on first visit)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="capuy", confirmed=False)
    return device


@transaction.atomic
def totp_confirm(*, user: User, device: TOTPDevice, token: str) -> bool:
    """Confirm enrolment when the code from the authenticator app is right."""
    if device.user_id != user.pk or not device.verify_token(token.strip()):
        return False
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save()
    return True


@transaction.atomic
def totp_disable(*, user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()


def api_token_issue(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    return ApiToken.issue(user=user, name=name)


def api_token_revoke(*, user: User, token_id: int) -> bool:
    return bool(
        ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


@transaction.atomic
def role_grant(*, acting_user, user: User, role: str, organization) -> RoleGrant:
    """Give ``user`` a role at ``organization``; only an administrator of that subtree may."""
    if not acting_user.is_superuser:
        ensure_in_scope(acting_user, organization, ADMIN)
    grant = RoleGrant(user=user, role=role, organization=organization, granted_by=acting_user)
    grant.full_clean()
    grant.save()
    forget_scope(user)
    return grant
