"""The conference's minutes (biên bản hội nghị) and conclusion notice (thông báo kết luận) as
party documents (capuy.reports.documents), rendered to DOCX and PDF from the same rows."""

from __future__ import annotations

from capuy.committees.choices import CommitteeKind, SeatRole
from capuy.core.vntext import format_date, format_date_long, format_number
from capuy.organizations.choices import OrgKind
from capuy.reports.documents import Paragraph, PartyDocument, Table, render_docx, render_pdf

from . import selectors
from .choices import Session
from .models import Conference
from .services.conferences import holder_seats

_PLACE_WORDS = (
    ("Đảng bộ thành phố ", "Thành ủy ", "TU"),
    ("Đảng bộ thị xã ", "Thị ủy ", "ThU"),
    ("Đảng bộ huyện ", "Huyện ủy ", "HU"),
)


def issuer_of(organization) -> tuple[str, str, str]:
    """(parent line, issuing body, number suffix): ("Đảng bộ tỉnh Bắc Ninh", "Tỉnh ủy", "TU")."""
    name = organization.name
    if organization.kind == OrgKind.DANG_BO_TINH:
        return name, "Tỉnh ủy", "TU"
    step = type(organization).steplen
    parent = type(organization).objects.filter(path=organization.path[:-step]).first()
    parent_line = parent.name if parent is not None else name
    for prefix, body, suffix in _PLACE_WORDS:
        if name.startswith(prefix):
            return parent_line, body + name[len(prefix) :], suffix
    if name.startswith("Đảng bộ "):
        return parent_line, "Đảng ủy " + name[len("Đảng bộ ") :], "ĐU"
    return parent_line, name, "CB"


def _short_role(role: str, body: str) -> str:
    """ "Bí thư Tỉnh ủy", "Phó Bí thư Thường trực Tỉnh ủy", "Tỉnh ủy viên"."""
    if role == SeatRole.UY_VIEN_BCH:
        words = body.split()
        if words[0] in ("Tỉnh", "Huyện", "Thành", "Thị") and words[1] == "ủy":
            return f"{words[0]} ủy viên"
        return f"Ủy viên {body}"
    if role == SeatRole.UY_VIEN_BTV:
        return f"Ủy viên Ban Thường vụ {body}"
    return f"{SeatRole(role).label} {body}"


class ConferenceRecord:
    """Everything both documents say, read once."""

    def __init__(self, conference: Conference):
        self.conference = conference
        self.committee = conference.committee
        self.organization = conference.committee.term.organization
        self.parent_line, self.body, self.suffix = issuer_of(self.organization)
        self.rows = selectors.attendance_rows(conference)
        self.quorum = selectors.quorum_of(conference, self.rows)
        self.guests = list(conference.guests.all())
        self.agenda = list(selectors.flatten(selectors.agenda_tree(conference)))
        self.conclusions = list(
            conference.conclusions.filter(agenda_item__isnull=True).order_by("order", "id")
        )
        self.tasks = selectors.conference_tasks(conference)
        self.report_back = selectors.report_back(conference)
        seats = holder_seats(self.committee, conference.date)
        self.chairs = [
            (m, seats.get(m.pk)) for m in conference.chairs.order_by("sort_key", "id") if m
        ]

    @property
    def title(self) -> str:
        c = self.conference
        committee = "Ban Chấp hành" if self.committee.kind == CommitteeKind.BCH else "Ban Thường vụ"
        return f"Hội nghị lần thứ {c.number} {committee} {self.organization.name} khóa {self.committee.term.name}"

    def chair_text(self) -> str:
        parts = []
        for member, seat in self.chairs:
            role = _short_role(seat.role, self.body) if seat else ""
            parts.append(f"đồng chí {member.full_name}, {role}" if role else member.full_name)
        return "; ".join(parts)

    def signer(self) -> tuple[str, str]:
        if not self.chairs:
            return "", ""
        member, seat = self.chairs[0]
        return (SeatRole(seat.role).label if seat else ""), member.full_name

    def attendance_table(self) -> Table:
        rows = []
        for index, row in enumerate(self.rows, start=1):
            note = row.reason
            rows.append(
                [
                    index,
                    row.member.full_name,
                    row.seat.get_role_display(),
                    row.get_status_display(),
                    note,
                ]
            )
        return Table(
            title="DANH SÁCH ỦY VIÊN DỰ HỘI NGHỊ",
            header_rows=[["STT", "Họ và tên", "Chức vụ", "Điểm danh", "Ghi chú"]],
            rows=rows,
            col_widths=[1, 5, 4, 3, 4],
            numeric_cols={0},
            font_size=10,
        )

    def attendance_summary(self) -> str:
        q = self.quorum
        text = (
            f"Tổng số ủy viên {self.committee.get_kind_display()}: {format_number(q.total)} đồng "
            f"chí; có mặt {format_number(q.present)} đồng chí"
        )
        details = []
        if q.late:
            details.append(f"đến muộn {format_number(q.late)}")
        if q.left_early:
            details.append(f"về sớm {format_number(q.left_early)}")
        if details:
            text += f" ({', '.join(details)})"
        text += f"; vắng {format_number(q.absent)} đồng chí"
        if q.absent:
            text += (
                f" (có lý do {format_number(q.excused)}, không lý do {format_number(q.unexcused)})"
            )
        verdict = "đủ" if q.reached else "không đủ"
        text += (
            f". Hội nghị {verdict} số lượng ủy viên tham dự theo quy định (tối thiểu "
            f"{q.numerator}/{q.denominator}, tức {format_number(q.needed)} đồng chí)."
        )
        return text

    def guests_text(self) -> str:
        return "; ".join(str(g) for g in self.guests)

    def tasks_table(self, tasks, title: str, with_state: bool = False) -> Table:
        header = ["STT", "Nhiệm vụ", "Cơ quan chủ trì, phối hợp", "Thời hạn"]
        header.append("Tình trạng" if with_state else "Sản phẩm")
        rows = []
        for index, task in enumerate(tasks, start=1):
            agencies = ", ".join(
                f"{a.agency.name}{' (chủ trì)' if a.lead else ''}" for a in task.assignments.all()
            )
            last = task.get_state_display() if with_state else task.expected_product
            if with_state and task.completed_on:
                last += f" ngày {format_date(task.completed_on)}"
            rows.append([index, task.title, agencies, format_date(task.due_on), last])
        return Table(
            title=title,
            header_rows=[header],
            rows=rows,
            col_widths=[1, 6, 5, 2.5, 3.5],
            numeric_cols={0},
            font_size=10,
        )


