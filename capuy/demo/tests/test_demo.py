"""``capuy demo``: the shape of the demo province, its users, and that it is repeatable."""

import io
import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from capuy.accounts.choices import Role
from capuy.committees.choices import CommitteeKind, SeatRole
from capuy.committees.models import Seat, Term
from capuy.core.vntext import search_key
from capuy.demo import bacninh, province
from capuy.demo.names import FORBIDDEN_FULL_NAMES, NameGenerator, is_forbidden
from capuy.demo.otp import DEMO_TOTP_KEYS
from capuy.demo.tree import step
from capuy.members.choices import MemberStatus
from capuy.members.models import Member, MemberTransfer
from capuy.organizations.choices import GRASSROOTS_KINDS, OrgKind
from capuy.organizations.models import Organization, OrganizationFlag
from capuy.organizations.services import recount_members

MEMBERS = province.MIN_MEMBERS


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One demo province for the whole module, built once and rolled back at the end.

    Each test's own transaction nests inside (as a savepoint), so a test may rebuild it.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = io.StringIO()
            call_command("demo", members=MEMBERS, stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def root() -> Organization:
    return Organization.objects.get(depth=1, code=bacninh.PROVINCE_CODE)


def assert_tree_consistent(root) -> None:
    """Paths, depth and numchild as treebeard would have written them (set-based check;
    treebeard's find_problems() runs two queries per node)."""
    rows = list(
        Organization.objects.filter(path__startswith=root.path).values_list(
            "path", "depth", "numchild"
        )
    )
    paths = {path for path, _, _ in rows}
    children: dict[str, int] = {}
    for path, depth, _ in rows:
        assert len(path) == depth * Organization.steplen
        assert set(path) <= set(Organization.alphabet)
        if depth > 1:
            assert path[: -Organization.steplen] in paths
            children[path[: -Organization.steplen]] = (
                children.get(path[: -Organization.steplen], 0) + 1
            )
    assert all(numchild == children.get(path, 0) for path, _, numchild in rows)


def first_names(count: int = 20) -> list[str]:
    members = Member.objects.filter(org_path__startswith=root().path).order_by("id")
    return list(members.values_list("full_name", flat=True)[:count])


@pytest.mark.django_db
def test_it_builds_the_2019_district_level_units_and_their_dissolution(demo):
    units = Organization.objects.filter(depth=2, path__startswith=root().path).valid_on(
        date(2019, 6, 30)
    )
    names = set(units.values_list("name", flat=True))
    for district in bacninh.DISTRICTS:
        assert district.name in names
    assert {
        "Đảng bộ Khối các cơ quan tỉnh",
        "Đảng bộ Khối doanh nghiệp tỉnh",
        "Đảng bộ Quân sự tỉnh",
        "Đảng bộ Công an tỉnh",
    } <= names
    assert units.count() == 12
    assert set(units.values_list("kind", flat=True)) == {OrgKind.DANG_BO_HUYEN}
    assert not units.filter(dissolved_on__isnull=True).exists()
    assert not units.filter(merged_into__isnull=True).exists()
    city = units.get(name="Đảng bộ thành phố Bắc Ninh")
    assert city.merged_into.name == "Đảng bộ phường Kinh Bắc"
    assert city.merged_into.established_on == date(2025, 7, 1)


@pytest.mark.django_db
def test_it_builds_about_600_grassroots_organizations_and_2000_cells_in_2019(demo):
    in_2019 = Organization.objects.filter(path__startswith=root().path).valid_on(date(2019, 6, 30))
    grassroots = in_2019.filter(kind__in=GRASSROOTS_KINDS)
    assert 550 <= grassroots.count() <= 650
    cells_share = grassroots.filter(kind=OrgKind.CHI_BO_CO_SO).count() / grassroots.count()
    assert 0.6 <= cells_share <= 0.72
    assert 1800 <= in_2019.filter(kind=OrgKind.CHI_BO_TRUC_THUOC).count() <= 2300
    communes = grassroots.filter(unit_type="xa_phuong")
    assert communes.count() == 126
    assert not in_2019.filter(established_on__gte=date(2019, 1, 1)).exists()
    assert_tree_consistent(root())


@pytest.mark.django_db
def test_it_reorganizes_on_1_july_2025_and_moves_every_member(demo):
    tree = Organization.objects.filter(path__startswith=root().path)
    new = tree.filter(depth=2, established_on=date(2025, 7, 1))
    assert new.filter(kind=OrgKind.DANG_BO_XA).count() == 33
    assert {"Đảng bộ các cơ quan Đảng tỉnh", "Đảng bộ UBND tỉnh"} <= set(
        new.values_list("name", flat=True)
    )
    old_cells = tree.cells().filter(dissolved_on=date(2025, 6, 30))
    assert not old_cells.filter(merged_into__isnull=True).exists()
    assert not old_cells.filter(members__isnull=False).exists()
    assert set(MemberTransfer.objects.values_list("transferred_on", flat=True)) == {
        date(2025, 7, 1)
    }
    assert MemberTransfer.objects.count() == Member.objects.count() == MEMBERS
    moved_to_successor = MemberTransfer.objects.filter(
        from_cell__merged_into=models_f("to_cell"), member__cell=models_f("to_cell")
    )
    assert moved_to_successor.count() == MEMBERS
    today = date(2025, 10, 1)
    assert all(m.cell.is_valid_on(today) for m in Member.objects.select_related("cell")[:500])


def models_f(name):
    from django.db.models import F

    return F(name)


@pytest.mark.django_db
def test_stored_member_counts_are_exact(demo):
    assert root().member_count == Member.objects.filter(org_path__startswith=root().path).count()
    assert recount_members() == 0


@pytest.mark.django_db
def test_members_are_plausible(demo):
    members = Member.objects.all()
    probationary = members.filter(status=MemberStatus.DU_BI)
    assert 0.03 <= probationary.count() / members.count() <= 0.07
    assert not probationary.filter(official_on__isnull=False).exists()
    assert not members.filter(status=MemberStatus.CHINH_THUC, official_on__isnull=True).exists()
    assert not members.filter(birth_date__year__lt=1945).exists()
    assert not members.filter(birth_date__year__gt=2001).exists()
    for m in members.only("birth_date", "admitted_on")[:1000]:
        assert (m.admitted_on - m.birth_date).days / 365.25 >= 18
    cards = members.exclude(card_number=None).values_list("card_number", flat=True)
    assert len(set(cards)) == len(cards)


@pytest.mark.django_db
def test_no_real_person_from_the_seed_article_appears(demo):
    forbidden = {search_key(name) for name in FORBIDDEN_FULL_NAMES}
    assert not Member.objects.filter(search_text__in=forbidden).exists()
    users = get_user_model().objects.all()
    assert not any(is_forbidden(user.get_full_name()) for user in users)


def test_the_name_generator_skips_real_names():
    import random

    from capuy.demo.names import _forbidden_triples

    assert ("Nguyễn", "Văn", "Hùng") in _forbidden_triples()
    names = NameGenerator(random.Random(1))
    drawn = {" ".join(names.pick("nam")) for _ in range(20000)}
    assert "Nguyễn Văn Hùng" not in drawn
    assert not any(is_forbidden(name) for name in drawn)


@pytest.mark.django_db
def test_it_elects_the_provincial_and_district_committees(demo):
    xix = Term.objects.get(organization=root(), name="XIX")
    assert (xix.start_on, xix.end_on) == (date(2015, 10, 15), date(2020, 10, 15))
    bch = Seat.objects.filter(committee__term=xix, committee__kind=CommitteeKind.BCH)
    assert bch.count() == 50
    assert bch.filter(role=SeatRole.BI_THU).count() == 1
    assert bch.filter(role__in=[SeatRole.PHO_BI_THU, SeatRole.PHO_BI_THU_THUONG_TRUC]).count() == 3
    assert bch.filter(role=SeatRole.PHO_BI_THU_THUONG_TRUC).count() == 1
    assert Seat.objects.filter(committee__term=xix, committee__kind=CommitteeKind.BTV).count() == 15
    term_i = Term.objects.get(organization=root(), name="I")
    assert (term_i.start_on, term_i.end_on) == (date(2025, 9, 30), None)
    assert Seat.objects.filter(committee__term=term_i, committee__kind="bch").count() == 71
    assert Seat.objects.filter(committee__term=term_i, committee__kind="btv").count() == 18
    assert Term.objects.filter(organization=root(), name="XX").exists()

    for district in Organization.objects.filter(depth=2, kind=OrgKind.DANG_BO_HUYEN).valid_on(
        date(2019, 1, 1)
    ):
        seats = Seat.objects.filter(committee__term__organization=district)
        assert 30 <= seats.filter(committee__kind="bch").count() <= 40
        assert 8 <= seats.filter(committee__kind="btv").count() <= 14
        # Holders were members of cells of that district (before the 2025 transfer).
        from_paths = MemberTransfer.objects.filter(member__in=seats.values("member")).values_list(
            "from_cell__path", flat=True
        )
        assert all(path.startswith(district.path) for path in from_paths)


@pytest.mark.django_db
def test_flags_mark_about_one_commune_in_ten(demo):
    flags = OrganizationFlag.objects.filter(organization__path__startswith=root().path)
    assert flags.filter(valid_to=date(2025, 6, 30)).count() == 13
    assert flags.filter(valid_from=date(2025, 7, 1)).count() == 3


@pytest.mark.django_db
def test_one_demo_user_per_role_with_two_factor_for_admin_and_office(demo):
    users = {u.username: u for u in get_user_model().objects.all()}
    expected = {
        "admin": Role.ADMIN,
        "vanphong": Role.OFFICE,
        "huyen": Role.COMMITTEE_STAFF,
        "bithu": Role.CELL_SECRETARY,
        "tinhuyvien": Role.COMMITTEE_MEMBER,
        "kiemtra": Role.INSPECTOR,
    }
    for username, role in expected.items():
        assert users[username].roles() == {role}
        assert users[username].check_password("capuy-demo-2026")
    assert users["admin"].is_staff
    assert users["huyen"].role_grants.get().organization.name == "Đảng bộ thành phố Bắc Ninh"
    secretary = users["bithu"]
    assert secretary.member.cell_id == secretary.role_grants.get().organization_id
    assert Seat.objects.filter(
        member=users["tinhuyvien"].member, committee__term__organization=root()
    ).exists()
    devices = TOTPDevice.objects.filter(confirmed=True)
    assert {d.user.username: d.key for d in devices} == DEMO_TOTP_KEYS
    assert "capuy demo_otp" in demo
    for username in expected:
        assert re.search(rf"^{username}\b.*capuy-demo-2026", demo, re.MULTILINE)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("vi", f"--members phải từ {MEMBERS} trở lên."),
        ("en", f"--members must be at least {MEMBERS}."),
    ],
)
def test_too_few_members_are_refused_in_the_operators_language(language, message):
    from django.utils import translation

    with translation.override(language), pytest.raises(CommandError) as error:
        call_command("demo", members=MEMBERS - 1, stdout=io.StringIO())
    assert str(error.value) == message


