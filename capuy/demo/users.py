"""One demo user per role, with the fixed two-factor devices of :mod:`capuy.demo.otp`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from capuy.accounts.choices import Role
from capuy.accounts.models import RoleGrant

from .otp import DEMO_TOTP_KEYS
from .seats import eligible

if TYPE_CHECKING:
    from .province import Candidate, DemoTree

# Demo accounts are recognised by this address, so --reset never deletes a real account.
DEMO_EMAIL_DOMAIN = "@demo.capuy.invalid"


@dataclass
class DemoLogin:
    username: str
    role: str
    place: str
    two_factor: bool


DEMO_USERS = (
    # username, role, where the role is granted, is_staff
    ("admin", Role.ADMIN, "root", True),
    ("vanphong", Role.OFFICE, "root", False),
    ("huyen", Role.COMMITTEE_STAFF, "city", False),
    ("bithu", Role.CELL_SECRETARY, "cell", False),
    ("tinhuyvien", Role.COMMITTEE_MEMBER, "root", False),
    ("kiemtra", Role.INSPECTOR, "root", False),
)
DEMO_USERNAMES = tuple(username for username, *_ in DEMO_USERS)


def create_users(
    tree: DemoTree, candidates: list[Candidate], holders: dict[str, list[Candidate]]
) -> list[DemoLogin]:
    User = get_user_model()
    # A residential cell of the city (as re-created in 2025) and one of its members.
    today_like = date(2025, 10, 1)
    city = [c for c in candidates if c.owner == 0 and c.residential_cell is not None]
    secretary = next(c for c in city if eligible(c, today_like, 1))
    cell = secretary.residential_cell
    in_all = {c.pk for c in holders["XIX"]} & {c.pk for c in holders["XX"]}
    committee_member = next(
        (c for c in holders["I"][18:] if c.pk in in_all),
        next((c for c in holders["I"] if c.pk in in_all), holders["XIX"][-1]),
    )
    places = {"root": tree.root, "city": tree.owners[0], "cell": cell}
    members = {"bithu": secretary.pk, "tinhuyvien": committee_member.pk}
    password = make_password(settings.CAPUY_DEMO_PASSWORD)  # hashed once: it is slow on purpose
    logins = []
    for username, role, where, staff in DEMO_USERS:
        user = User.objects.create(
            username=username,
            email=f"{username}{DEMO_EMAIL_DOMAIN}",
            first_name=f"{Role(role).label} (demo)",
            password=password,
            is_staff=staff,
            member_id=members.get(username),
        )
        RoleGrant.objects.create(user=user, role=role, organization_id=places[where].pk)
        key = DEMO_TOTP_KEYS.get(username)
        if key:
            TOTPDevice.objects.create(
                user=user, name="Ứng dụng xác thực (demo)", key=key, confirmed=True
            )
        logins.append(DemoLogin(username, Role(role).label, places[where].name, bool(key)))
    return logins


def conflicting_usernames() -> list[str]:
    """Demo usernames already taken by accounts that are not demo accounts."""
    return sorted(
        get_user_model()
        .objects.filter(username__in=DEMO_USERNAMES)
        .exclude(email__endswith=DEMO_EMAIL_DOMAIN)
        .values_list("username", flat=True)
    )