def _agenda_paragraphs(record: ConferenceRecord, *, with_discussion: bool) -> list:
    blocks = []
    for node, _depth in record.agenda:
        item = node.item
        line = f"{node.number}. {item.title}"
        if item.presenter is not None:
            line += f" — đồng chí {item.presenter.full_name}"
            if item.presenter_title:
                line += f", {item.presenter_title}"
            line += " trình bày"
        blocks.append(Paragraph(line + ".", bold=True, indent=False))
        documents = list(item.documents.all())
        if documents:
            names = "; ".join(d.name for d in documents)
            blocks.append(Paragraph(f"Tài liệu: {names}.", italic=True))
        if with_discussion and item.discussion:
            blocks.append(Paragraph(f"Thảo luận: {item.discussion}"))
        for conclusion in item.conclusions.all():
            blocks.append(Paragraph(f"Kết luận: {conclusion.text}"))
    return blocks


def _conclusion_paragraphs(record: ConferenceRecord) -> list:
    blocks = [Paragraph(p) for p in record.conference.conclusion.splitlines() if p.strip()]
    for index, conclusion in enumerate(record.conclusions, start=1):
        blocks.append(Paragraph(f"{index}. {conclusion.text}"))
    return blocks


def minutes(conference: Conference) -> PartyDocument:
    """Biên bản hội nghị."""
    r = ConferenceRecord(conference)
    c = conference
    blocks = [
        Paragraph(f"Thời gian: {_session_text(c)}, {format_date_long(c.date)}."),
        Paragraph(f"Địa điểm: {c.place}."),
        Paragraph(f"Chủ trì: {r.chair_text() or 'chưa ghi'}."),
    ]
    if c.minutes_taker:
        blocks.append(Paragraph(f"Thư ký hội nghị: {c.minutes_taker}."))
    blocks += [Paragraph("I. THÀNH PHẦN", heading=True), Paragraph(r.attendance_summary())]
    if r.guests:
        blocks.append(Paragraph(f"Khách mời: {r.guests_text()}."))
    blocks.append(r.attendance_table())
    blocks.append(Paragraph("II. NỘI DUNG", heading=True))
    blocks += _agenda_paragraphs(r, with_discussion=True)
    if r.report_back.previous is not None and (r.report_back.open or r.report_back.completed):
        blocks.append(
            Paragraph(
                f"Kết quả thực hiện nhiệm vụ từ các hội nghị trước (từ hội nghị lần thứ "
                f"{r.report_back.previous.number}):",
                bold=True,
                indent=False,
            )
        )
        if r.report_back.completed:
            blocks.append(r.tasks_table(r.report_back.completed, "ĐÃ HOÀN THÀNH", True))
        if r.report_back.open:
            blocks.append(r.tasks_table(r.report_back.open, "CHƯA HOÀN THÀNH, CHUYỂN TIẾP", True))
    blocks.append(Paragraph("III. KẾT LUẬN CỦA HỘI NGHỊ", heading=True))
    blocks += _conclusion_paragraphs(r)
    if r.tasks:
        blocks.append(Paragraph("IV. NHIỆM VỤ GIAO", heading=True))
        blocks.append(r.tasks_table(r.tasks, ""))
    title, name = r.signer()
    return PartyDocument(
        parent_body=r.parent_line,
        issuer=r.body,
        number=f"Số      -BB/{r.suffix}",
        place=_place_of(r.organization),
        day=c.date,
        kind="Biên bản",
        summary=r.title,
        blocks=blocks,
        signer_authority="Chủ trì hội nghị",
        signer_title=title,
        signer_name=name,
        recipients=[f"Lưu Văn phòng {r.body}"],
    )


