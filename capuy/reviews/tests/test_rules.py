"""One test per rule of each shipped rule set, named after the rule (no database: the engine
is pure and the rule sets are built from the shipped data)."""

from decimal import Decimal

import pytest

from capuy.reviews.models import RuleSet
from capuy.reviews.rules import (
    HTNV,
    HTTNV,
    HTXSNV,
    KHTNV,
    Rules,
    check_decision,
    clean_conditions,
    derive_level,
    merge,
    quota_check,
    quota_group_key,
    quota_maximum,
    validate_ratings,
    validate_scores,
)
from capuy.reviews.rulesets import rule_set_as_dict
from capuy.reviews.shipped import RULE_SETS


def shipped(code: str) -> Rules:
    data = next(r for r in RULE_SETS if r["code"] == code)
    return Rules.from_dict(rule_set_as_dict(RuleSet(**data)))


HD21 = shipped("qd132-hd21")
QD124 = shipped("qd124-hd25")
QD366 = shipped("qd366-hd43")


def ratings(rules: Rules, kind: str, general: str, tasks: str, **overrides) -> dict:
    values = {c.key: (tasks if c.group == "tasks" else general) for c in rules.criteria[kind]}
    values.update(overrides)
    return values


def level(rules, kind="member", general="tot", tasks="tot", conditions=None, **overrides):
    return derive_level(
        rules,
        kind,
        ratings=ratings(rules, kind, general, tasks, **overrides),
        conditions=conditions,
    ).level


def score(rules, general, tasks, kind="member", **conditions):
    return derive_level(
        rules, kind, score_general=general, score_tasks=tasks, conditions=conditions
    )


ALL_GOOD_366 = {
    "tasks_on_time_pct": 100,
    "tasks_exceeded_pct": 30,
    "shortcomings_fixed_pct": 100,
    "tasks_done_pct": 100,
    "tasks_late_pct": 0,
}


# --- QĐ 132 + HD 21 (2019–2022) ---------------------------------------------------------------


def test_hd21_member_excellent_requires_all_task_criteria_xuat_sac():
    assert level(HD21, general="tot", tasks="xuat_sac") == HTXSNV
    almost = ratings(HD21, "member", "xuat_sac", "xuat_sac", ket_qua_nhiem_vu="tot")
    assert derive_level(HD21, "member", ratings=almost).level == HTTNV


def test_hd21_member_excellent_requires_other_criteria_at_least_tot():
    assert level(HD21, general="tot", tasks="xuat_sac", tu_tuong_chinh_tri="trung_binh") == HTNV


def test_hd21_leader_excellent_requires_leadership_results_xuat_sac_too():
    assert level(HD21, "leader", general="tot", tasks="xuat_sac") == HTXSNV
    assert level(HD21, "leader", tasks="xuat_sac", ket_qua_lanh_dao="tot") == HTTNV


def test_hd21_member_good_requires_every_criterion_at_least_tot():
    assert level(HD21, general="tot", tasks="tot") == HTTNV
    assert level(HD21, general="tot", tasks="tot", tac_phong_le_loi="trung_binh") == HTNV


def test_hd21_member_completed_requires_every_criterion_at_least_trung_binh():
    assert level(HD21, general="trung_binh", tasks="trung_binh") == HTNV


def test_hd21_member_any_criterion_kem_is_khtnv():
    derivation = derive_level(
        HD21, "member", ratings=ratings(HD21, "member", "tot", "tot", dao_duc_loi_song="kem")
    )
    assert derivation.level == KHTNV
    assert any("Kém" in reason for reason in derivation.reasons)


def test_hd21_missing_criterion_ratings_derive_no_level():
    partial = {"tu_tuong_chinh_tri": "tot"}
    derivation = derive_level(HD21, "member", ratings=partial)
    assert derivation.level is None
    assert "Kết quả thực hiện chức trách, nhiệm vụ được giao" in derivation.missing


def test_hd21_civil_servant_excellent_requires_civil_servant_htxsnv():
    conditions = {"civil_servant_level": HTTNV}
    assert level(HD21, tasks="xuat_sac", conditions=conditions) == HTTNV
    assert level(HD21, tasks="xuat_sac", conditions={"civil_servant_level": HTXSNV}) == HTXSNV


def test_hd21_civil_servant_khtnv_makes_member_khtnv():
    assert level(HD21, tasks="xuat_sac", conditions={"civil_servant_level": KHTNV}) == KHTNV


