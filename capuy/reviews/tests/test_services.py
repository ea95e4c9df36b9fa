"""The review of one subject: self-assessment, proposal, decision, reopening, exemptions,
and the checks that run as you go (quota, ceilings, competent level, order, coverage)."""

import time
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from capuy.accounts.choices import Role
from capuy.accounts.models import RoleGrant
from capuy.core.scoping import OutOfScope
from capuy.core.testing import member_in
from capuy.reviews import selectors, services
from capuy.reviews.choices import Exemption, ReviewStatus, ReviewStep
from capuy.reviews.models import Manifestation, Review, ReviewEvent
from capuy.reviews.testing import big_grassroots, manifestation, open_cycle, review_of

TASKS_XS = {
    "tu_tuong_chinh_tri": "tot",
    "dao_duc_loi_song": "tot",
    "to_chuc_ky_luat": "tot",
    "tac_phong_le_loi": "tot",
    "khac_phuc_khuyet_diem": "tot",
    "ket_qua_nhiem_vu": "xuat_sac",
}


@pytest.fixture
def cycle(world):
    return open_cycle(world)


def self_assess(user, review, level="HTTNV", **extra):
    extra.setdefault("manifestations", [manifestation("A1")])
    return services.review_self_assess(acting_user=user, review=review, level=level, **extra)


def through_proposal(world, review, level="HTTNV"):
    office = world.users["office"]
    self_assess(office, review, level)
    return services.review_propose(acting_user=office, review=review, level=level)


def grant(world, username, role, org):
    user = get_user_model().objects.create_user(username=username, password="x")
    RoleGrant.objects.create(user=user, role=role, organization=org)
    return user


# --- self-assessment ------------------------------------------------------------------------


def test_self_assessment_records_level_manifestations_and_an_event(world, cycle):
    review = review_of(cycle, world.members["hung"])
    done = self_assess(
        world.users["secretary"],
        review,
        "HTTNV",
        manifestations=[manifestation("A1"), manifestation("B2")],
        self_text="Bản tự kiểm điểm",
        note="Họp chi bộ 10/12",
    )
    assert done.status == ReviewStatus.SELF_REVIEWED and done.self_level == "HTTNV"
    assert done.manifestations_linked
    assert sorted(m.code for m in done.linked_manifestations()) == ["A1", "B2"]
    event = ReviewEvent.objects.get(review=review)
    assert (event.step, event.level, event.by) == ("self", "HTTNV", world.users["secretary"])
    assert event.data["manifestations"] == ["A1", "B2"]


def test_a_manifestation_someone_linked_cannot_be_deleted_only_deactivated(world, cycle):
    # the links are ids on the review (an import writes 200.000 of them): the catalogue
    # refuses to delete an entry a review points to, one by one or several at once
    from django.db.models import ProtectedError

    self_assess(world.users["office"], review_of(cycle, world.members["hung"]))
    with pytest.raises(ProtectedError) as refused:
        manifestation("A1").delete()
    assert "Biểu hiện A1 đã được liên hệ" in refused.value.args[0]
    with pytest.raises(ProtectedError):
        Manifestation.objects.filter(group="A", number__in=[1, 2]).delete()
    assert Manifestation.objects.filter(group="A", number__in=[1, 2]).count() == 2
    manifestation("A2").delete()  # linked by nobody
    assert not Manifestation.objects.filter(group="A", number=2).exists()


def test_the_admin_shows_a_linked_manifestation_as_protected(world, cycle, client):
    from capuy.core.testing import sign_in

    self_assess(world.users["office"], review_of(cycle, world.members["hung"]))
    superuser = get_user_model().objects.create_superuser("ho-tro", password="x")
    sign_in(client, superuser)
    url = reverse("admin:reviews_manifestation_delete", args=[manifestation("A1").pk])
    page = client.get(url).content.decode()
    assert "Biểu hiện A1 đã được liên hệ trong bản kiểm điểm (chỉ ngừng dùng)." in page
    client.post(url, {"post": "yes"})
    assert Manifestation.objects.filter(group="A", number=1).exists()
    free = reverse("admin:reviews_manifestation_delete", args=[manifestation("A2").pk])
    assert "đã được liên hệ" not in client.get(free).content.decode()


