"""The attendance regulation as data: quotas per seat level, the rule in force on a date."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from capuy.meetings import services
from capuy.meetings.selectors import quota_for, rule_in_force
from capuy.meetings.testing import rule_at
from capuy.organizations.choices import SeatLevel

RULE = {
    "number": "01-QĐ/TU",
    "title": "Về việc các đồng chí Tỉnh ủy viên đi công tác cơ sở và dự sinh hoạt chi bộ",
    "issued_on": date(2011, 6, 30),
    "issuing_body": "Ban Thường vụ Tỉnh ủy",
    "effective_from": date(2011, 6, 30),
}


def test_a_new_rule_gets_the_kon_tum_quotas_two_six_six_by_default(world):
    rule = services.attendance_rule_create(
        acting_user=world.users["office"], organization=world.province, **RULE
    )
    quotas = {q.level: q.min_attendances for q in rule.quotas.all()}
    assert quotas == {SeatLevel.TINH: 2, SeatLevel.HUYEN: 6, SeatLevel.XA: 6}
    assert rule.must_attend_outside_own_cell is True


def test_the_office_sets_and_edits_quotas_per_level_with_field_days(world):
    office = world.users["office"]
    rule = services.attendance_rule_create(
        acting_user=office, organization=world.province, quotas={"tinh": (4, 10)}, **RULE
    )
    services.attendance_rule_update(
        acting_user=office,
        rule=rule,
        title="Sửa đổi",
        quotas={"tinh": (3, 12), "huyen": 8, "xa": None},
    )
    rule.refresh_from_db()
    quotas = {q.level: (q.min_attendances, q.min_field_days) for q in rule.quotas.all()}
    assert quotas == {"tinh": (3, 12), "huyen": (8, 0)}
    assert rule.title == "Sửa đổi"


def test_rule_in_force_is_the_nearest_ancestors_rule_effective_on_the_day(world):
    province = rule_at(world.province, number="01-QĐ/TU")
    district = rule_at(world.district, number="05-QĐ/HU", start=date(2019, 7, 1))
    assert rule_in_force(world.cell, date(2019, 6, 30)) == province
    assert rule_in_force(world.cell, date(2019, 7, 1)) == district
    assert rule_in_force(world.outside_cell, date(2019, 7, 1)) == province
    assert quota_for(district, "tinh").min_attendances == 2


def test_rule_in_force_ignores_rules_not_yet_or_no_longer_effective(world):
    rule_at(world.province, number="A", start=date(2011, 6, 30), end=date(2018, 12, 31))
    later = rule_at(world.province, number="B", start=date(2020, 1, 1))
    assert rule_in_force(world.cell, date(2019, 5, 1)) is None
    assert rule_in_force(world.cell, date(2020, 1, 1)) == later
    assert rule_in_force(world.cell, date(2010, 1, 1)) is None


def test_two_rules_of_one_organization_may_not_overlap_in_time(world):
    office = world.users["office"]
    services.attendance_rule_create(acting_user=office, organization=world.province, **RULE)
    with pytest.raises(ValidationError) as error:
        services.attendance_rule_create(
            acting_user=office,
            organization=world.province,
            **{**RULE, "number": "02-QĐ/TU", "effective_from": date(2019, 1, 1)},
        )
    assert "effective_from" in error.value.error_dict
    assert "trùng với quy định 01-QĐ/TU" in str(error.value)


def test_a_rule_ending_before_it_starts_is_refused_in_vietnamese(world):
    with pytest.raises(ValidationError, match="Ngày hết hiệu lực phải sau"):
        services.attendance_rule_create(
            acting_user=world.users["office"],
            organization=world.province,
            **{**RULE, "effective_to": date(2010, 1, 1)},
        )


@pytest.mark.parametrize("persona", ["secretary", "inspector", "committee_member", "outsider"])
def test_only_office_and_staff_of_the_subtree_write_rules(world, persona):
    with pytest.raises(PermissionDenied):
        services.attendance_rule_create(
            acting_user=world.users[persona], organization=world.province, **RULE
        )


def test_the_rule_pages_create_and_edit_a_rule(as_user, world):
    client = as_user("office")
    response = client.post(
        f"/sinh-hoat/quy-dinh/them/?org={world.province.pk}",
        {
            "number": "01-QĐ/TU",
            "title": "Quy định dự sinh hoạt",
            "issued_on": "30/06/2011",
            "issuing_body": "Ban Thường vụ Tỉnh ủy",
            "effective_from": "30/06/2011",
            "must_attend_outside_own_cell": "on",
            "quota_tinh": "2",
            "quota_huyen": "6",
            "quota_xa": "6",
        },
    )
    assert response.status_code == 302
    rule = rule_in_force(world.cell, date(2019, 3, 5))
    assert {q.level: q.min_attendances for q in rule.quotas.all()} == {
        "tinh": 2,
        "huyen": 6,
        "xa": 6,
    }
    detail = client.get(response["Location"])
    assert "01-QĐ/TU" in detail.content.decode()
    response = client.post(
        f"/sinh-hoat/quy-dinh/{rule.pk}/sua/",
        {
            "number": "01-QĐ/TU",
            "title": "Quy định dự sinh hoạt",
            "issued_on": "30/06/2011",
            "issuing_body": "Ban Thường vụ Tỉnh ủy",
            "effective_from": "30/06/2011",
            "effective_to": "01/01/2000",
            "quota_tinh": "3",
        },
    )
    assert response.status_code == 422
    assert "Ngày hết hiệu lực phải sau" in response.content.decode()
