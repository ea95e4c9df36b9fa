"""Test personas and builders shared by every app's tests (imported by capuy/conftest.py).

The tree is small but has the real shape: a province, two districts, grassroots organizations
and cells, so every scoping rule has an inside and an outside.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model

from capuy.accounts.choices import Role
from capuy.accounts.models import RoleGrant
from capuy.committees.choices import CommitteeKind, SeatRole
from capuy.committees.models import Committee, Seat, Term
from capuy.members.choices import Gender, MemberStatus
from capuy.members.models import Member
from capuy.organizations.choices import OrgKind, UnitType
from capuy.organizations.models import Organization
from capuy.organizations.services import recount_members


def org_root(code: str, name: str) -> Organization:
    return Organization.objects.add_root({"code": code, "name": name, "kind": OrgKind.DANG_BO_TINH})


def org_child(
    parent: Organization, code: str, name: str, kind: str, unit_type: str = ""
) -> Organization:
    parent.refresh_from_db()
    return Organization.objects.add_child(
        parent, {"code": code, "name": name, "kind": kind, "unit_type": unit_type}
    )


def member_in(cell: Organization, ho: str, ten_dem: str, ten: str, **extra) -> Member:
    fields = {
        "birth_date": date(1980, 1, 1),
        "gender": Gender.NAM,
        "admitted_on": date(2005, 5, 19),
        "official_on": date(2006, 5, 19),
        "status": MemberStatus.CHINH_THUC,
    }
    fields.update(extra)
    member = Member(cell=cell, org_path=cell.path, ho=ho, ten_dem=ten_dem, ten=ten, **fields)
    member.save()
    return member


@dataclass
class World:
    province: Organization
    district: Organization
    other_district: Organization
    grassroots: Organization
    cell: Organization
    other_cell: Organization
    outside_cell: Organization
    members: dict
    term: Term
    bch: Committee
    seat: Seat
    users: dict


PERSONAS = {
    # name: (role, where)
    "admin": (Role.ADMIN, "province"),
    "office": (Role.OFFICE, "province"),
    "staff": (Role.COMMITTEE_STAFF, "district"),
    "secretary": (Role.CELL_SECRETARY, "cell"),
    "committee_member": (Role.COMMITTEE_MEMBER, "province"),
    "inspector": (Role.INSPECTOR, "province"),
    "outsider": (Role.COMMITTEE_STAFF, "other_district"),
}


def build_world() -> World:
    province = org_root("T01", "Đảng bộ tỉnh Thử Nghiệm")
    district = org_child(province, "H01", "Đảng bộ huyện An Bình", OrgKind.DANG_BO_HUYEN)
    other = org_child(province, "H02", "Đảng bộ huyện Bình Yên", OrgKind.DANG_BO_HUYEN)
    grassroots = org_child(
        district, "H01-X01", "Đảng bộ xã An Phú", OrgKind.DANG_BO_CO_SO, UnitType.XA_PHUONG
    )
    cell = org_child(grassroots, "H01-X01-C01", "Chi bộ thôn Đông", OrgKind.CHI_BO_TRUC_THUOC)
    other_cell = org_child(grassroots, "H01-X01-C02", "Chi bộ thôn Tây", OrgKind.CHI_BO_TRUC_THUOC)
    outside_cell = org_child(
        other,
        "H02-X01",
        "Chi bộ Trường Tiểu học Bình Yên",
        OrgKind.CHI_BO_CO_SO,
        UnitType.SU_NGHIEP,
    )
    members = {
        "hung": member_in(cell, "Nguyễn", "Văn", "Hùng"),
        "lan": member_in(cell, "Trần", "Thị", "Lan", gender=Gender.NU),
        "tuan": member_in(cell, "Lê", "Minh", "Tuấn"),
        "an": member_in(other_cell, "Phạm", "Thị", "An", gender=Gender.NU),
        "hung_outside": member_in(outside_cell, "Đỗ", "Văn", "Hưng"),
    }
    recount_members()
    term = Term.objects.create(
        organization=province, name="XIX", start_on=date(2015, 10, 15), end_on=date(2020, 10, 15)
    )
    bch = Committee.objects.create(term=term, kind=CommitteeKind.BCH)
    seat = Seat.objects.create(
        committee=bch,
        member=members["tuan"],
        role=SeatRole.UY_VIEN_BCH,
        start_on=date(2015, 10, 15),
    )
    places = {"province": province, "district": district, "other_district": other, "cell": cell}
    User = get_user_model()
    users = {}
    for name, (role, where) in PERSONAS.items():
        user = User.objects.create_user(username=name, password="mat-khau-thu-nghiem")
        RoleGrant.objects.create(user=user, role=role, organization=places[where])
        users[name] = user
    users["root"] = User.objects.create_superuser(username="root", password="mat-khau-thu-nghiem")
    for org in (province, district, other, grassroots, cell, other_cell, outside_cell):
        org.refresh_from_db()
    return World(
        province,
        district,
        other,
        grassroots,
        cell,
        other_cell,
        outside_cell,
        members,
        term,
        bch,
        seat,
        users,
    )


def sign_in(client, user) -> None:
    """Log ``user`` in as if they had passed the second factor where they must use one."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
