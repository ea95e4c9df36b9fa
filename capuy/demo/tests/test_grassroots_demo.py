"""The demo province's 2019 grassroots rows give the article's golden figures, from rows."""

import json
import random
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from capuy.committees.models import Seat
from capuy.concerns.choices import ConcernStatus
from capuy.concerns.models import Concern
from capuy.core.testing import sign_in
from capuy.demo import province
from capuy.demo.grassroots import HUYEN_2019, TINH_2019, build_grassroots_demo
from capuy.meetings.models import Attendance, CellMeeting
from capuy.organizations.choices import OrgKind


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Built once (small: 3.000 members) inside a transaction rolled back after the module."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        summary = province.build_demo(members=province.MIN_MEMBERS, seed=2019)
        grassroots = build_grassroots_demo(random.Random("2019:grassroots"), root=summary.root)
        yield summary, grassroots
        transaction.set_rollback(True)


def report_json(*args) -> dict:
    out = StringIO()
    call_command("report", "quy-dinh-01", "--year", "2019", *args, stdout=out)
    return json.loads(out.getvalue())


def attendances(data) -> dict:
    return {item["level"]: item["attendances"] for item in data["levels"]}


def test_the_2019_report_says_218_and_1532(demo, db):
    data = report_json()
    assert attendances(data) == {"tinh": 218, "huyen": 1532}
    assert [item["label"] for item in data["levels"]] == [
        "Tỉnh ủy viên",
        "Cấp ủy viên cấp huyện và tương đương",
    ]
    # All 2019 rows are confirmed, so counting only confirmed ones says the same.
    assert attendances(report_json("--confirmed-only")) == {"tinh": 218, "huyen": 1532}
    assert attendances(report_json("--org", "BN")) == {"tinh": 218, "huyen": 1532}


def test_the_figures_are_rows_by_members_holding_seats_of_that_level(demo, db):
    rows = Attendance.objects.filter(date__year=2019)
    assert (
        rows.filter(seat__committee__term__organization__kind=OrgKind.DANG_BO_TINH).count()
        == TINH_2019
    )
    assert (
        rows.filter(seat__committee__term__organization__kind=OrgKind.DANG_BO_HUYEN).count()
        == HUYEN_2019
    )
    for attendance in rows.select_related("seat", "meeting")[:200]:
        assert attendance.seat.is_held_on(attendance.meeting.date)
        assert attendance.date == attendance.meeting.date


def test_the_demo_holds_meetings_concerns_and_field_visits(demo, db):
    _summary, grassroots = demo
    assert grassroots.meetings > 12 * 1000  # every 2019 cell meets monthly
    assert CellMeeting.objects.filter(date__year=2019).count() == grassroots.meetings
    concerns = Concern.objects.filter(raised_on__year=2019)
    assert concerns.count() == grassroots.concerns > 300
    on_spot = concerns.filter(status=ConcernStatus.GIAI_QUYET_TAI_CHO).count()
    assert on_spot > concerns.count() / 3  # many resolved on the spot
    assert grassroots.field_visits > 0
    data = report_json()
    assert data["concerns"]["raised"] == grassroots.concerns
    assert data["concerns"]["on_spot"] == on_spot
    assert data["flagged"]["visited"] > 0


def test_one_more_attendance_through_the_api_makes_it_219(demo, db, client):
    summary, _grassroots = demo
    seat = (
        Seat.objects.filter(
            committee__term__organization=summary.root,
            committee__kind="bch",
            start_on__lte=date(2019, 1, 1),
            end_on__gte=date(2019, 12, 31),
        )
        .select_related("member")
        .first()
    )
    member = seat.member
    meeting = (
        CellMeeting.objects.filter(date__year=2019, cell__path__startswith=summary.root.path)
        .exclude(attendances__member=member)
        .exclude(cell__merged_into=member.cell_id)
        .order_by("pk")
        .first()
    )
    sign_in(client, get_user_model().objects.get(username="admin"))
    response = client.post(
        "/api/v1/attendances/",
        {"meeting": meeting.pk, "member": member.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["level"] == "tinh"

    assert attendances(report_json()) == {"tinh": 219, "huyen": 1532}
    api = client.get("/api/v1/reports/quy-dinh-01", {"year": 2019, "org": "BN"}).json()
    assert attendances(api) == {"tinh": 219, "huyen": 1532}
