"""The demo's conferences (seed article, facts 1, 2, 3 and 8): the 32nd conference of the
provincial Executive Committee, term XIX, on the morning of 25/3/2020, chaired by the provincial
secretary, hearing the Organization Committee's reports on the 2019 review and on Regulation
01-QĐ/TU; the secretary's conclusion gives Ban Tổ chức, Ban Tuyên giáo and Văn phòng Tỉnh ủy
the task of finalizing the reports; the 33rd conference reports back on them.

The people are the demo's generated seat holders, looked up by post (no names are typed); every
row goes through ``capuy.conferences.services``. The reports' own figures (218, 1.532…) live in
the reports capuy computes from rows, so the documents attached here carry none.

Call after ``province.build_demo`` (inside the same transaction or after it)::

    from capuy.demo.conferences import build_conference_demo
    build_conference_demo(root=summary.root)
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from capuy.committees.choices import CommitteeKind, SeatRole
from capuy.committees.models import Committee, Seat
from capuy.conferences import services
from capuy.conferences.choices import AgencyKind, AttendanceStatus, ConferenceKind, Session
from capuy.conferences.models import Agency, AssignedTask, Conference
from capuy.organizations.models import Organization
from capuy.reports.documents import Paragraph, PartyDocument, render_pdf

from .names import NameGenerator

DAY_32 = date(2020, 3, 25)
DAY_33 = date(2020, 5, 12)
PLACE = "Hội trường Tỉnh ủy (dữ liệu mẫu)"
REVIEW_REPORT = (
    "Báo cáo kết quả kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng, đảng viên và tập "
    "thể, cá nhân cán bộ lãnh đạo, quản lý các cấp năm 2019"
)
RULE_REPORT = (
    "Báo cáo kết quả thực hiện Quy định 01-QĐ/TU ngày 30/6/2011 của Ban Thường vụ Tỉnh ủy về "
    "cấp ủy viên các cấp đi cơ sở, dự sinh hoạt chi bộ năm 2019"
)
# The bodies of the provincial committee that conferences give tasks to, and the party
# organization each one's people belong to in the demo tree (bacninh._PARTY_AGENCIES).
AGENCIES = (
    "Ban Tổ chức Tỉnh ủy",
    "Ban Tuyên giáo Tỉnh ủy",
    "Văn phòng Tỉnh ủy",
    "Ban Dân vận Tỉnh ủy",
    "Ban Nội chính Tỉnh ủy",
)


@dataclass
class ConferenceDemo:
    conference: Conference
    next_conference: Conference
    tasks: list[AssignedTask]
    agencies: dict[str, Agency]


def _system_actor():
    """Acts everywhere (the demo builder), records no user on the rows."""
    return SimpleNamespace(pk=None, is_authenticated=True, is_active=True, is_superuser=True)


def _office_user():
    return (
        get_user_model()
        .objects.filter(username="vanphong", email__endswith="@demo.capuy.invalid")
        .first()
    )


def _seats(committee: Committee, day: date) -> list[Seat]:
    seats = Seat.objects.filter(committee=committee).held_on(day).select_related("member")
    return sorted(seats, key=lambda s: (SeatRole.values.index(s.role), s.member.sort_key))


def _agency_organization(root: Organization, name: str) -> Organization | None:
    """The body's own party organization (its chi bộ or đảng bộ) in the 2019 tree."""
    return (
        Organization.objects.filter(
            path__startswith=root.path, name__in=[f"Chi bộ {name}", f"Đảng bộ {name}"]
        )
        .order_by("path")
        .first()
    )


def _report_pdf(title: str, number: str) -> SimpleUploadedFile:
    document = PartyDocument(
        parent_body="Đảng bộ tỉnh Bắc Ninh",
        issuer="Tỉnh ủy",
        number=number,
        place="Bắc Ninh",
        day=date(2020, 3, 20),
        kind="Báo cáo",
        summary=title[len("Báo cáo ") :],
        blocks=[
            Paragraph("Dự thảo trình Hội nghị lần thứ 32 Ban Chấp hành Đảng bộ tỉnh (dữ liệu mẫu).")
        ],
        signer_authority="T/M Ban Thường vụ",
        signer_title="Phó Bí thư",
    )
    return SimpleUploadedFile(f"Dự thảo {title[:80]}.pdf", render_pdf(document))