def test_the_review_history_shows_the_links_changed_by_their_codes(world, cycle):
    from capuy.core.history import history_rows

    review = review_of(cycle, world.members["hung"])
    first = self_assess(
        world.users["office"], review, manifestations=[manifestation("B2"), manifestation("A1")]
    )
    assert first.manifestation_ids == sorted([manifestation("A1").pk, manifestation("B2").pk])
    self_assess(world.users["office"], first, manifestations=[manifestation("A1")])
    latest = history_rows(Review.objects.get(pk=review.pk))[0]
    (links,) = [c for c in latest.changes if c.field == "manifestation_ids"]
    assert (links.label, links.old, links.new) == ("liên hệ biểu hiện", "A1, B2", "A1")


def test_the_history_page_reads_the_catalogue_once_however_many_link_changes_it_shows(
    world, cycle, django_assert_num_queries
):
    from capuy.core.history import history_rows

    review = review_of(cycle, world.members["hung"])
    for codes in (["A1"], ["A1", "B2"], ["C3"], ["A1", "C3"]):
        review = self_assess(
            world.users["office"], review, manifestations=[manifestation(c) for c in codes]
        )
    review = Review.objects.get(pk=review.pk)
    # the history rows with their users, the catalogue, and what the oldest change names
    # (its cycle, organization, member): once each
    with django_assert_num_queries(5):
        rows = history_rows(review)
    shown = [c.new for row in rows for c in row.changes if c.field == "manifestation_ids"]
    assert shown == ["A1, C3", "C3", "A1, B2", "A1"]


def test_the_first_self_assessment_of_a_review_opened_in_bulk_shows_what_it_recorded(world, cycle):
    """Opening a cycle writes its subjects without history rows: the oldest row is a change
    with nothing before it, and the page lists the values it set (none were shown)."""
    from capuy.core.history import history_rows

    review = review_of(cycle, world.members["hung"])
    assert not review.history.filter(history_type="+").exists()
    self_assess(
        world.users["office"], review, manifestations=[manifestation("A1")], self_text="Tự nhận"
    )
    (row,) = history_rows(Review.objects.get(pk=review.pk))
    changes = {c.field: (c.old, c.new) for c in row.changes}
    assert changes["manifestation_ids"] == ("", "A1")
    assert changes["self_text"] == ("", "Tự nhận")
    assert changes["manifestations_linked"] == ("", "có")
    assert "locked" not in changes  # a flag left off is not listed


def test_an_individual_self_assessment_without_manifestations_is_refused(world, cycle):
    review = review_of(cycle, world.members["hung"])
    with pytest.raises(ValidationError) as error:
        self_assess(world.users["office"], review, manifestations=[])
    assert "manifestations" in error.value.message_dict
    assert "27 biểu hiện" in error.value.message_dict["manifestations"][0]
    assert Review.objects.get(pk=review.pk).status == ReviewStatus.PENDING


def test_a_free_text_linkage_is_enough(world, cycle):
    review = review_of(cycle, world.members["hung"])
    done = self_assess(
        world.users["office"], review, manifestations=[], manifestations_text="Liên hệ bản thân"
    )
    assert done.manifestations_linked


def test_a_collective_needs_no_manifestation(world, cycle):
    done = self_assess(world.users["office"], review_of(cycle, world.bch), manifestations=[])
    assert done.status == ReviewStatus.SELF_REVIEWED and not done.manifestations_linked


def test_the_derived_level_is_offered_and_another_needs_a_reason(world, cycle):
    review = review_of(cycle, world.members["hung"])
    with pytest.raises(ValidationError) as error:
        self_assess(world.users["office"], review, "HTTNV", ratings=TASKS_XS)
    assert "override_reason" in error.value.message_dict
    done = self_assess(
        world.users["office"], review, "HTTNV", ratings=TASKS_XS, override_reason="Khiêm tốn"
    )
    assert (done.derived_level, done.self_level) == ("HTXSNV", "HTTNV")
    assert ReviewEvent.objects.get(review=review).override_reason == "Khiêm tốn"