def test_hd21_degradation_conclusion_is_khtnv():
    derivation = derive_level(
        HD21,
        "member",
        ratings=ratings(HD21, "member", "tot", "xuat_sac"),
        conditions={"degradation_concluded": True},
    )
    assert derivation.level == KHTNV
    assert derivation.capped_by[0].code == "degradation"


def test_hd21_targets_below_half_is_khtnv():
    assert level(HD21, conditions={"targets_done_pct": 49}) == KHTNV
    assert level(HD21, conditions={"targets_done_pct": 50}) == HTTNV


def test_hd21_discipline_during_year_is_khtnv():
    assert level(HD21, tasks="xuat_sac", conditions={"disciplined": True}) == KHTNV


def test_hd21_discipline_counted_only_once():
    conditions = {"disciplined": True, "discipline_already_counted": True}
    assert level(HD21, tasks="xuat_sac", conditions=conditions) == HTXSNV


def test_hd21_discipline_self_detected_is_no_exception():
    conditions = {"disciplined": True, "discipline_self_detected_remedied": True}
    assert level(HD21, conditions=conditions) == KHTNV


def test_hd21_sick_leave_3_months_caps_at_htnv():
    derivation = derive_level(
        HD21,
        "member",
        ratings=ratings(HD21, "member", "tot", "xuat_sac"),
        conditions={"sick_leave_months": 3},
    )
    assert (derivation.level, derivation.max_level) == (HTNV, HTNV)
    assert derivation.capped_by[0].code == "sick_leave"


def test_hd21_sick_leave_under_3_months_does_not_cap():
    assert level(HD21, tasks="xuat_sac", conditions={"sick_leave_months": 2}) == HTXSNV


def test_hd21_maternity_leave_is_graded_on_time_worked():
    derivation = derive_level(
        HD21,
        "member",
        ratings=ratings(HD21, "member", "tot", "xuat_sac"),
        conditions={"maternity_leave": True},
    )
    assert derivation.level == HTXSNV
    assert any("thời gian công tác thực tế" in reason for reason in derivation.reasons)


def test_hd21_admitted_under_6_months_reviewed_not_classified():
    derivation = derive_level(HD21, "member", exemption="moi_ket_nap")
    assert derivation.reviewed and not derivation.classify
    assert HD21.exemptions["moi_ket_nap"].months == 6


def test_hd21_mien_sinh_hoat_not_reviewed():
    derivation = derive_level(HD21, "member", exemption="mien_sinh_hoat")
    assert not derivation.reviewed and not derivation.classify


def test_hd21_dinh_chi_sinh_hoat_not_classified():
    derivation = derive_level(HD21, "member", exemption="dinh_chi")
    assert derivation.reviewed and not derivation.classify


def test_hd21_new_organization_under_6_months_not_classified():
    derivation = derive_level(HD21, "organization", exemption="moi_thanh_lap")
    assert derivation.reviewed and not derivation.classify


def test_hd21_organization_excellent_requires_criteria_tot_and_tasks_xuat_sac():
    assert level(HD21, "organization", general="tot", tasks="xuat_sac") == HTXSNV
    assert level(HD21, "organization", general="trung_binh", tasks="xuat_sac") == HTTNV


def test_hd21_organization_disciplined_is_khtnv():
    conditions = {"disciplined": True}
    assert level(HD21, "organization", tasks="xuat_sac", conditions=conditions) == KHTNV


def test_hd21_quota_is_20_percent_of_httnv_rounded_down():
    assert HD21.quota_percent == Decimal(20)
    assert quota_maximum(HD21, excellent=0, good=10) == 2
    assert quota_maximum(HD21, excellent=0, good=14) == 2
    assert quota_maximum(HD21, excellent=0, good=15) == 3
    assert quota_maximum(HD21, excellent=0, good=4) == 0


def test_hd21_quota_grouped_per_grassroots_organization():
    assert HD21.quota_grouping == "grassroots"
    one = quota_group_key("grassroots", "member", competent_path="0001", grassroots_path="0001")
    assert one == "member:0001"
    cell_a = quota_group_key(
        "grassroots", "member", competent_path="00010002", grassroots_path="0001"
    )
    assert cell_a == one  # cells of a đảng bộ bộ phận still count in their grassroots org


