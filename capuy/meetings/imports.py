"""Excel import of attendances (lượt dự sinh hoạt chi bộ).

One row = one committee member at one cell's meeting on one date. Every row is checked before
anything is saved (unknown cell or member, seat not held that day, the own-cell rule, duplicate
in the file or in the database, date outside the period or in the future); the errors come back
by row number and column name. Saving goes through the same services as the pages, in one
transaction: all rows or none.

The generic reading (limits, header detection, NFC, dates) is capuy.core.imports.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from capuy.committees.models import Seat
from capuy.core.imports import (
    Column,
    ImportFileError,
    RowErrors,
    cell_date,
    cell_text,
    first_sheet,
    iter_rows,
    normalise_header,
    open_workbook,
    write_template,
)
from capuy.core.vntext import format_date, search_key
from capuy.members.models import Member, MemberTransfer
from capuy.organizations.choices import CELL_KINDS
from capuy.organizations.models import Organization

from . import access, services
from .choices import AttendanceRole, AttendanceStatus, EnteredBy, MeetingKind, MeetingStatus
from .models import Attendance, AttendanceRule, CellMeeting
from .seats import member_cell_on, pick_seat, seat_label

DATE = Column(
    "date",
    gettext_lazy("Ngày sinh hoạt (dd/mm/yyyy)"),
    aliases=("Ngày sinh hoạt", "Ngày dự", "Ngày"),
    help=gettext_lazy("Ngày chi bộ họp, dạng dd/mm/yyyy (ví dụ 05/03/2019) hoặc ô kiểu ngày."),
    width=16,
)
CELL = Column(
    "cell_code",
    gettext_lazy("Mã chi bộ"),
    aliases=("Mã chi bộ được dự", "Mã tổ chức"),
    help=gettext_lazy("Mã của chi bộ trong capuy (xem ở trang tổ chức đảng)."),
    width=16,
)
CARD = Column(
    "card_number",
    gettext_lazy("Số thẻ đảng viên"),
    aliases=("Số thẻ",),
    required=False,
    help=gettext_lazy("Số thẻ đảng của cấp ủy viên; nếu không có thì ghi họ tên và ngày sinh."),
    width=16,
)
NAME = Column(
    "full_name",
    gettext_lazy("Họ và tên"),
    aliases=("Họ tên",),
    required=False,
    help=gettext_lazy("Họ và tên cấp ủy viên (dùng khi không ghi số thẻ)."),
    width=28,
)
BIRTH = Column(
    "birth_date",
    gettext_lazy("Ngày sinh (dd/mm/yyyy)"),
    aliases=("Ngày sinh",),
    required=False,
    help=gettext_lazy("Ngày sinh của cấp ủy viên (dùng cùng họ và tên)."),
    width=16,
)
ROLE = Column(
    "role",
    gettext_lazy("Vai trò"),
    required=False,
    help=gettext_lazy("«Dự» hoặc «Dự và chỉ đạo»; để trống là «Dự»."),
    width=16,
)
NOTES = Column("notes", gettext_lazy("Ghi chú"), required=False, width=30)
COLUMNS = [DATE, CELL, CARD, NAME, BIRTH, ROLE, NOTES]

_ROLES = {
    "": AttendanceRole.DU,
    "du": AttendanceRole.DU,
    "du va chi dao": AttendanceRole.CHI_DAO,
    "chi dao": AttendanceRole.CHI_DAO,
}


def template_bytes() -> bytes:
    return write_template(
        COLUMNS,
        title=_("DANH SÁCH LƯỢT DỰ SINH HOẠT CHI BỘ CỦA CẤP ỦY VIÊN"),
        sheet_title=_("Lượt dự"),
        examples=[
            ["05/03/2019", "H01-X01-C02", "01234567", "", "", _("Dự"), ""],
            [
                "05/03/2019",
                "H01-X01-C02",
                "",
                "Trần Minh Tuấn",
                "12/08/1968",
                _("Dự và chỉ đạo"),
                "",
            ],
        ],
        notes=[
            _("Mỗi dòng là một cấp ủy viên dự một buổi sinh hoạt của một chi bộ."),
            _("Xóa hai dòng ví dụ trước khi nhập. Có thể để dòng tiêu đề ở bất kỳ dòng nào."),
            _("Chức vụ (và cấp) được lấy theo chức vụ cấp ủy người đó giữ vào ngày sinh hoạt."),
            _("Tệp chỉ được lưu khi mọi dòng đều hợp lệ."),
        ],
    )


@dataclass
class ImportRow:
    number: int
    day: date
    cell: Organization
    member: Member
    seat: Seat
    role: str
    notes: str
    meeting: CellMeeting | None

    @property
    def seat_label(self) -> str:
        return seat_label(self.seat)

    @property
    def role_label(self) -> str:
        return AttendanceRole(self.role).label


@dataclass
class ImportCheck:
    rows: list[ImportRow] = field(default_factory=list)
    errors: RowErrors = field(default_factory=RowErrors)
    saved: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


@dataclass
class _Raw:
    number: int
    day: date | None
    cell_code: str
    card: str
    name: str
    birth: date | None
    role: str | None
    notes: str


def _parse(number: int, values: dict, errors: RowErrors, period: tuple[date, date]) -> _Raw:
    today = timezone.localdate()
    day = birth = None
    try:
        day = cell_date(values.get("date"))
    except ValueError as exc:
        errors.add(number, DATE, exc)
    else:
        if day is None:
            errors.add(number, DATE, _("Thiếu ngày sinh hoạt."))
        elif day > today:
            errors.add(number, DATE, _("Ngày %(d)s chưa tới.") % {"d": format_date(day)})
            day = None
        elif not period[0] <= day <= period[1]:
            errors.add(
                number,
                DATE,
                _("Ngày %(d)s nằm ngoài kỳ nhập (%(a)s – %(b)s).")
                % {"d": format_date(day), "a": format_date(period[0]), "b": format_date(period[1])},
            )
            day = None
    try:
        birth = cell_date(values.get("birth_date"))
    except ValueError as exc:
        errors.add(number, BIRTH, exc)
    raw_role = cell_text(values.get("role"))
    role = _ROLES.get(normalise_header(raw_role))
    if role is None:
        errors.add(
            number,
            ROLE,
            _("Vai trò «%(v)s» không hợp lệ: ghi «Dự» hoặc «Dự và chỉ đạo».") % {"v": raw_role},
        )
    cell_code = cell_text(values.get("cell_code"))
    if not cell_code:
        errors.add(number, CELL, _("Thiếu mã chi bộ."))
    card = cell_text(values.get("card_number"))
    name = cell_text(values.get("full_name"))
    if not card and not (name and birth):
        errors.add(number, CARD, _("Cần số thẻ đảng viên, hoặc họ và tên cùng ngày sinh."))
    return _Raw(number, day, cell_code, card, name, birth, role, cell_text(values.get("notes")))


class _Lookups:
    """Everything the rows refer to, fetched in a handful of queries."""

    def __init__(self, user, raws: list[_Raw]):
        codes = {r.cell_code for r in raws if r.cell_code}
        codes |= {code.upper() for code in codes}
        cells = Organization.objects.filter(code__in=codes, kind__in=CELL_KINDS)
        self.cells = {c.code: c for c in cells if access.may_run_cell(user, c)}
        self.cells_ci = {c.upper(): cell for c, cell in self.cells.items()}

        cards = {r.card for r in raws if r.card}
        self.by_card = {m.card_number: m for m in Member.objects.filter(card_number__in=cards)}
        keys = {search_key(r.name) for r in raws if r.name and not r.card}
        self.by_name: dict[tuple[str, date], list[Member]] = defaultdict(list)
        for member in Member.objects.filter(search_text__in=keys):
            self.by_name[(member.search_text, member.birth_date)].append(member)

        member_ids = {m.pk for m in self.by_card.values()} | {
            m.pk for ms in self.by_name.values() for m in ms
        }
        self.seats: dict[int, list[Seat]] = defaultdict(list)
        for seat in Seat.objects.filter(member_id__in=member_ids).select_related(
            "committee__term__organization"
        ):
            self.seats[seat.member_id].append(seat)
        self.transfers: dict[int, list[MemberTransfer]] = defaultdict(list)
        for move in MemberTransfer.objects.filter(member_id__in=member_ids):
            self.transfers[move.member_id].append(move)

        cell_ids = [c.pk for c in self.cells.values()]
        dates = {r.day for r in raws if r.day}
        self.meetings: dict[tuple[int, date], list[CellMeeting]] = defaultdict(list)
        for meeting in CellMeeting.objects.filter(cell_id__in=cell_ids, date__in=dates):
            self.meetings[(meeting.cell_id, meeting.date)].append(meeting)
        self.recorded: set[tuple[int, date, int]] = set(
            Attendance.objects.filter(
                meeting__cell_id__in=cell_ids,
                date__in=dates,
                member_id__in=member_ids,
                status=AttendanceStatus.RECORDED,
            ).values_list("meeting__cell_id", "date", "member_id")
        )
        paths = {p for c in self.cells.values() for p in c.ancestor_paths()}
        self.rules = list(
            AttendanceRule.objects.filter(organization__path__in=paths).select_related(
                "organization"
            )
        )

    def cell(self, code: str) -> Organization | None:
        return self.cells.get(code) or self.cells_ci.get(code.upper())

    def member(self, raw: _Raw) -> tuple[Member | None, str]:
        if raw.card:
            member = self.by_card.get(raw.card)
            return member, "" if member else _("Không tìm thấy đảng viên có số thẻ %(c)s.") % {
                "c": raw.card
            }
        found = self.by_name.get((search_key(raw.name), raw.birth), [])
        if len(found) == 1:
            return found[0], ""
        if not found:
            return None, _("Không tìm thấy đảng viên %(n)s sinh ngày %(d)s.") % {
                "n": raw.name,
                "d": format_date(raw.birth),
            }
        return None, _(
            "Có %(k)s đảng viên tên %(n)s sinh ngày %(d)s: hãy ghi số thẻ đảng viên."
        ) % {"k": len(found), "n": raw.name, "d": format_date(raw.birth)}

    def rule_on(self, cell: Organization, day: date) -> AttendanceRule | None:
        rules = [
            r
            for r in self.rules
            if cell.path.startswith(r.organization.path)
            and r.effective_from <= day
            and (r.effective_to is None or r.effective_to >= day)
        ]
        return max(rules, key=lambda r: (len(r.organization.path), r.effective_from), default=None)

    def meeting(self, cell: Organization, day: date) -> tuple[CellMeeting | None, bool]:
        """The meeting the row counts at (None: one will be created) and whether only a
        cancelled one exists that day."""
        meetings = self.meetings.get((cell.pk, day), [])
        usable = [m for m in meetings if m.status != MeetingStatus.CANCELLED]
        if not usable:
            return None, bool(meetings)
        usable.sort(
            key=lambda m: (m.status != MeetingStatus.HELD, m.kind != MeetingKind.THUONG_KY, m.pk)
        )
        return usable[0], False


def _first_message(error: ValidationError) -> str:
    return " ".join(error.messages)


def attendance_import_check(
    *, acting_user, upload: IO[bytes] | bytes, period_from: date, period_to: date
) -> ImportCheck:
    """Read and check every row; nothing is written. File-level problems come back as a
    single error on row 0."""
    result = ImportCheck()
    errors = result.errors
    try:
        sheet = first_sheet(open_workbook(upload))
        present, rows = iter_rows(sheet, COLUMNS)
        if "card_number" not in present and not {"full_name", "birth_date"} <= set(present):
            raise ImportFileError(
                _("Tệp cần cột «Số thẻ đảng viên», hoặc hai cột «Họ và tên» và «Ngày sinh».")
            )
        raws = [_parse(n, values, errors, (period_from, period_to)) for n, values in rows]
    except ImportFileError as exc:
        errors.add(0, "", exc)
        return result
    if not raws:
        errors.add(0, "", _("Tệp không có dòng dữ liệu nào."))
        return result

    lookups = _Lookups(acting_user, raws)
    seen: dict[tuple[int, date, int], int] = {}
    for raw in raws:
        if raw.number in errors.rows():
            continue
        cell = lookups.cell(raw.cell_code)
        if cell is None:
            errors.add(
                raw.number,
                CELL,
                _("Không tìm thấy chi bộ mã %(c)s trong phạm vi bạn được ghi nhận.")
                % {"c": raw.cell_code},
            )
        elif not cell.is_valid_on(raw.day):
            errors.add(
                raw.number,
                CELL,
                _("Chi bộ %(c)s không hoạt động vào ngày %(d)s.")
                % {"c": cell.name, "d": format_date(raw.day)},
            )
            cell = None
        member, problem = lookups.member(raw)
        if member is None:
            errors.add(raw.number, CARD if raw.card else NAME, problem)
        if cell is None or member is None:
            continue
        try:
            seat = pick_seat(
                member=member, organization=cell, day=raw.day, seats=lookups.seats[member.pk]
            )
        except ValidationError as error:
            errors.add(raw.number, CARD if raw.card else NAME, _first_message(error))
            continue
        rule = lookups.rule_on(cell, raw.day)
        own_cell = member_cell_on(member, raw.day, lookups.transfers[member.pk]) == cell.pk
        if own_cell and rule is not None and rule.must_attend_outside_own_cell:
            errors.add(
                raw.number,
                CELL,
                _("Theo %(r)s, đồng chí %(n)s không được tính dự tại chính chi bộ mình.")
                % {"r": rule.number, "n": member.full_name},
            )
            continue
        key = (cell.pk, raw.day, member.pk)
        if key in seen:
            errors.add(
                raw.number,
                "",
                _("Trùng với dòng %(r)s: cùng người, cùng chi bộ, cùng ngày.") % {"r": seen[key]},
            )
            continue
        seen[key] = raw.number
        if key in lookups.recorded:
            errors.add(
                raw.number,
                "",
                _("Đồng chí %(n)s đã được ghi dự buổi sinh hoạt ngày %(d)s của %(c)s.")
                % {"n": member.full_name, "d": format_date(raw.day), "c": cell.name},
            )
            continue
        meeting, only_cancelled = lookups.meeting(cell, raw.day)
        if only_cancelled:
            errors.add(
                raw.number,
                DATE,
                _("Buổi sinh hoạt ngày %(d)s của %(c)s đã bị hoãn/hủy.")
                % {"d": format_date(raw.day), "c": cell.name},
            )
            continue
        result.rows.append(
            ImportRow(raw.number, raw.day, cell, member, seat, raw.role, raw.notes, meeting)
        )
    return result


def attendance_import_commit(
    *, acting_user, upload: IO[bytes] | bytes, period_from: date, period_to: date
) -> ImportCheck:
    """Check again (the data may have changed since the preview) and save every row through
    the services in one transaction; if any row fails, nothing is saved."""
    result = attendance_import_check(
        acting_user=acting_user, upload=upload, period_from=period_from, period_to=period_to
    )
    if not result.ok:
        return result
    try:
        with transaction.atomic():
            made: dict[tuple[int, date], CellMeeting] = {}
            for row in result.rows:
                try:
                    meeting = made.get((row.cell.pk, row.day)) or row.meeting
                    if meeting is None:
                        meeting = services.meeting_create(
                            acting_user=acting_user, cell=row.cell, date=row.day
                        )
                        made[(row.cell.pk, row.day)] = meeting
                    if meeting.status != MeetingStatus.HELD:
                        meeting = services.meeting_record_held(
                            acting_user=acting_user, meeting=meeting
                        )
                        made[(row.cell.pk, row.day)] = meeting
                    services.attendance_record(
                        acting_user=acting_user,
                        meeting=meeting,
                        member=row.member,
                        role=row.role,
                        notes=row.notes,
                        entered_via=EnteredBy.IMPORT,
                        seat=row.seat,
                    )
                except (ValidationError, PermissionDenied) as error:
                    message = (
                        _first_message(error) if isinstance(error, ValidationError) else str(error)
                    )
                    result.errors.add(row.number, "", message)
            if result.errors:
                raise _Rollback
    except _Rollback:
        return result
    result.saved = len(result.rows)
    return result


class _Rollback(Exception):
    pass