def test_an_event_records_what_the_step_gave_beside_its_level_and_nothing_empty(world, cycle):
    office = world.users["office"]
    plain = self_assess(office, review_of(cycle, world.members["hung"]))
    rated = self_assess(office, review_of(cycle, world.members["lan"]), "HTXSNV", ratings=TASKS_XS)

    assert ReviewEvent.objects.get(review=plain).data == {"manifestations": ["A1"]}
    assert ReviewEvent.objects.get(review=rated).data == {
        "ratings": TASKS_XS,
        "manifestations": ["A1"],
    }


def test_a_level_above_the_rule_sets_ceiling_is_refused_naming_the_rule(world, cycle):
    review = review_of(cycle, world.members["hung"])
    with pytest.raises(ValidationError) as error:
        self_assess(
            world.users["office"],
            review,
            "HTTNV",
            conditions={"sick_leave_months": 4},
            override_reason="x",
        )
    message = error.value.message_dict["level"][0]
    assert "Nghỉ ốm từ 3 tháng" in message and "HTNV" in message


def test_unknown_ratings_and_conditions_are_refused(world, cycle):
    review = review_of(cycle, world.members["hung"])
    with pytest.raises(ValidationError) as error:
        self_assess(
            world.users["office"],
            review,
            ratings={"ket_qua_nhiem_vu": "great"},
            conditions={"bogus": 1},
        )
    assert set(error.value.message_dict) == {"ratings", "conditions"}


def test_a_party_member_may_record_his_own_self_assessment(world, cycle):
    user = get_user_model().objects.create_user(username="hung", password="x")
    user.member = world.members["hung"]
    user.save()
    RoleGrant.objects.create(user=user, role=Role.INSPECTOR, organization=world.cell)
    done = self_assess(user, review_of(cycle, world.members["hung"]))
    assert done.status == ReviewStatus.SELF_REVIEWED
    with pytest.raises(PermissionDenied):
        self_assess(user, review_of(cycle, world.members["lan"]))


def test_read_only_roles_may_not_record_a_self_assessment(world, cycle):
    review = review_of(cycle, world.members["hung"])
    for persona in ("inspector", "committee_member"):
        with pytest.raises(PermissionDenied):
            self_assess(world.users[persona], review)


def test_a_cell_secretary_records_only_her_own_cells_members(world, cycle):
    with pytest.raises(OutOfScope):
        self_assess(world.users["secretary"], review_of(cycle, world.members["an"]))
    with pytest.raises(PermissionDenied):  # the province's collective is visible, not hers
        self_assess(world.users["secretary"], review_of(cycle, world.bch))


def test_self_assessment_outside_scope_is_refused(world, cycle):
    with pytest.raises(OutOfScope):
        self_assess(world.users["outsider"], review_of(cycle, world.members["hung"]))


# --- proposal ----------------------------------------------------------------------------------


def test_the_cell_proposes_a_level_for_its_members(world, cycle):
    review = review_of(cycle, world.members["lan"])
    self_assess(world.users["secretary"], review, "HTXSNV")
    done = services.review_propose(
        acting_user=world.users["secretary"], review=review, level="HTTNV", note="Chi bộ đề xuất"
    )
    assert (done.status, done.proposed_level) == (ReviewStatus.PROPOSED, "HTTNV")
    steps = list(ReviewEvent.objects.filter(review=review).values_list("step", "level"))
    assert steps == [("self", "HTXSNV"), ("propose", "HTTNV")]


def test_a_proposal_needs_a_self_assessment_first(world, cycle):
    with pytest.raises(ValidationError) as error:
        services.review_propose(
            acting_user=world.users["office"],
            review=review_of(cycle, world.members["lan"]),
            level="HTTNV",
        )
    assert "chưa tự kiểm điểm" in str(error.value)


def test_a_cell_secretary_does_not_propose_for_organizations(world, cycle):
    review = review_of(cycle, world.cell)
    self_assess(world.users["secretary"], review, manifestations=[])  # the cell's own review
    with pytest.raises(PermissionDenied):
        services.review_propose(acting_user=world.users["secretary"], review=review, level="HTTNV")


# --- decision ----------------------------------------------------------------------------------