def test_hd21_quota_groups_grassroots_organizations_apart_from_cells():
    tccsd = quota_group_key(
        "grassroots", "organization", competent_path="0001", org_kind="dang_bo_co_so"
    )
    cbcs = quota_group_key(
        "grassroots", "organization", competent_path="0001", org_kind="chi_bo_co_so"
    )
    cell = quota_group_key(
        "grassroots", "organization", competent_path="0001", org_kind="chi_bo_truc_thuoc"
    )
    assert tccsd == cbcs != cell


def test_hd21_quota_refuses_a_third_excellent_among_ten_good():
    check = quota_check(
        HD21,
        "member",
        counts={HTXSNV: 2, HTTNV: 10},
        new_level=HTXSNV,
        group_label="Đảng viên — Đảng bộ xã An Phú",
    )
    assert not check.ok
    assert "đã có 2 HTXSNV / 10 HTTNV, tối đa 2" in check.message
    assert "Đảng bộ xã An Phú" in check.message


def test_hd21_quota_allows_excellent_within_the_limit():
    check = quota_check(HD21, "member", counts={HTXSNV: 1, HTTNV: 10}, new_level=HTXSNV)
    assert check.ok


def test_hd21_quota_refuses_lowering_a_good_one_that_the_excellent_need():
    check = quota_check(
        HD21, "member", counts={HTXSNV: 2, HTTNV: 10}, new_level=HTNV, old_level=HTTNV
    )
    assert not check.ok


def test_hd21_quota_allows_a_decision_that_does_not_make_an_overrun_worse():
    check = quota_check(HD21, "member", counts={HTXSNV: 3, HTTNV: 10}, new_level=HTNV)
    assert check.ok


def test_hd21_deadlines_and_form_codes_are_set():
    assert HD21.deadline_days["co_so"] == 0
    assert HD21.forms["member"].startswith("Mẫu 02")


# --- QĐ 124 + HD 25 (2023–2024) ---------------------------------------------------------------


def test_qd124_collective_excellent_requires_criteria_tot_and_tasks_xuat_sac():
    assert level(QD124, "collective", general="tot", tasks="xuat_sac") == HTXSNV
    assert level(QD124, "collective", general="tot", tasks="tot") == HTTNV


def test_qd124_collective_excellent_requires_no_disciplined_unit():
    derivation = derive_level(
        QD124,
        "collective",
        ratings=ratings(QD124, "collective", "tot", "xuat_sac"),
        conditions={"disciplined_units": 1},
    )
    assert derivation.level == HTTNV
    assert any("kỷ luật" in reason for reason in derivation.reasons)


def test_qd124_collective_good_requires_criteria_trung_binh_and_tasks_tot():
    assert level(QD124, "collective", general="trung_binh", tasks="tot") == HTTNV
    assert level(QD124, "collective", general="trung_binh", tasks="trung_binh") == HTNV


def test_qd124_collective_completed_requires_basic_criteria_trung_binh():
    assert level(QD124, "organization", general="trung_binh", tasks="trung_binh") == HTNV


def test_qd124_collective_any_criterion_kem_is_khtnv():
    assert level(QD124, "collective", general="tot", tasks="kem") == KHTNV


def test_qd124_discipline_is_khtnv():
    assert level(QD124, tasks="xuat_sac", conditions={"disciplined": True}) == KHTNV


def test_qd124_discipline_self_detected_exception():
    conditions = {"disciplined": True, "discipline_self_detected_remedied": True}
    derivation = derive_level(
        QD124,
        "member",
        ratings=ratings(QD124, "member", "tot", "xuat_sac"),
        conditions=conditions,
    )
    assert derivation.level == HTTNV  # not KHTNV; the ceiling is HTTNV [U]
    assert any("Tự phát hiện" in reason for reason in derivation.reasons)


def test_qd124_degradation_conclusion_is_khtnv():
    assert level(QD124, conditions={"degradation_concluded": True}) == KHTNV


def test_qd124_admitted_under_6_months_not_reviewed():
    derivation = derive_level(QD124, "member", exemption="moi_ket_nap")
    assert not derivation.reviewed


def test_qd124_dinh_chi_sinh_hoat_not_reviewed():
    assert not derive_level(QD124, "member", exemption="dinh_chi").reviewed


def test_qd124_mien_sinh_hoat_not_reviewed():
    assert not derive_level(QD124, "member", exemption="mien_sinh_hoat").reviewed


