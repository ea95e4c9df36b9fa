"""Builders for conference tests (unit, API, browser and the route sweep).

``seat_the_committee`` gives the persona world's provincial BCH a secretary, a deputy and one
more member besides its existing seat, and one member whose seat ended before 2020 (who must
not be listed); ``province_agencies`` adds the three provincial bodies of the seed article and
the district as an agency (so the district's staff are "an agency's people").
"""

from __future__ import annotations

from datetime import date

from django.core.files.base import ContentFile

from capuy.committees.choices import SeatRole
from capuy.committees.models import Committee, Seat
from capuy.core.testing import World, member_in

from .choices import AgencyKind, Session
from .models import (
    AgendaDocument,
    AgendaItem,
    Agency,
    AssignedTask,
    Conclusion,
    Conference,
    ConferenceAttendance,
    ConferenceGuest,
    TaskAssignment,
    TaskEvent,
    TaskProgress,
)

DAY = date(2020, 3, 25)
# The smallest valid file of each accepted kind, for upload tests.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504


def zip_document(kind: str) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if kind == "docx":
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<w:document/>")
        elif kind == "xlsx":
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/workbook.xml", "<workbook/>")
        elif kind == "odt":
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            archive.writestr("content.xml", "<office:document-content/>")
        else:
            archive.writestr("readme.txt", "không phải tài liệu")
    return buffer.getvalue()


def seat_the_committee(world: World) -> dict:
    """Seats on the provincial BCH XIX on 25/3/2020: the secretary (Hùng), a deputy (Lan), Tuấn
    (already there), An; and Cường, whose seat ended in 2018."""
    start = world.term.start_on
    seats = {
        "hung": Seat.objects.create(
            committee=world.bch, member=world.members["hung"], role=SeatRole.BI_THU, start_on=start
        ),
        "lan": Seat.objects.create(
            committee=world.bch,
            member=world.members["lan"],
            role=SeatRole.PHO_BI_THU,
            start_on=start,
        ),
        "tuan": world.seat,
        "an": Seat.objects.create(
            committee=world.bch,
            member=world.members["an"],
            role=SeatRole.UY_VIEN_BCH,
            start_on=start,
        ),
    }
    former = member_in(world.cell, "Vũ", "Mạnh", "Cường")
    world.members["cuong"] = former
    Seat.objects.create(
        committee=world.bch,
        member=former,
        role=SeatRole.UY_VIEN_BCH,
        start_on=start,
        end_on=date(2018, 6, 30),
    )
    return seats


def province_agencies(world: World) -> dict[str, Agency]:
    owner = world.province
    return {
        "btc": Agency.objects.create(owner=owner, name="Ban Tổ chức Tỉnh ủy"),
        "btg": Agency.objects.create(owner=owner, name="Ban Tuyên giáo Tỉnh ủy"),
        "vp": Agency.objects.create(owner=owner, name="Văn phòng Tỉnh ủy"),
        "district": Agency.objects.create(
            owner=owner,
            name="Huyện ủy An Bình",
            kind=AgencyKind.TO_CHUC_DANG,
            organization=world.district,
        ),
    }


def sweep_rows(label: str, committee: Committee, member, agency_organization=None) -> None:
    """One conference of ``committee`` with a row of every conference model, each carrying
    ``label`` in its text, for the route sweep. ``member`` gets a seat if it has none."""
    organization = committee.term.organization
    day = max(committee.term.start_on, date(2020, 10, 15))
    seat = Seat.objects.filter(committee=committee, member=member).first()
    if seat is None:
        seat = Seat.objects.create(
            committee=committee, member=member, role=SeatRole.UY_VIEN_BCH, start_on=day
        )
    day = max(day, seat.start_on)
    conference = Conference.objects.create(
        committee=committee, number=1, date=day, session=Session.SANG, place=f"Hội trường {label}"
    )
    conference.chairs.set([member])
    ConferenceAttendance.objects.create(conference=conference, member=member, seat=seat)
    ConferenceGuest.objects.create(conference=conference, name=f"Khách {label}", title="Khách mời")
    item = AgendaItem.objects.create(conference=conference, title=f"Báo cáo {label}")
    AgendaDocument.objects.create(
        item=item,
        file=ContentFile(PDF, name=f"tai-lieu-{label}.pdf"),
        name=f"Tài liệu {label}.pdf",
        kind="pdf",
        size=len(PDF),
    )
    conclusion = Conclusion.objects.create(
        conference=conference, agenda_item=item, text=f"Kết luận {label}"
    )
    agency = Agency.objects.create(
        owner=organization, name=f"Cơ quan {label}", organization=agency_organization
    )
    task = AssignedTask.objects.create(
        conference=conference,
        conclusion=conclusion,
        title=f"Nhiệm vụ {label}",
        expected_product=f"Sản phẩm {label}",
        due_on=date(2030, 1, 1),
    )
    TaskAssignment.objects.create(task=task, agency=agency, lead=True)
    progress = TaskProgress.objects.create(
        task=task,
        agency=agency,
        reported_on=day,
        percent=10,
        note=f"Tiến độ {label}",
        file=ContentFile(PDF, name=f"bao-cao-{label}.pdf"),
        file_name=f"Báo cáo tiến độ {label}.pdf",
        file_kind="pdf",
        file_size=len(PDF),
    )
    TaskEvent.objects.create(
        task=task, kind="tien_do", to_state="giao", percent=10, note=f"Diễn biến {label}",
        progress=progress,
    )