def test_the_competent_level_decides_and_the_review_locks(world, cycle):
    review = review_of(cycle, world.members["hung"])
    through_proposal(world, review)
    done = services.review_decide(
        acting_user=world.users["staff"], review=review, level="HTTNV", note="Nghị quyết số 5"
    )
    assert (done.status, done.decided_level, done.locked) == ("decided", "HTTNV", True)
    event = ReviewEvent.objects.filter(review=review, step=ReviewStep.DECIDE).get()
    assert (event.by, event.note) == (world.users["staff"], "Nghị quyết số 5")
    with pytest.raises(ValidationError) as error:
        self_assess(world.users["office"], review)
    assert "đã được quyết định và khóa" in str(error.value)


def test_someone_outside_the_competent_level_cannot_decide(world, cycle):
    grassroots_staff = grant(world, "xa_an_phu", Role.COMMITTEE_STAFF, world.grassroots)
    review = review_of(cycle, world.grassroots)  # decided by the district
    self_assess(world.users["office"], review, manifestations=[])
    with pytest.raises(services.NotCompetent) as error:
        services.review_decide(acting_user=grassroots_staff, review=review, level="HTTNV")
    assert "Chỉ cấp có thẩm quyền (Đảng bộ huyện An Bình hoặc cấp trên)" in str(error.value)
    # the same person decides the members of the grassroots organization
    member = review_of(cycle, world.members["hung"])
    through_proposal(world, member)
    services.review_decide(acting_user=grassroots_staff, review=member, level="HTTNV")


def test_a_cell_secretary_cannot_decide(world, cycle):
    review = review_of(cycle, world.members["hung"])
    through_proposal(world, review)
    with pytest.raises(services.NotCompetent):
        services.review_decide(acting_user=world.users["secretary"], review=review, level="HTTNV")


def test_a_decision_needs_a_self_assessment(world, cycle):
    with pytest.raises(ValidationError):
        services.review_decide(
            acting_user=world.users["office"],
            review=review_of(cycle, world.members["hung"]),
            level="HTTNV",
        )


def test_a_decision_over_quota_is_refused_naming_the_group_and_numbers(world):
    grassroots, cell, people = big_grassroots(world, members=13)
    cycle = open_cycle(world)
    reviews = [review_of(cycle, person) for person in people]
    for review in reviews:
        through_proposal(world, review)
    office = world.users["office"]
    for review in reviews[:10]:
        services.review_decide(acting_user=office, review=review, level="HTTNV")
    for review in reviews[10:12]:
        services.review_decide(
            acting_user=office, review=review, level="HTXSNV", override_reason="Thành tích"
        )
    with pytest.raises(ValidationError) as error:
        services.review_decide(
            acting_user=office, review=reviews[12], level="HTXSNV", override_reason="Thành tích"
        )
    message = error.value.message_dict["level"][0]
    assert "đã có 2 HTXSNV / 10 HTTNV, tối đa 2" in message
    assert "Đảng viên — Đảng bộ xã Quy Mô" in message
    assert Review.objects.get(pk=reviews[12].pk).status == ReviewStatus.PROPOSED
    assert not ReviewEvent.objects.filter(review=reviews[12], step="decide").exists()


def test_deciding_many_counts_the_good_before_the_excellent(world):
    grassroots, cell, people = big_grassroots(world, members=6)
    cycle = open_cycle(world)
    reviews = [review_of(cycle, person) for person in people]
    for review in reviews:
        through_proposal(world, review)
    decisions = [{"review": reviews[0], "level": "HTXSNV", "override_reason": "Thành tích"}]
    decisions += [{"review": r, "level": "HTTNV"} for r in reviews[1:]]
    done = services.review_decide_many(acting_user=world.users["office"], decisions=decisions)
    assert [r.decided_level for r in done][-1] == "HTXSNV"


def test_deciding_many_is_all_or_nothing(world):
    grassroots, cell, people = big_grassroots(world, members=3)
    cycle = open_cycle(world)
    reviews = [review_of(cycle, person) for person in people]
    for review in reviews:
        through_proposal(world, review)
    decisions = [{"review": r, "level": "HTXSNV", "override_reason": "x"} for r in reviews]
    with pytest.raises(ValidationError):
        services.review_decide_many(acting_user=world.users["office"], decisions=decisions)
    assert not Review.objects.filter(cycle=cycle, status="decided").exists()