def test_qd124_quota_grouped_by_similar_role():
    assert QD124.quota_grouping == "similar_role"
    secretary = quota_group_key("similar_role", "leader", competent_path="0001", seat_role="bi_thu")
    member = quota_group_key(
        "similar_role", "leader", competent_path="0001", seat_role="uy_vien_bch"
    )
    assert secretary != member
    commune = quota_group_key(
        "similar_role",
        "organization",
        competent_path="0001",
        org_kind="dang_bo_co_so",
        unit_type="xa_phuong",
    )
    agency = quota_group_key(
        "similar_role",
        "organization",
        competent_path="0001",
        org_kind="dang_bo_co_so",
        unit_type="co_quan",
    )
    assert commune != agency


def test_qd124_quota_is_20_percent_of_httnv():
    assert quota_maximum(QD124, excellent=0, good=25) == 5


# --- QĐ 366 + HD 43 (2025 →) ------------------------------------------------------------------


def test_qd366_score_90_with_all_conditions_is_htxsnv():
    assert score(QD366, 28, 62, **ALL_GOOD_366).level == HTXSNV


def test_qd366_score_90_without_conditions_is_httnv():
    derivation = score(QD366, 28, 62, tasks_on_time_pct=100, tasks_exceeded_pct=10)
    assert derivation.level == HTTNV
    assert any("30% nhiệm vụ vượt yêu cầu" in reason for reason in derivation.reasons)


def test_qd366_excellent_requires_30_percent_of_tasks_exceeded():
    assert score(QD366, 30, 70, **{**ALL_GOOD_366, "tasks_exceeded_pct": 29}).level == HTTNV


def test_qd366_excellent_requires_all_shortcomings_fixed():
    assert score(QD366, 30, 70, **{**ALL_GOOD_366, "shortcomings_fixed_pct": 90}).level == HTTNV


def test_qd366_excellent_requires_all_tasks_on_time():
    assert score(QD366, 30, 70, **{**ALL_GOOD_366, "tasks_on_time_pct": 95}).level == HTNV


def test_qd366_collective_excellent_requires_no_disciplined_member_or_unit():
    conditions = {**ALL_GOOD_366, "disciplined_units": 2}
    assert score(QD366, 30, 65, kind="collective", **conditions).level == HTTNV
    assert score(QD366, 30, 65, kind="collective", **ALL_GOOD_366).level == HTXSNV


def test_qd366_score_70_to_90_with_all_tasks_on_time_is_httnv():
    assert score(QD366, 20, 50, **ALL_GOOD_366).level == HTTNV
    assert score(QD366, 25, 64.5, **ALL_GOOD_366).level == HTTNV


def test_qd366_score_70_with_a_late_task_falls_to_htnv():
    conditions = {"tasks_on_time_pct": 90, "tasks_done_pct": 100, "tasks_late_pct": 10}
    assert score(QD366, 20, 55, **conditions).level == HTNV


def test_qd366_score_50_to_70_requires_all_done_and_at_most_20_percent_late():
    assert score(QD366, 20, 30, tasks_done_pct=100, tasks_late_pct=20).level == HTNV
    assert score(QD366, 20, 30, tasks_done_pct=100, tasks_late_pct=21).level == KHTNV
    assert score(QD366, 20, 30, tasks_done_pct=90, tasks_late_pct=0).level == KHTNV


def test_qd366_score_below_50_is_khtnv():
    derivation = score(QD366, 15, 34, **ALL_GOOD_366)
    assert derivation.level == KHTNV
    assert any("Dưới 50 điểm" in reason for reason in derivation.reasons)


def test_qd366_scores_are_30_plus_70_points():
    assert validate_scores(QD366, Decimal(30), Decimal(70)) == {}
    errors = validate_scores(QD366, Decimal("30.5"), Decimal(71))
    assert set(errors) == {"score_general", "score_tasks"}


def test_qd366_missing_scores_derive_no_level():
    derivation = derive_level(QD366, "member", score_general=25)
    assert derivation.level is None and derivation.missing


def test_qd366_degradation_conclusion_is_khtnv():
    conditions = {**ALL_GOOD_366, "degradation_concluded": True}
    assert score(QD366, 30, 70, **conditions).level == KHTNV


def test_qd366_discipline_is_khtnv():
    assert score(QD366, 30, 70, **{**ALL_GOOD_366, "disciplined": True}).level == KHTNV


