"""The demo's conferences 32 and 33 of the provincial BCH, term XIX (seed article facts 1, 8)."""

from datetime import date
from io import BytesIO

import pytest
from django.db import transaction

from capuy.committees.choices import SeatRole
from capuy.conferences import documents, selectors
from capuy.conferences.choices import AttendanceStatus, Session, TaskState
from capuy.demo import province
from capuy.demo.conferences import build_conference_demo
from capuy.demo.names import is_forbidden


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test import override_settings

    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        summary = province.build_demo(members=province.MIN_MEMBERS)
        yield build_conference_demo(root=summary.root)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_conference_32_is_chaired_by_the_provincial_secretary(demo):
    conference = demo.conference
    assert (conference.number, conference.date, conference.session) == (
        32,
        date(2020, 3, 25),
        Session.SANG,
    )
    assert conference.committee.term.name == "XIX"
    chair = conference.chairs.get()
    seat = conference.attendances.get(member=chair).seat
    assert seat.role == SeatRole.BI_THU
    assert not is_forbidden(chair.full_name)


@pytest.mark.django_db
def test_attendance_comes_from_the_seats_with_absentees_marked(demo):
    conference = demo.conference
    rows = selectors.attendance_rows(conference)
    assert len(rows) == 50  # the provincial BCH of term XIX
    quorum = selectors.quorum_of(conference, rows)
    assert (quorum.excused, quorum.late, quorum.present, quorum.reached) == (2, 1, 48, True)
    assert all(r.reason for r in rows if r.status == AttendanceStatus.VANG_CO_LY_DO)


@pytest.mark.django_db
def test_the_two_reports_of_ban_to_chuc_are_heard_with_their_documents(demo):
    top = selectors.agenda_tree(demo.conference)
    assert [n.number for n in top] == ["1", "2"]
    assert "kiểm điểm, đánh giá, xếp loại" in top[0].item.title
    assert "Quy định 01-QĐ/TU" in top[1].item.title
    assert [c.number for c in top[0].children] == ["1.1", "1.2"]
    for node in top:
        document = node.item.documents.get()
        assert document.kind == "pdf" and document.file.name.startswith("hoi-nghi/")


@pytest.mark.django_db
def test_the_conclusion_gives_the_three_bodies_their_tasks(demo):
    review, rule, covid = demo.tasks
    agencies = {a.agency.name for a in review.assignments.all()}
    assert agencies == {"Ban Tổ chức Tỉnh ủy", "Ban Tuyên giáo Tỉnh ủy", "Văn phòng Tỉnh ủy"}
    assert review.assignments.get(lead=True).agency.name == "Ban Tổ chức Tỉnh ủy"
    for task in demo.tasks:
        task.refresh_from_db()
    assert review.state == TaskState.HOAN_THANH and review.completed_on == date(2020, 4, 8)
    assert rule.state == TaskState.HOAN_THANH and rule.carried_to == demo.next_conference
    assert covid.state == TaskState.QUA_HAN
    assert demo.agencies["Ban Tổ chức Tỉnh ủy"].organization is not None


@pytest.mark.django_db
def test_conference_33_reports_back(demo):
    back = selectors.report_back(demo.next_conference)
    review, rule, covid = demo.tasks
    assert back.previous == demo.conference
    assert [t.pk for t in back.completed] == [review.pk]
    assert [t.pk for t in back.open] == [rule.pk, covid.pk]


@pytest.mark.django_db
def test_the_demo_notice_reads_back(demo):
    from pypdf import PdfReader

    data, _name = documents.render(demo.conference, "thong-bao-ket-luan", "pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(BytesIO(data)).pages).split())
    assert "ĐẢNG BỘ TỈNH BẮC NINH" in text and "Số 245-TB/TU" in text
    assert "Bắc Ninh, ngày 25 tháng 3 năm 2020" in text
    assert "Ban Tổ chức Tỉnh ủy (chủ trì)" in text
