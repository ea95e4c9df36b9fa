"""Opening a cycle: who must be reviewed, where they sit, who decides, in which quota group."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from capuy.committees.choices import CommitteeKind, SeatRole
from capuy.committees.models import Committee, Seat, Term
from capuy.core.scoping import OutOfScope, scope_paths
from capuy.core.testing import member_in, org_child
from capuy.members.models import MemberTransfer
from capuy.organizations.choices import OrgKind
from capuy.reviews.choices import Exemption, ReviewStatus, SubjectKind
from capuy.reviews.models import Review, ReviewCycle, RuleSet
from capuy.reviews.services import cycle_open
from capuy.reviews.testing import open_cycle, review_of, rule_set


def kinds(cycle):
    return {
        kind: Review.objects.filter(cycle=cycle, subject_kind=kind).count()
        for kind in SubjectKind.values
    }


def test_cycle_open_computes_every_kind_of_subject(world):
    cycle = open_cycle(world)
    assert kinds(cycle) == {"organization": 6, "member": 5, "collective": 1, "leader": 1}
    assert cycle.opened_counts == {"organization": 6, "member": 5, "collective": 1, "leader": 1}
    assert (cycle.period_start, cycle.period_end) == (date(2019, 1, 1), date(2019, 12, 31))
    assert cycle.deadlines["co_so"] == "2019-12-31"


def test_the_scope_root_is_reviewed_by_its_superior_not_in_the_cycle(world):
    cycle = open_cycle(world)
    assert not Review.objects.filter(
        cycle=cycle, organization=world.province, subject_kind="organization"
    )


def test_members_are_decided_by_their_grassroots_organization(world):
    cycle = open_cycle(world)
    review = review_of(cycle, world.members["hung"])
    assert review.organization == world.cell
    assert review.org_path == world.cell.path
    assert review.competent_path == world.grassroots.path
    assert review.decision_level == "co_so"
    assert review.quota_group == f"member:{world.grassroots.path}"
    assert review.member_status == "chinh_thuc"


def test_a_chi_bo_co_so_decides_its_own_members(world):
    cycle = open_cycle(world)
    review = review_of(cycle, world.members["hung_outside"])
    assert review.competent_path == world.outside_cell.path
    assert review.quota_group == f"member:{world.outside_cell.path}"


def test_a_dang_bo_bo_phan_decides_for_its_cells(world):
    part = org_child(world.grassroots, "H01-X01-BP", "Đảng bộ bộ phận Xóm Mới", "dang_bo_bo_phan")
    cell = org_child(part, "H01-X01-BP-C1", "Chi bộ xóm Mới 1", OrgKind.CHI_BO_TRUC_THUOC)
    someone = member_in(cell, "Hồ", "Văn", "Bộ")
    cycle = open_cycle(world)
    review = review_of(cycle, someone)
    assert review.competent_path == part.path
    assert review.quota_group == f"member:{world.grassroots.path}"
    assert review_of(cycle, cell).competent_path == part.path


def test_organizations_are_decided_by_their_immediate_superior(world):
    cycle = open_cycle(world)
    grassroots = review_of(cycle, world.grassroots)
    assert (grassroots.competent_path, grassroots.decision_level) == (world.district.path, "huyen")
    district = review_of(cycle, world.district)
    assert (district.competent_path, district.decision_level) == (world.province.path, "tinh")
    cell = review_of(cycle, world.cell)
    assert (cell.competent_path, cell.decision_level) == (world.grassroots.path, "co_so")
    assert grassroots.quota_group == f"organization:{world.district.path}:tccsd"
    assert cell.quota_group == f"organization:{world.grassroots.path}:chi_bo_truc_thuoc"


def test_leader_collective_and_posts_of_the_province(world):
    cycle = open_cycle(world)
    collective = review_of(cycle, world.bch)
    assert collective.organization == world.province
    assert collective.competent_path == world.province.path
    leader = review_of(cycle, world.seat)
    assert leader.member == world.members["tuan"]
    assert leader.seat_role == SeatRole.UY_VIEN_BCH
    assert leader.quota_group == f"leader:{world.province.path}"


def test_the_collective_is_the_btv_when_there_is_one(world):
    btv = Committee.objects.create(term=world.term, kind=CommitteeKind.BTV)
    cycle = open_cycle(world)
    assert review_of(cycle, btv)
    assert not Review.objects.filter(cycle=cycle, committee=world.bch).exists()


def test_a_cadre_with_two_posts_is_reviewed_in_each(world):
    term = Term.objects.create(organization=world.district, name="XX", start_on=date(2015, 6, 1))
    bch = Committee.objects.create(term=term, kind=CommitteeKind.BCH)
    Seat.objects.create(
        committee=bch, member=world.members["tuan"], role=SeatRole.BI_THU, start_on=date(2015, 6, 1)
    )
    cycle = open_cycle(world)
    posts = Review.objects.filter(
        cycle=cycle, subject_kind=SubjectKind.LEADER, member=world.members["tuan"]
    )
    assert {r.organization for r in posts} == {world.province, world.district}


def test_a_btv_member_also_on_the_bch_is_one_post(world):
    btv = Committee.objects.create(term=world.term, kind=CommitteeKind.BTV)
    btv_seat = Seat.objects.create(
        committee=btv,
        member=world.members["tuan"],
        role=SeatRole.PHO_BI_THU,
        start_on=date(2015, 10, 15),
    )
    cycle = open_cycle(world)
    posts = Review.objects.filter(cycle=cycle, subject_kind=SubjectKind.LEADER)
    assert [(r.seat_id, r.seat_role) for r in posts] == [(btv_seat.pk, SeatRole.PHO_BI_THU)]


def test_seats_ended_before_the_period_end_are_not_reviewed(world):
    world.seat.end_on = date(2019, 6, 30)
    world.seat.save()
    cycle = open_cycle(world)
    assert not Review.objects.filter(cycle=cycle, subject_kind=SubjectKind.LEADER).exists()


def test_hd21_member_admitted_under_6_months_is_reviewed_but_not_classified(world):
    newcomer = member_in(
        world.cell,
        "Đinh",
        "Thị",
        "Mới",
        admitted_on=date(2019, 9, 1),
        official_on=None,
        status="du_bi",
    )
    cycle = open_cycle(world)
    review = review_of(cycle, newcomer)
    assert review.status == ReviewStatus.PENDING
    assert review.exemption == Exemption.MOI_KET_NAP and not review.classify
    assert "chưa đủ 6 tháng" in review.exemption_note
    assert review.member_status == "du_bi"


def test_qd124_member_admitted_under_6_months_is_not_reviewed(world):
    newcomer = member_in(
        world.cell,
        "Đinh",
        "Thị",
        "Mới",
        admitted_on=date(2023, 9, 1),
        official_on=None,
        status="du_bi",
    )
    cycle = open_cycle(world, year=2023, code="qd124-hd25")
    review = review_of(cycle, newcomer)
    assert review.status == ReviewStatus.EXEMPT and review.exemption == Exemption.MOI_KET_NAP


def test_member_status_is_taken_at_the_period_end(world):
    late = member_in(
        world.cell, "Cao", "Văn", "Muộn", admitted_on=date(2019, 3, 1), official_on=date(2020, 3, 1)
    )
    cycle = open_cycle(world)
    assert review_of(cycle, late).member_status == "du_bi"


def test_members_admitted_after_the_period_are_not_subjects(world):
    member_in(
        world.cell,
        "Cao",
        "Văn",
        "Sau",
        admitted_on=date(2020, 2, 1),
        official_on=None,
        status="du_bi",
    )
    cycle = open_cycle(world)
    assert kinds(cycle)["member"] == 5


def test_a_member_transferred_after_the_period_is_reviewed_in_the_cell_of_the_period(world):
    hung = world.members["hung"]
    MemberTransfer.objects.create(
        member=hung, from_cell=world.cell, to_cell=world.other_cell, transferred_on=date(2020, 5, 1)
    )
    hung.cell = world.other_cell
    hung.org_path = world.other_cell.path
    hung.save()
    cycle = open_cycle(world)
    assert review_of(cycle, hung).organization == world.cell


def test_organizations_dissolved_before_the_period_end_are_not_subjects(world):
    world.other_cell.dissolved_on = date(2019, 6, 1)
    world.other_cell.save()
    cycle = open_cycle(world)
    assert not Review.objects.filter(cycle=cycle, organization=world.other_cell).exists()
    # its member is not in a cell valid at the end of the period either
    assert not Review.objects.filter(cycle=cycle, member=world.members["an"]).exists()


def test_hd21_new_organization_under_6_months_is_reviewed_but_not_classified(world):
    world.other_cell.established_on = date(2019, 10, 1)
    world.other_cell.save()
    cycle = open_cycle(world)
    review = review_of(cycle, world.other_cell)
    assert review.exemption == Exemption.MOI_THANH_LAP and not review.classify
    assert review.status == ReviewStatus.PENDING


def test_qd124_quota_groups_leaders_by_post_and_organizations_by_type(world):
    cycle = open_cycle(world, year=2023, code="qd124-hd25")
    assert review_of(cycle, world.seat).quota_group.endswith(":uy_vien_bch")
    assert review_of(cycle, world.grassroots).quota_group == (
        f"organization:{world.district.path}:dang_bo_co_so:xa_phuong"
    )


def test_a_district_can_open_its_own_cycle(world):
    cycle = open_cycle(world, org=world.district, user=world.users["staff"])
    assert kinds(cycle) == {"organization": 3, "member": 4, "collective": 0, "leader": 0}


def test_opening_needs_change_rights_on_the_scope(world):
    with pytest.raises(OutOfScope):
        open_cycle(world, user=world.users["secretary"], org=world.cell)
    with pytest.raises(OutOfScope):
        open_cycle(world, user=world.users["outsider"], org=world.district)


def test_the_rule_set_must_cover_the_year(world):
    with pytest.raises(ValidationError) as error:
        open_cycle(world, year=2025, code="qd132-hd21")
    assert "không áp dụng cho năm 2025" in str(error.value)


def test_a_provincial_overlay_applies_only_under_its_organization(world):
    base = rule_set()
    overlay = RuleSet.objects.create(
        code="rieng-h02",
        name="Riêng huyện Bình Yên",
        regulation=base.regulation,
        first_year=2019,
        base=base,
        organization=world.other_district,
        quota_percent=15,
    )
    with pytest.raises(ValidationError) as error:
        cycle_open(
            acting_user=world.users["office"],
            rule_set=overlay,
            organization=world.district,
            year=2019,
        )
    assert "không áp dụng cho Đảng bộ huyện An Bình" in str(error.value)


def test_the_same_period_cannot_be_opened_twice(world):
    open_cycle(world)
    with pytest.raises(ValidationError):
        open_cycle(world)


def test_a_quarter_cycle_covers_its_three_months(world):
    cycle = cycle_open(
        acting_user=world.users["office"],
        rule_set=rule_set("qd366-hd43"),
        organization=world.province,
        year=2026,
        period_kind="quarter",
        quarter=2,
    )
    assert (cycle.period_start, cycle.period_end) == (date(2026, 4, 1), date(2026, 6, 30))
    assert "quý 2 năm 2026" in cycle.name


def test_opening_is_set_based_whatever_the_number_of_members(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    scope_paths(world.users["office"], "change")  # the grants are read once per user
    with CaptureQueriesContext(connection) as few:
        open_cycle(world, year=2019)
    for i in range(40):
        member_in(world.other_cell, "Lý", "Văn", f"Số{i}")
    with CaptureQueriesContext(connection) as many:
        cycle = open_cycle(world, year=2020)
    assert kinds(cycle)["member"] == 45
    assert len(many) == len(few) <= 30


def test_a_cycle_is_seen_along_its_branch(world):
    cycle = open_cycle(world)
    district_cycle = open_cycle(world, org=world.district, year=2020)
    for persona in ("secretary", "staff", "outsider", "inspector"):
        assert ReviewCycle.objects.visible_to(world.users[persona]).filter(pk=cycle.pk).exists()
    assert (
        not ReviewCycle.objects.visible_to(world.users["outsider"])
        .filter(pk=district_cycle.pk)
        .exists()
    )
    assert ReviewCycle.objects.visible_to(world.users["office"]).filter(pk=district_cycle.pk)
    assert not ReviewCycle.objects.visible_to(world.users["staff"], "change").filter(pk=cycle.pk)
