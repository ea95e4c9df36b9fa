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
    Agency,
    AgendaDocument,
    AgendaItem,
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


def sweep_rows(place) -> None:
    """Rows of every conference model at one place of the route sweep
    (tests/test_scope_sweep.py): a conference of the place's committee with attendance, a
    guest, an agenda item with a document, a conclusion, an agency and a task with a progress
    report and an event, every text carrying the place's label.

    The agency's own organization is the first cell under the place, so a cell's people read
    the tasks of the committee above them (``AgencyReachQuerySet``) without changing them.
    """
    from capuy.organizations.choices import CELL_KINDS
    from capuy.organizations.models import Organization

    org, member, label = place.org, place.member, place.label
    committee = Committee.objects.filter(term__organization=org).order_by("pk").first()
    seat = Seat.objects.filter(committee=committee, member=member).first()
    day = max(seat.start_on, date(2020, 12, 1))
    conference = Conference.objects.create(
        committee=committee, number=1, date=day, session=Session.SANG, place=f"Phòng họp {label}"
    )
    conference.chairs.set([member])
    ConferenceAttendance.objects.create(conference=conference, member=member, seat=seat)
    ConferenceGuest.objects.create(conference=conference, name=f"Khách {label}", title="Khách mời")
    item = AgendaItem.objects.create(conference=conference, title=f"Báo cáo {label}")
    AgendaDocument.objects.create(
        item=item,
        file=ContentFile(PDF, name=f"{label}.pdf"),
        name=f"Tài liệu {label}.pdf",
        kind="pdf",
        size=len(PDF),
    )
    conclusion = Conclusion.objects.create(
        conference=conference, agenda_item=item, text=f"Kết luận {label}"
    )
    cell = (
        Organization.objects.filter(path__startswith=org.path, kind__in=CELL_KINDS)
        .exclude(pk=org.pk)
        .order_by("path")
        .first()
    )
    agency = Agency.objects.create(owner=org, name=f"Cơ quan {label}", organization=cell)
    task = AssignedTask.objects.create(
        conference=conference,
        conclusion=conclusion,
        title=f"Nhiệm vụ {label}",
        expected_product=f"Sản phẩm {label}",
        due_on=date(2030, 1, 1),
        state="dang_thuc_hien",
        percent_done=10,
    )
    TaskAssignment.objects.create(task=task, agency=agency, lead=True)
    progress = TaskProgress.objects.create(
        task=task,
        agency=agency,
        reported_on=day,
        percent=10,
        note=f"Tiến độ {label}",
        file=ContentFile(PDF, name=f"{label}.pdf"),
        file_name=f"Báo cáo tiến độ {label}.pdf",
        file_kind="pdf",
        file_size=len(PDF),
    )
    TaskEvent.objects.create(
        task=task,
        kind="tien_do",
        to_state="dang_thuc_hien",
        percent=10,
        note=f"Diễn biến {label}",
        progress=progress,
    )