def test_the_quota_check_is_one_indexed_query_and_fast(world, cycle, django_assert_num_queries):
    review = review_of(cycle, world.members["hung"])
    with django_assert_num_queries(1):
        selectors.quota_counts(review.cycle_id, review.quota_group)
    started = time.perf_counter()
    selectors.quota_check_for(review, "HTXSNV")
    assert time.perf_counter() - started < 0.2  # ≤ 20 ms in the benchmark, generous here


def test_a_decision_reads_the_same_number_of_statements_however_large_its_group(world):
    # bench/bench_review_decide.py times one decision at national scale (≤ 20 ms); here the
    # statements are counted: a larger quota group or subtree must not add any
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    grassroots, cell, people = big_grassroots(world, members=30)
    cycle = open_cycle(world)
    office = world.users["office"]
    counts = []
    for person in (people[0], people[29], world.members["hung"]):
        review = review_of(cycle, person)
        through_proposal(world, review)
        review = Review.objects.get(pk=review.pk)
        with CaptureQueriesContext(connection) as queries:
            services.review_decide(acting_user=office, review=review, level="HTTNV")
        counts.append(len(queries))
    # the first and the last of 30 members, then a member of a 3-member cell elsewhere
    assert counts[0] == counts[1] == counts[2]
    # the deciding committee's and the quota group's names are read only to refuse
    names = '"organizations_organization"."name" AS "name"'
    assert not [q["sql"] for q in queries.captured_queries if names in q["sql"]]
    # the user's scope is the row lock's own condition, not a query before it
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "reviews_review"' in q["sql"]]
    assert '"reviews_review"."org_path"' in reads[0] and " LIKE " in reads[0]
    assert ("FOR UPDATE" in reads[0]) == connection.features.has_select_for_update


def test_a_decision_on_a_review_outside_the_users_scope_is_refused_before_anything_is_read(
    world, cycle
):
    from capuy.core.scoping import OutOfScope

    review = review_of(cycle, world.members["hung"])
    through_proposal(world, review)
    with pytest.raises(OutOfScope):
        services.review_decide(acting_user=world.users["outsider"], review=review, level="HTTNV")
    assert Review.objects.get(pk=review.pk).status == ReviewStatus.PROPOSED


def test_a_decision_above_the_ceiling_is_refused_naming_the_rule(world, cycle):
    review = review_of(cycle, world.members["hung"])
    through_proposal(world, review)
    with pytest.raises(ValidationError) as error:
        services.review_decide(
            acting_user=world.users["office"],
            review=review,
            level="HTTNV",
            conditions={"disciplined": True},
            override_reason="x",
        )
    assert "Bị xử lý kỷ luật trong năm đánh giá" in error.value.message_dict["level"][0]


def test_order_warnings_are_recorded_not_blocking(world, cycle):
    review = review_of(cycle, world.seat)  # the province's collective is still undecided
    through_proposal(world, review)
    done = services.review_decide(acting_user=world.users["office"], review=review, level="HTTNV")
    assert any("tập thể trước" in w for w in done.warnings)
    assert ReviewEvent.objects.get(review=review, step="decide").warnings == done.warnings


def test_lower_organizations_before_higher_is_warned(world, cycle):
    review = review_of(cycle, world.grassroots)
    self_assess(world.users["office"], review, manifestations=[])
    warnings = selectors.order_warnings(review)
    assert any("2 tổ chức đảng cấp dưới" in w for w in warnings)


# --- reopening, exemptions -------------------------------------------------------------------


def test_reopening_needs_a_reason_and_is_audited(world, cycle):
    review = review_of(cycle, world.members["hung"])
    through_proposal(world, review)
    services.review_decide(acting_user=world.users["staff"], review=review, level="HTTNV")
    with pytest.raises(ValidationError) as error:
        services.review_reopen(acting_user=world.users["staff"], review=review, reason=" ")
    assert "reason" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.review_reopen(acting_user=world.users["secretary"], review=review, reason="x")
    done = services.review_reopen(
        acting_user=world.users["staff"], review=review, reason="Có đơn khiếu nại"
    )
    assert (done.status, done.decided_level, done.locked) == ("proposed", "", False)
    event = ReviewEvent.objects.filter(review=review).last()
    assert (event.step, event.level, event.note) == ("reopen", "HTTNV", "Có đơn khiếu nại")
    assert selectors.quota_counts(cycle.pk, review.quota_group) == {}