def test_qd366_forms_2c_for_members_outside_the_political_system():
    assert QD366.forms["member_outside_system"].startswith("Mẫu 2C")
    assert QD366.forms["organization"].startswith("Mẫu 01")


def test_qd366_unconfirmed_points_are_listed():
    assert "Tỷ lệ HTXSNV" in QD366.unconfirmed_notes


# --- checking a chosen level (every rule set) ----------------------------------------------


def test_a_level_above_the_ceiling_is_refused_naming_the_rule():
    derivation = derive_level(
        HD21,
        "member",
        ratings=ratings(HD21, "member", "tot", "xuat_sac"),
        conditions={"sick_leave_months": 4},
    )
    problems = check_decision(HD21, "member", level=HTTNV, derivation=derivation)
    assert problems[0][0] == "level"
    assert "Nghỉ ốm từ 3 tháng" in problems[0][1] and "mức cao nhất là HTNV" in problems[0][1]


def test_another_level_than_the_derived_one_needs_a_reason():
    derivation = derive_level(HD21, "member", ratings=ratings(HD21, "member", "tot", "tot"))
    problems = check_decision(HD21, "member", level=HTNV, derivation=derivation)
    assert problems == [
        ("override_reason", "Mức đã chọn (HTNV) khác mức theo quy tắc (HTTNV): hãy ghi lý do.")
    ]
    assert not check_decision(
        HD21, "member", level=HTNV, derivation=derivation, override_reason="Chậm nộp đảng phí"
    )


def test_an_override_cannot_lift_a_level_above_the_ceiling():
    derivation = derive_level(
        QD124,
        "member",
        ratings=ratings(QD124, "member", "tot", "tot"),
        conditions={"disciplined": True},
    )
    problems = check_decision(
        QD124, "member", level=HTNV, derivation=derivation, override_reason="Thành tích tốt"
    )
    assert problems and "Bị xử lý kỷ luật" in problems[0][1]


def test_no_level_without_ratings_needs_no_reason():
    derivation = derive_level(HD21, "member", ratings={})
    assert check_decision(HD21, "member", level=HTTNV, derivation=derivation) == []


def test_an_exempt_subject_cannot_be_given_a_level():
    derivation = derive_level(QD124, "member", exemption="dinh_chi")
    problems = check_decision(QD124, "member", level=HTTNV, derivation=derivation)
    assert "không thuộc diện kiểm điểm" in problems[0][1]


def test_a_not_classified_subject_takes_no_level():
    derivation = derive_level(HD21, "member", exemption="moi_ket_nap")
    assert check_decision(HD21, "member", level="", derivation=derivation) == []
    assert check_decision(HD21, "member", level=HTTNV, derivation=derivation)


# --- overlays, inputs ------------------------------------------------------------------------


def test_overlay_overrides_only_what_it_sets():
    base = rule_set_as_dict(RuleSet(**next(r for r in RULE_SETS if r["code"] == "qd132-hd21")))
    overlay = {"quota": {"percent": "15"}, "caps": []}
    rules = Rules.from_dict(merge(base, overlay))
    assert rules.quota_percent == Decimal(15)
    assert rules.quota_grouping == "grassroots"  # kept from the base
    assert rules.rating_bands == HD21.rating_bands
    assert not [limit for limit in rules.limits if limit.code == "sick_leave"]


def test_unknown_criteria_and_ratings_are_refused():
    errors = validate_ratings(HD21, "member", {"nope": "tot", "tu_tuong_chinh_tri": "great"})
    assert set(errors) == {"nope", "tu_tuong_chinh_tri"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"disciplined": "on"}, {"disciplined": True}),
        ({"targets_done_pct": "45,5"}, {"targets_done_pct": 45.5}),
        ({"sick_leave_months": "3"}, {"sick_leave_months": 3}),
        ({"civil_servant_level": "HTNV", "disciplined": ""}, {"civil_servant_level": "HTNV"}),
    ],
)
def test_conditions_are_typed(raw, expected):
    assert clean_conditions(raw) == (expected, {})


def test_unknown_or_out_of_range_conditions_are_refused():
    _, errors = clean_conditions({"whatever": 1, "targets_done_pct": 120, "sick_leave_months": -1})
    assert set(errors) == {"whatever", "targets_done_pct", "sick_leave_months"}