def build_conference_demo(
    *, root: Organization, acting_user=None, seed: int = 2020
) -> ConferenceDemo:
    """Conferences 32 and 33 of the provincial BCH, term XIX, with their tasks."""
    actor = acting_user or _office_user() or _system_actor()
    names = NameGenerator(random.Random(f"{seed}:conference"))
    committee = Committee.objects.select_related("term").get(
        term__organization=root, term__name="XIX", kind=CommitteeKind.BCH
    )
    seats = _seats(committee, DAY_32)
    secretary = next(s for s in seats if s.role == SeatRole.BI_THU)
    standing = [s for s in seats if s.role == SeatRole.UY_VIEN_BTV]
    organizer = standing[0]  # reads the Organization Committee's reports

    agencies = {
        name: services.agency_create(
            acting_user=actor,
            owner=root,
            name=name,
            kind=AgencyKind.CO_QUAN_THAM_MUU,
            organization=_agency_organization(root, name),
        )
        for name in AGENCIES
    }
    btc, btg, vp = (agencies[n] for n in AGENCIES[:3])

    ho, dem, ten = names.pick("nu")
    conference = services.conference_create(
        acting_user=actor,
        committee=committee,
        number=32,
        kind=ConferenceKind.THUONG_KY,
        date=DAY_32,
        session=Session.SANG,
        place=PLACE,
        chairs=[secretary.member],
        number_gap_reason="Các hội nghị lần thứ 1–31 của khóa XIX không có trong dữ liệu mẫu.",
        minutes_taker=f"{ho} {dem} {ten}",
        notice_number="245-TB/TU",
    )
    _mark_attendance(conference, seats, actor)
    for title in ("Phó Chủ tịch Ủy ban MTTQ tỉnh", "Phó Trưởng Ban Tuyên giáo Tỉnh ủy"):
        ho, dem, ten = names.pick("nam")
        services.guest_add(
            acting_user=actor, conference=conference, name=f"{ho} {dem} {ten}", title=title
        )

    review = services.agenda_item_create(
        acting_user=actor,
        conference=conference,
        title=REVIEW_REPORT,
        presenter=organizer.member,
        presenter_title="Ủy viên Ban Thường vụ, Trưởng Ban Tổ chức Tỉnh ủy",
        discussion=(
            "Các đại biểu đánh giá việc kiểm điểm năm 2019 được tiến hành chặt chẽ, khách quan; "
            "không có tập thể, cá nhân nào thuộc diện kiểm điểm mà không kiểm điểm; các cá nhân "
            "đều liên hệ với các biểu hiện suy thoái theo Nghị quyết Trung ương 4 khóa XII."
        ),
    )
    for part in (
        "Đối với tổ chức đảng và tập thể lãnh đạo, quản lý",
        "Đối với đảng viên và cá nhân cán bộ lãnh đạo, quản lý",
    ):
        services.agenda_item_create(
            acting_user=actor, conference=conference, title=part, parent=review
        )
    rule = services.agenda_item_create(
        acting_user=actor,
        conference=conference,
        title=RULE_REPORT,
        presenter=organizer.member,
        presenter_title="Ủy viên Ban Thường vụ, Trưởng Ban Tổ chức Tỉnh ủy",
        discussion=(
            "Qua dự sinh hoạt, cấp ủy viên nắm bắt tình hình, tâm tư, nguyện vọng của cán bộ, "
            "đảng viên và nhân dân; đề nghị luân phiên lãnh đạo tỉnh dự sinh hoạt ở những địa "
            "bàn còn khó khăn, phức tạp."
        ),
    )
    for item, number in ((review, "Số      -BC/TU"), (rule, "Số      -BC/TU")):
        services.agenda_document_add(
            acting_user=actor, item=item, upload=_report_pdf(item.title, number)
        )

    services.conference_update(
        acting_user=actor,
        conference=conference,
        conclusion=(
            "Sau khi nghe Ban Tổ chức Tỉnh ủy trình bày các báo cáo và ý kiến thảo luận của các "
            "đại biểu, đồng chí Bí thư Tỉnh ủy kết luận hội nghị."
        ),
    )
    finalize = services.conclusion_create(
        acting_user=actor,
        conference=conference,
        text=(
            "Hội nghị cơ bản nhất trí với các báo cáo. Giao Ban Tổ chức Tỉnh ủy chủ trì, phối "
            "hợp với Ban Tuyên giáo Tỉnh ủy, Văn phòng Tỉnh ủy tiếp thu ý kiến tham gia của các "
            "đại biểu, hoàn thiện các báo cáo."
        ),
    )
    focus = services.conclusion_create(
        acting_user=actor,
        conference=conference,
        text=(
            "Các cấp ủy, tổ chức đảng tập trung lãnh đạo thực hiện tốt công tác phòng, chống "
            "dịch Covid-19 và các nhiệm vụ phát triển kinh tế - xã hội năm 2020."
        ),
    )
    review_task = services.task_assign(
        acting_user=actor,
        conclusion=finalize,
        title="Tiếp thu ý kiến, hoàn thiện Báo cáo kết quả kiểm điểm, đánh giá, xếp loại năm 2019",
        agencies=[btc, btg, vp],
        due_on=date(2020, 4, 10),
        expected_product="Báo cáo hoàn chỉnh trình Ban Thường vụ Tỉnh ủy",
    )
    rule_task = services.task_assign(
        acting_user=actor,
        conclusion=finalize,
        title=(
            "Tiếp thu ý kiến, hoàn thiện Báo cáo kết quả thực hiện Quy định 01-QĐ/TU năm 2019; "
            "đề xuất luân phiên lãnh đạo tỉnh dự sinh hoạt ở địa bàn khó khăn, phức tạp"
        ),
        agencies=[btc, vp],
        due_on=date(2020, 4, 30),
        expected_product="Báo cáo hoàn chỉnh và kế hoạch luân phiên",
    )
    covid_task = services.task_assign(
        acting_user=actor,
        conclusion=focus,
        title="Tuyên truyền, định hướng dư luận về công tác phòng, chống dịch Covid-19",
        agencies=[btg],
        due_on=date(2020, 6, 30),
        expected_product="Kế hoạch và báo cáo kết quả tuyên truyền",
    )

    def report(task, agency, day, percent, note):
        services.task_report_progress(
            acting_user=actor, task=task, agency=agency, reported_on=day, percent=percent, note=note
        )

    report(review_task, btc, date(2020, 4, 1), 60, "Đã tổng hợp ý kiến của các đại biểu.")
    report(review_task, btg, date(2020, 4, 3), 80, "Đã góp ý phần tuyên truyền.")
    report(review_task, btc, date(2020, 4, 8), 100, "Đã trình Ban Thường vụ báo cáo hoàn chỉnh.")
    report(rule_task, btc, date(2020, 4, 28), 60, "Đang xây dựng kế hoạch luân phiên.")
    report(covid_task, btg, date(2020, 4, 30), 40, "Đã ban hành hướng dẫn tuyên truyền.")

    next_conference = services.conference_create(
        acting_user=actor,
        committee=committee,
        number=33,
        kind=ConferenceKind.THUONG_KY,
        date=DAY_33,
        session=Session.SANG,
        place=PLACE,
        chairs=[secretary.member],
    )
    services.agenda_item_create(
        acting_user=actor,
        conference=next_conference,
        title="Báo cáo kết quả thực hiện các nhiệm vụ theo kết luận Hội nghị lần thứ 32",
        presenter_title="Chánh Văn phòng Tỉnh ủy",
    )
    services.task_carry_over(
        acting_user=actor,
        task=rule_task,
        to_conference=next_conference,
        due_on=date(2020, 6, 30),
        note="Chờ ý kiến của các huyện ủy, thị ủy, thành ủy.",
    )
    report(rule_task, btc, date(2020, 6, 22), 100, "Đã ban hành kế hoạch luân phiên.")
    report(covid_task, btg, date(2020, 6, 25), 80, "Tiếp tục tuyên truyền đợt 2.")
    services.tasks_flag_overdue(today=date(2020, 7, 1))
    return ConferenceDemo(
        conference, next_conference, [review_task, rule_task, covid_task], agencies
    )


def _mark_attendance(conference: Conference, seats: list[Seat], actor) -> None:
    """Two members away with a reason, one late: the last ordinary members of the roll."""
    ordinary = [s for s in seats if s.role == SeatRole.UY_VIEN_BCH]
    marks = [
        (AttendanceStatus.VANG_CO_LY_DO, "Đi công tác theo phân công của Trung ương"),
        (AttendanceStatus.VANG_CO_LY_DO, "Điều trị bệnh"),
        (AttendanceStatus.DI_MUON, "Tiếp khách quốc tế"),
    ]
    for seat, (status, reason) in zip(ordinary[-len(marks) :], marks, strict=True):
        services.attendance_record(
            acting_user=actor,
            conference=conference,
            member=seat.member,
            status=status,
            reason=reason,
        )