def notice(conference: Conference) -> PartyDocument:
    """Thông báo kết luận của đồng chí chủ trì hội nghị."""
    r = ConferenceRecord(conference)
    c = conference
    title, name = r.signer()
    chair_role = f"{title} {r.body}" if title else r.body
    heard = "; ".join(node.item.title for node, depth in r.agenda if depth == 0)
    blocks = [
        Paragraph(
            f"{format_date_long(c.date).capitalize()}, {r.committee.get_kind_display()} "
            f"{r.organization.name} khóa {r.committee.term.name} tổ chức hội nghị lần thứ "
            f"{c.number} tại {c.place}. Chủ trì hội nghị: {r.chair_text() or 'chưa ghi'}."
        ),
        Paragraph(r.attendance_summary()),
    ]
    if heard:
        blocks.append(
            Paragraph(
                f"Sau khi nghe trình bày: {heard}; ý kiến thảo luận của các đại biểu, đồng chí "
                f"{chair_role} kết luận như sau:"
            )
        )
    blocks += _conclusion_paragraphs(r)
    for node, _depth in r.agenda:
        for conclusion in node.item.conclusions.all():
            blocks.append(
                Paragraph(
                    f"Về {node.item.title[:1].lower()}{node.item.title[1:]}: {conclusion.text}"
                )
            )
    if r.tasks:
        blocks.append(r.tasks_table(r.tasks, "NHIỆM VỤ GIAO CÁC CƠ QUAN"))
    blocks.append(r.attendance_table())
    recipients = [f"Các đồng chí ủy viên {r.committee.get_kind_display()}"]
    recipients += sorted({a.agency.name for t in r.tasks for a in t.assignments.all()})
    recipients.append(f"Lưu Văn phòng {r.body}")
    authority = (
        "T/M Ban Chấp hành" if r.committee.kind == CommitteeKind.BCH else "T/M Ban Thường vụ"
    )
    return PartyDocument(
        parent_body=r.parent_line,
        issuer=r.body,
        number=f"Số {c.notice_number}" if c.notice_number else f"Số      -TB/{r.suffix}",
        place=_place_of(r.organization),
        day=c.date,
        kind="Thông báo",
        summary=f"kết luận của đồng chí {chair_role} tại {r.title[:1].lower()}{r.title[1:]}",
        blocks=blocks,
        signer_authority=authority,
        signer_title=title,
        signer_name=name,
        recipients=recipients,
    )


def _session_text(conference: Conference) -> str:
    if conference.session == Session.CA_NGAY:
        return "cả ngày"
    return f"buổi {conference.get_session_display().lower()}"


def _place_of(organization) -> str:
    """The place named in the date line: the province's name ("Bắc Ninh")."""
    step = type(organization).steplen
    root = type(organization).objects.filter(path=organization.path[:step]).first() or organization
    for prefix in ("Đảng bộ tỉnh ", "Đảng bộ thành phố "):
        if root.name.startswith(prefix):
            return root.name[len(prefix) :]
    return root.name


DOCUMENTS = {"bien-ban": minutes, "thong-bao-ket-luan": notice}
RENDERERS = {"docx": render_docx, "pdf": render_pdf}
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def render(conference: Conference, which: str, fmt: str) -> tuple[bytes, str]:
    """(file bytes, file name) of one document in one format."""
    document = DOCUMENTS[which](conference)
    return RENDERERS[fmt](document), f"{which}-hoi-nghi-lan-thu-{conference.number}.{fmt}"