@pytest.mark.django_db
def test_demo_otp_prints_codes_that_the_devices_accept(demo):
    out = io.StringIO()
    call_command("demo_otp", stdout=out)
    codes = dict(re.findall(r"^(\w+)\s+(\d{6})\b", out.getvalue(), re.MULTILINE))
    assert set(codes) == {"admin", "vanphong"}
    for username, code in codes.items():
        device = TOTPDevice.objects.get(user__username=username)
        assert device.verify_token(code)


@pytest.mark.django_db
def test_it_refuses_a_second_demo_and_rebuilds_the_same_one_with_reset(demo):
    names_before = first_names()
    assert len(names_before) == 20
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo", members=MEMBERS, stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo", if_empty=True, stdout=out)
    assert "không tạo" in out.getvalue()

    from capuy.reviews.models import Review, ReviewCycle

    reviews_before = Review.objects.count()

    call_command("demo", members=MEMBERS, reset=True, stdout=io.StringIO())

    assert first_names() == names_before
    # nothing of the first build is left behind (reviews point at members without a constraint)
    assert Review.objects.count() == reviews_before
    assert (
        not Review.objects.exclude(member__isnull=True)
        .exclude(member_id__in=Member.objects.values("pk"))
        .exists()
    )
    assert ReviewCycle.objects.filter(year=2019).count() == 1
    assert Organization.objects.filter(depth=1, code=bacninh.PROVINCE_CODE).count() == 1
    assert get_user_model().objects.filter(username="admin").count() == 1


def test_paths_follow_treebeard():
    for position in (1, 2, 35, 36, 37, 1295, 1296, 40000):
        assert step(position) == Organization._get_path(None, 1, position)


@pytest.mark.django_db
def test_the_communique_of_conference_32_is_published_from_its_record(demo):
    from django.utils import timezone

    from capuy.conferences.models import Conference
    from capuy.news.models import NewsItem

    conference = Conference.objects.get(number=32)
    item = NewsItem.objects.published().get(source_conference_id=conference.pk)
    assert "32" in item.title
    assert timezone.localtime(item.published_at).date() == conference.date
    # the figures the demo's rows give (grassroots report 2019, the complete 2019 review cycle)
    text = item.lead + item.body
    assert "218 lượt" in text and "1.532 lượt" in text
    assert "không có tập thể, cá nhân thuộc đối tượng phải kiểm điểm" in text
    assert "100% các cá nhân khi kiểm điểm có liên hệ các biểu hiện" in text