def test_a_review_for_an_exempt_subject_is_refused(world, cycle):
    review = review_of(cycle, world.members["hung"])
    services.review_set_exemption(
        acting_user=world.users["office"],
        review=review,
        exemption=Exemption.MIEN_SINH_HOAT,
        note="Tuổi cao, sức yếu",
    )
    assert Review.objects.get(pk=review.pk).status == ReviewStatus.EXEMPT
    with pytest.raises(ValidationError) as error:
        self_assess(world.users["office"], review)
    assert "không thuộc diện kiểm điểm" in str(error.value)
    assert "Miễn công tác và sinh hoạt đảng" in str(error.value)


def test_hd21_suspended_member_is_reviewed_but_takes_no_level(world, cycle):
    review = review_of(cycle, world.members["hung"])
    services.review_set_exemption(
        acting_user=world.users["office"], review=review, exemption=Exemption.DINH_CHI
    )
    with pytest.raises(ValidationError) as error:
        self_assess(world.users["office"], review, "HTTNV")
    assert "không xếp loại" in error.value.message_dict["level"][0]
    self_assess(world.users["office"], review, "")
    done = services.review_decide(acting_user=world.users["office"], review=review, level="")
    assert (done.status, done.decided_level) == ("decided", "")


def test_a_new_member_of_2019_is_decided_without_a_level(world):
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
    self_assess(world.users["secretary"], review, "")
    with pytest.raises(ValidationError):
        services.review_decide(acting_user=world.users["office"], review=review, level="HTNV")
    assert services.review_decide(acting_user=world.users["office"], review=review, level="")


def test_another_reason_must_be_written(world, cycle):
    with pytest.raises(ValidationError) as error:
        services.review_set_exemption(
            acting_user=world.users["office"],
            review=review_of(cycle, world.members["hung"]),
            exemption=Exemption.KHAC,
        )
    assert "note" in error.value.message_dict


def test_an_exemption_can_be_cleared(world, cycle):
    review = review_of(cycle, world.members["hung"])
    office = world.users["office"]
    services.review_set_exemption(acting_user=office, review=review, exemption="mien_sinh_hoat")
    done = services.review_set_exemption(acting_user=office, review=review, exemption="")
    assert (done.status, done.classify) == (ReviewStatus.PENDING, True)


# --- coverage and closing ----------------------------------------------------------------------


def decide_everything(world, cycle, level_filter=None):
    office = world.users["office"]
    qs = Review.objects.filter(cycle=cycle).exclude(status__in=("decided", "exempt"))
    if level_filter:
        qs = qs.filter(decision_level=level_filter)
    for review in qs.order_by("id"):
        if review.status == ReviewStatus.PENDING:
            self_assess(office, review, "HTTNV" if review.classify else "")
        services.review_decide(
            acting_user=office, review=review, level="HTTNV" if review.classify else ""
        )


def test_coverage_counts_required_reviewed_decided_and_exempt(world, cycle):
    office = world.users["office"]
    services.review_set_exemption(
        acting_user=office,
        review=review_of(cycle, world.members["lan"]),
        exemption="mien_sinh_hoat",
    )
    through_proposal(world, review_of(cycle, world.members["hung"]))
    levels = {row.key: row for row in selectors.coverage_by_level(cycle)}
    base = levels["co_so"]
    assert (base.total, base.exempt, base.required, base.reviewed, base.decided) == (7, 1, 6, 1, 0)
    rows = selectors.cycle_coverage(office, cycle)
    district = next(r for r in rows if r.organization == world.district)
    assert district.by_kind["member"] == {"total": 4, "exempt": 1, "reviewed": 1, "decided": 0}


def test_a_level_cannot_be_closed_while_someone_required_is_missing(world, cycle):
    with pytest.raises(ValidationError) as error:
        services.cycle_close_level(acting_user=world.users["office"], cycle=cycle, level="co_so")
    message = error.value.message_dict["level"][0]
    assert "còn 7 đối tượng phải kiểm điểm chưa có quyết định" in message
    assert "7 chưa kiểm điểm" in message


