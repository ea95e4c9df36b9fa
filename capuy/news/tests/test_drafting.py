from datetime import date

import pytest
from django.urls import reverse

from capuy.campaigns import services as campaign_services
from capuy.committees.choices import SeatRole
from capuy.committees.models import Seat
from capuy.conferences.models import (
    AgendaItem,
    Conference,
    ConferenceAttendance,
)
from capuy.meetings.models import Attendance, AttendanceRule, CellMeeting
from capuy.news import services
from capuy.news.drafting import news_draft_from_conference
from capuy.news.models import NewsItem
from capuy.organizations.choices import SeatLevel

DAY = date(2020, 3, 25)


def seat(world, member, role):
    return Seat.objects.create(
        committee=world.bch, member=member, role=role, start_on=date(2015, 10, 15)
    )


def attendances(world, level: str, count: int, *, year=2019, status="recorded"):
    """``count`` recorded attendances at ``level`` in ``year`` (one meeting each)."""
    rows = []
    for n in range(count):
        meeting, _ = CellMeeting.objects.get_or_create(
            cell=world.cell, date=date(year, 1 + n % 12, 1 + n // 12), kind="thuong_ky"
        )
        rows.append(
            Attendance(
                meeting=meeting,
                member=world.members[
                    "hung" if status != "recorded" else "tuan" if level == SeatLevel.TINH else "lan"
                ],
                seat=world.seat,
                level=level,
                date=meeting.date,
                cell_path=world.cell.path,
                status=status,
                entered_via="office",
            )
        )
    Attendance.objects.bulk_create(rows)


@pytest.fixture
def conference(world):
    secretary = seat(world, world.members["hung"], SeatRole.BI_THU)
    deputy = seat(world, world.members["an"], SeatRole.PHO_BI_THU_THUONG_TRUC)
    head = world.members["lan"]
    conference = Conference.objects.create(
        committee=world.bch,
        number=32,
        date=DAY,
        session="sang",
        place="",
        conclusion=(
            "Giao Ban Tổ chức Tỉnh ủy, Ban Tuyên giáo Tỉnh ủy, Văn phòng Tỉnh ủy tiếp thu các ý "
            "kiến, bổ sung, hoàn thiện báo cáo theo quy định."
        ),
    )
    conference.chairs.add(world.members["hung"])
    ConferenceAttendance.objects.create(
        conference=conference, member=world.members["hung"], seat=secretary, status="co_mat"
    )
    ConferenceAttendance.objects.create(
        conference=conference, member=world.members["an"], seat=deputy, status="co_mat"
    )
    AgendaItem.objects.create(
        conference=conference,
        order=1,
        title="Báo cáo kết quả kiểm điểm, đánh giá, xếp loại chất lượng tổ chức Đảng, đảng viên năm 2019",
        presenter=head,
        presenter_title="Trưởng Ban Tổ chức Tỉnh ủy",
    )
    AgendaItem.objects.create(
        conference=conference,
        order=2,
        title="Báo cáo kết quả thực hiện Quy định số 01-QĐ/TU năm 2019",
        presenter=head,
        presenter_title="Trưởng Ban Tổ chức Tỉnh ủy",
        discussion="Thảo luận tại Hội nghị, các đại biểu đề nghị sắp xếp luân phiên lãnh đạo tỉnh.",
    )
    return conference


def test_the_draft_reads_like_the_paper_and_takes_its_figures_from_rows(world, conference):
    attendances(world, SeatLevel.TINH, 7)
    attendances(world, SeatLevel.HUYEN, 5)
    attendances(world, SeatLevel.TINH, 3, year=2020)  # another year
    attendances(world, SeatLevel.HUYEN, 2, status="planned")  # planned, not held
    AttendanceRule.objects.create(
        organization=world.province,
        number="01-QĐ/TU",
        title="Quy định về việc Tỉnh ủy viên dự sinh hoạt chi bộ",
        issued_on=date(2011, 6, 30),
        issuing_body="Ban Thường vụ Tỉnh ủy",
        effective_from=date(2011, 6, 30),
    )
    draft = news_draft_from_conference(conference)
    assert draft.title == "Hội nghị lần thứ 32 Ban Chấp hành Đảng bộ tỉnh khóa XIX"
    assert draft.lead == (
        "Sáng 25/3, dưới sự chủ trì của đồng chí Nguyễn Văn Hùng, Bí thư Tỉnh ủy, Ban Chấp hành "
        "Đảng bộ tỉnh khóa XIX tổ chức Hội nghị lần thứ 32."
    )
    body = draft.body
    assert "Cùng dự có các đồng chí: Phạm Thị An, Phó Bí thư Thường trực Tỉnh ủy." in body
    assert (
        "Hội nghị đã nghe Trưởng Ban Tổ chức Tỉnh ủy Trần Thị Lan báo cáo kết quả kiểm điểm" in body
    )
    assert "; kết quả thực hiện Quy định số 01-QĐ/TU năm 2019." in body
    assert "Tỉnh ủy viên đã có 7 lượt đi dự sinh hoạt chi bộ" in body
    assert "cấp huyện và tương đương có 5 lượt đi dự sinh hoạt chi bộ" in body
    assert "Quy định số 01-QĐ/TU của Ban Thường vụ Tỉnh ủy" in body
    assert "sắp xếp luân phiên" in body
    assert "Phát biểu kết luận Hội nghị, Bí thư Tỉnh ủy Nguyễn Văn Hùng giao Ban Tổ chức" in body


def test_the_draft_states_the_campaign_response_with_the_days_money(world, conference):
    campaign = campaign_services.campaign_create(
        acting_user=world.users["office"],
        organization=world.province,
        title="Ủng hộ phòng, chống dịch Covid-19 và đồng bào bị ảnh hưởng hạn hán, xâm nhập mặn",
        launched_by="Ủy ban Trung ương MTTQ Việt Nam",
        purpose="x",
        start_on=DAY,
    )
    for member, amount in ((world.members["hung"], 5_000_000), (world.members["an"], 3_000_000)):
        campaign_services.contribution_record(
            acting_user=world.users["office"],
            campaign=campaign,
            member=member,
            amount=amount,
            received_on=DAY,
        )
    body = news_draft_from_conference(conference).body
    assert (
        "Cũng tại Hội nghị, Ban Chấp hành Đảng bộ tỉnh hưởng ứng tham gia ủng hộ phòng, chống dịch "
        "Covid-19 và đồng bào bị ảnh hưởng hạn hán, xâm nhập mặn do Ủy ban Trung ương MTTQ Việt "
        "Nam phát động." in body
    )
    assert "Ngay tại Hội nghị, 2 đồng chí đã ủng hộ 8.000.000 đồng." in body


def test_a_conclusion_that_does_not_open_with_a_verb_is_quoted(world, conference):
    conference.conclusion = "Hội nghị cơ bản nhất trí với các báo cáo."
    conference.save()
    body = news_draft_from_conference(conference).body
    assert (
        "Phát biểu kết luận Hội nghị, Bí thư Tỉnh ủy Nguyễn Văn Hùng nêu rõ: Hội nghị cơ bản "
        "nhất trí với các báo cáo." in body
    )


def test_no_figure_is_invented_when_there_are_no_rows(world, conference):
    body = news_draft_from_conference(conference).body
    assert "lượt đi dự sinh hoạt chi bộ" not in body


def test_the_office_drafts_from_a_conference_and_edits_before_publishing(
    world, conference, as_user
):
    client = as_user("office")
    response = client.post(
        reverse("news:draft_from_conference"),
        {"conference": conference.pk, "author_initials": "S.T"},
    )
    item = NewsItem.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "news:edit", args=[item.pk]
    )
    assert item.status == "draft" and item.source_conference_id == conference.pk
    assert item.events.get().kind == "drafted"
    services.news_publish(acting_user=world.users["office"], item=item)


def test_a_conference_outside_scope_cannot_be_drafted(world, conference, as_user):
    response = as_user("outsider").post(
        reverse("news:draft_from_conference"), {"conference": conference.pk}
    )
    assert response.status_code == 422
    assert not NewsItem.objects.exists()