def test_levels_close_lowest_first_and_then_the_cycle(world, cycle):
    office = world.users["office"]
    decide_everything(world, cycle)
    with pytest.raises(ValidationError) as error:
        services.cycle_close_level(acting_user=office, cycle=cycle, level="huyen")
    assert "cấp dưới trước" in str(error.value)
    for level in ("co_so", "huyen"):
        services.cycle_close_level(acting_user=office, cycle=cycle, level=level)
    closed = services.cycle_close_level(acting_user=office, cycle=cycle, level="tinh")
    assert closed.closed_levels == ["co_so", "huyen", "tinh"] and closed.is_closed


def test_nothing_changes_at_a_closed_level(world, cycle):
    office = world.users["office"]
    decide_everything(world, cycle, "co_so")
    services.cycle_close_level(acting_user=office, cycle=cycle, level="co_so")
    review = review_of(cycle, world.members["hung"])
    with pytest.raises(ValidationError) as error:
        services.review_reopen(acting_user=office, review=review, reason="x")
    assert "đã khóa sổ" in str(error.value)


def test_only_those_who_may_change_the_scope_close_a_level(world, cycle):
    with pytest.raises(OutOfScope):
        services.cycle_close_level(acting_user=world.users["staff"], cycle=cycle, level="co_so")


def test_the_office_corrects_a_manifestation_and_others_cannot(world):
    item = manifestation("A5")
    done = services.manifestation_update(
        acting_user=world.users["office"],
        manifestation=item,
        text="Nội dung chính thức",
        confirmed=True,
    )
    assert done.confirmed and done.text == "Nội dung chính thức"
    for persona in ("staff", "secretary"):
        with pytest.raises(PermissionDenied):
            services.manifestation_update(
                acting_user=world.users[persona], manifestation=item, text="x"
            )


def test_a_rule_set_edit_must_keep_the_rules_valid(world):
    from capuy.reviews.testing import rule_set

    rs = rule_set()
    with pytest.raises(ValidationError) as error:
        services.rule_set_update(
            acting_user=world.users["office"], rule_set=rs, config={"caps": [{"field": "x"}]}
        )
    assert "config" in error.value.message_dict
    done = services.rule_set_update(
        acting_user=world.users["office"], rule_set=rs, unconfirmed_notes="Đã đối chiếu"
    )
    assert done.unconfirmed_notes == "Đã đối chiếu"
    with pytest.raises(OutOfScope):
        services.rule_set_update(acting_user=world.users["staff"], rule_set=rs, name="x")


def test_a_province_overlay_changes_only_what_it_sets(world):
    from capuy.reviews.rulesets import effective_rules
    from capuy.reviews.testing import rule_set

    base = rule_set()
    overlay = services.rule_set_create_overlay(
        acting_user=world.users["office"],
        base=base,
        organization=world.province,
        code="thu-nghiem",
        name="Quy định riêng tỉnh Thử Nghiệm",
        quota_percent=15,
        config={"deadline_days": {"co_so": 10}},
    )
    rules = effective_rules(overlay)
    assert rules.quota_percent == 15 and rules.quota_grouping == "grassroots"
    assert rules.deadline_days == {"co_so": 10, "xa": 15, "huyen": 31, "tinh": 59}
    assert rules.rating_bands == effective_rules(base).rating_bands
    cycle = services.cycle_open(
        acting_user=world.users["office"], rule_set=overlay, organization=world.district, year=2020
    )
    assert cycle.deadlines["co_so"] == "2021-01-10"


def test_the_to_decide_list_holds_what_the_user_is_competent_for(world, cycle):
    grassroots_staff = grant(world, "xa_an_phu_2", Role.COMMITTEE_STAFF, world.grassroots)
    mine = selectors.subject_list(grassroots_staff, cycle, competent=True)
    kinds = {(r.subject_kind, r.organization_id) for r in mine}
    assert ("member", world.cell.pk) in kinds
    assert ("organization", world.cell.pk) in kinds  # its cells are decided by it
    assert ("organization", world.grassroots.pk) not in kinds  # decided by the district
