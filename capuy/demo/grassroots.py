"""Grassroots work in the demo province for 2019: cell meetings, attendances, concerns, field
visits and the attendance regulation (``build_grassroots_demo``).

The golden figures of the seed article come from rows: exactly ``TINH_2019`` (218) attendance
rows by members holding a provincial seat and ``HUYEN_2019`` (1.532) by members holding a
district-level seat, all confirmed, so the yearly report says 218 and 1.532 whether it counts
confirmed attendances only or all. Like the rest of the demo, rows are drawn from the given
``random.Random`` (same seed, same rows) and inserted in bulk (no audit rows).

Rules followed, as the services would enforce them: the seat held on the meeting date (the
highest level when a member holds two), a cell other than the member's own, one attendance per
member per meeting, district-level members in their own district, provincial members
anywhere with a preference for localities flagged "khó khăn"/"phức tạp".
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from capuy.committees.choices import CommitteeKind, SeatRole
from capuy.committees.models import Seat
from capuy.concerns.choices import ConcernStatus
from capuy.concerns.models import Concern, ConcernEvent
from capuy.concerns.services import ensure_default_categories
from capuy.meetings.choices import (
    AttendanceRole,
    AttendanceStatus,
    Confirmation,
    EnteredBy,
    MeetingKind,
    MeetingStatus,
)
from capuy.meetings.models import (
    Attendance,
    AttendanceQuota,
    AttendanceRule,
    CellMeeting,
    FieldVisit,
)
from capuy.members.models import Member
from capuy.organizations.choices import CELL_KINDS, FlagKind, OrgKind, SeatLevel
from capuy.organizations.models import Organization, OrganizationFlag

from .province import apportion

YEAR = 2019
TINH_2019 = 218
HUYEN_2019 = 1532
BATCH = 2000
RULE = {
    "number": "01-QĐ/TU",
    "title": (
        "về việc các đồng chí Tỉnh ủy viên, cấp ủy viên các cấp đi công tác cơ sở và dự sinh "
        "hoạt chi bộ"
    ),
    "issued_on": date(2011, 6, 30),
    "issuing_body": "Ban Thường vụ Tỉnh ủy",
    "effective_from": date(2011, 6, 30),
}
# The Kon Tum pattern (domain.md §6) as the configurable default: attendances a year per level.
QUOTAS = {SeatLevel.TINH: 2, SeatLevel.HUYEN: 6, SeatLevel.XA: 6}
FLAGGED_SHARE = 0.35  # of a provincial member's attendances, in flagged localities
CONCERN_SHARE = 0.4  # attendances at which concerns were raised

SUMMARIES = {
    "dat_dai": [
        "Đề nghị đẩy nhanh cấp giấy chứng nhận quyền sử dụng đất cho các hộ dân trong thôn",
        "Phản ánh việc lấn chiếm đất công ven đường liên xã",
        "Đề nghị công khai phương án bồi thường, giải phóng mặt bằng dự án khu công nghiệp",
        "Kiến nghị giải quyết dứt điểm tranh chấp ranh giới đất giữa hai xóm",
    ],
    "chinh_sach": [
        "Đề nghị xem xét chế độ cho người có công chưa được hưởng",
        "Kiến nghị hỗ trợ hộ nghèo sửa chữa nhà ở",
        "Đề nghị hướng dẫn thủ tục hưởng bảo hiểm xã hội một lần",
        "Phản ánh chậm chi trả trợ cấp cho người cao tuổi",
    ],
    "moi_truong": [
        "Phản ánh ô nhiễm nguồn nước do nước thải làng nghề",
        "Đề nghị tăng tần suất thu gom rác thải sinh hoạt",
        "Phản ánh khói bụi từ lò đốt phế liệu gần khu dân cư",
        "Kiến nghị nạo vét kênh tiêu úng trước mùa mưa",
    ],
    "ha_tang": [
        "Đường liên thôn xuống cấp, đề nghị sửa chữa",
        "Đề nghị lắp đặt hệ thống chiếu sáng đường làng",
        "Kiến nghị cải tạo nhà văn hóa thôn",
        "Đề nghị kiên cố hóa mương tưới tiêu nội đồng",
    ],
    "an_ninh_trat_tu": [
        "Phản ánh tình trạng đua xe trái phép vào ban đêm",
        "Đề nghị tăng cường tuần tra bảo đảm an ninh khu vực chợ",
        "Kiến nghị xử lý các điểm tập kết vật liệu lấn chiếm lòng đường",
    ],
    "y_te_giao_duc": [
        "Đề nghị bổ sung bác sĩ cho trạm y tế xã",
        "Kiến nghị sửa chữa phòng học xuống cấp của trường tiểu học",
        "Đề nghị tổ chức khám sức khỏe định kỳ cho người cao tuổi",
    ],
    "khac": [
        "Đề nghị cung cấp tài liệu sinh hoạt chi bộ kịp thời hơn",
        "Kiến nghị bố trí thời gian sinh hoạt chi bộ vào buổi tối cho đảng viên đi làm",
    ],
}
CATEGORY_WEIGHTS = {
    "dat_dai": 22,
    "chinh_sach": 20,
    "moi_truong": 14,
    "ha_tang": 24,
    "an_ninh_trat_tu": 8,
    "y_te_giao_duc": 8,
    "khac": 4,
}
AGENCIES = (
    "UBND xã",
    "UBND huyện",
    "Phòng Tài nguyên và Môi trường huyện",
    "Phòng Lao động - Thương binh và Xã hội huyện",
    "Công an xã",
    "Điện lực huyện",
    "Trung tâm Y tế huyện",
    "Phòng Giáo dục và Đào tạo huyện",
)
ANSWERS = (
    "Đồng chí cấp ủy viên đã trả lời, giải thích rõ chủ trương tại buổi sinh hoạt.",
    "Đã giải đáp tại chỗ, đảng viên thống nhất.",
    "Đã hướng dẫn trình tự, thủ tục để người dân liên hệ bộ phận một cửa.",
    "Đã chỉ đạo chính quyền xã xử lý ngay trong tuần.",
)
RESULTS = (
    "Cơ quan chức năng đã giải quyết xong, chi bộ đã thông báo kết quả.",
    "Đã khắc phục, người dân đồng tình.",
    "Đã có văn bản trả lời, chi bộ phổ biến tới đảng viên.",
)
PURPOSES = (
    "Kiểm tra công tác xây dựng Đảng ở cơ sở",
    "Nắm tình hình sản xuất, đời sống nhân dân",
    "Chỉ đạo đại hội chi bộ nhiệm kỳ 2020-2022",
    "Khảo sát việc thực hiện nghị quyết của cấp ủy",
    "Đối thoại với nhân dân về giải phóng mặt bằng",
)


@dataclass
class GrassrootsSummary:
    meetings: int
    attendances: dict  # level -> count
    concerns: int
    on_the_spot: int
    field_visits: int
    rule: AttendanceRule


def _ensure_rule(root: Organization) -> AttendanceRule:
    """The demo province's regulation (01-QĐ/TU of 30/6/2011) with the default quotas."""
    rule = AttendanceRule.objects.filter(organization=root).order_by("effective_from").first()
    if rule is None:
        rule = AttendanceRule.objects.create(organization=root, **RULE)
        AttendanceQuota.objects.bulk_create(
            [
                AttendanceQuota(rule=rule, level=level, min_attendances=minimum)
                for level, minimum in QUOTAS.items()
            ]
        )
    return rule


def _cells(root: Organization, start: date, end: date) -> list[Organization]:
    return list(
        Organization.objects.filter(path__startswith=root.path, kind__in=CELL_KINDS)
        .filter(Q(established_on__isnull=True) | Q(established_on__lte=end))
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=start))
        .order_by("path")
        .only("pk", "path", "merged_into_id", "name")
    )


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _meeting_day(rng: random.Random, year: int, month: int, day: int) -> date:
    base = date(year, month, min(day, 28))
    return base + timedelta(days=rng.choice((0, 0, 0, 1, -1)))


def _insert(model, columns: list[str], rows: list[tuple]) -> None:
    """Plain multi-row INSERT (executemany) for tens of thousands of generated rows: the ORM's
    bulk_create spends most of its time preparing values one by one. Values are adapted here."""
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    names = ", ".join(ops.quote_name(column) for column in columns)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
    with connection.cursor() as cursor:
        for offset in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[offset : offset + BATCH])


def create_meetings(
    rng: random.Random, cells: list[Organization], year: int
) -> dict[int, list[tuple[int, date]]]:
    """A regular meeting every month for every cell, a thematic one each quarter for some.

    Returns ``{cell pk: [(meeting pk, date), …]}``.
    """
    adapt = connection.ops.adapt_datefield_value
    regular = "Sinh hoạt thường kỳ: đánh giá kết quả tháng, nhiệm vụ tháng tới"
    thematic_topic = "Sinh hoạt chuyên đề học tập và làm theo tư tưởng Hồ Chí Minh"
    rows = []
    for cell in cells:
        day = rng.randint(3, 12)
        thematic = rng.random() < 0.3
        for month in range(1, 13):
            held = _meeting_day(rng, year, month, day)
            rows.append(
                (
                    cell.pk,
                    adapt(held),
                    MeetingKind.THUONG_KY.value,
                    MeetingStatus.HELD.value,
                    "",
                    regular,
                )
            )
            if thematic and month % 3 == 0:
                rows.append(
                    (
                        cell.pk,
                        adapt(date(year, month, 20)),
                        MeetingKind.CHUYEN_DE.value,
                        MeetingStatus.HELD.value,
                        "",
                        thematic_topic,
                    )
                )
    _insert(CellMeeting, ["cell_id", "date", "kind", "status", "place", "topics"], rows)
    created = (
        CellMeeting.objects.filter(cell_id__in=[c.pk for c in cells], date__year=year)
        .order_by("cell_id", "date", "pk")
        .values_list("pk", "cell_id", "date")
    )
    by_cell: dict[int, list[tuple[int, date]]] = {}
    for pk, cell_id, held in created:
        by_cell.setdefault(cell_id, []).append((pk, held))
    return by_cell


def _seats(root: Organization, kind: str, start: date, end: date) -> list[Seat]:
    """One BCH seat per member on committees of ``kind`` under ``root`` held all year."""
    seats = (
        Seat.objects.filter(
            committee__term__organization__path__startswith=root.path,
            committee__term__organization__kind=kind,
            committee__kind=CommitteeKind.BCH,
            start_on__lte=start,
        )
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=end))
        .select_related("committee__term__organization")
        .order_by("member_id", "pk")
    )
    chosen: dict[int, Seat] = {}
    for seat in seats:
        chosen.setdefault(seat.member_id, seat)
    return [chosen[pk] for pk in sorted(chosen)]


def _flagged_paths(root: Organization, start: date, end: date) -> list[str]:
    flags = OrganizationFlag.objects.filter(
        organization__path__startswith=root.path,
        kind__in=(FlagKind.KHO_KHAN, FlagKind.PHUC_TAP),
        valid_from__lte=end,
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
    return sorted(flags.values_list("organization__path", flat=True))


def _counts(rng: random.Random, total: int, holders: int, low: float, high: float) -> list[int]:
    """``total`` attendances over ``holders`` members, uneven (some below quota, some above)."""
    return apportion(total, [low + (high - low) * rng.random() for _ in range(holders)])


def create_attendances(
    rng: random.Random,
    seats: list[Seat],
    counts: list[int],
    meetings_by_cell: dict[int, list[tuple[int, date]]],
    cells_for: Callable[[Seat], list[Organization]],
    flagged_cells: list[Organization],
    own_cell: dict[int, int],
) -> list[Attendance]:
    rows: list[Attendance] = []
    for seat, count in zip(seats, counts, strict=True):
        pool = cells_for(seat)
        own = own_cell.get(seat.member_id)
        used: set[int] = set()
        level = seat.committee.level
        attempts = 0
        while len(used) < count:
            attempts += 1
            if attempts > 100 * count:
                raise ValueError("not enough meetings to place the demo attendances")
            source = flagged_cells if flagged_cells and rng.random() < FLAGGED_SHARE else pool
            cell = source[int(rng.random() * len(source))]
            if cell.merged_into_id == own:
                continue  # not at the member's own cell
            meeting_pk, held = rng.choice(meetings_by_cell[cell.pk])
            if meeting_pk in used:
                continue
            used.add(meeting_pk)
            leading = seat.role in (SeatRole.BI_THU, SeatRole.PHO_BI_THU_THUONG_TRUC)
            confirmed_at = _at(held, 20)
            rows.append(
                Attendance(
                    meeting_id=meeting_pk,
                    member_id=seat.member_id,
                    seat_id=seat.pk,
                    level=level,
                    date=held,
                    cell_path=cell.path,
                    role=AttendanceRole.CHI_DAO
                    if leading or rng.random() < 0.2
                    else AttendanceRole.DU,
                    status=AttendanceStatus.RECORDED,
                    entered_via=EnteredBy.SECRETARY if rng.random() < 0.8 else EnteredBy.OFFICE,
                    confirmation=Confirmation.CONFIRMED,
                    confirmed_at=confirmed_at,
                )
            )
    Attendance.objects.bulk_create(rows, batch_size=BATCH)
    return rows


def _handling(rng: random.Random, raised: date, agency: str):
    """(events [(from, to, day, note)], final fields) for one concern."""
    roll = rng.random()
    S = ConcernStatus
    if roll < 0.55:
        answer = rng.choice(ANSWERS)
        return [("", S.GIAI_QUYET_TAI_CHO, raised, answer)], {
            "status": S.GIAI_QUYET_TAI_CHO,
            "answer": answer,
            "resolved_on": raised,
        }
    if roll < 0.7:
        answer = rng.choice(ANSWERS[2:])
        return [("", S.HUONG_DAN, raised, answer)], {
            "status": S.HUONG_DAN,
            "answer": answer,
            "resolved_on": raised,
        }
    due = raised + timedelta(days=rng.choice((15, 30, 45, 60)))
    forwarded = ("", S.CHUYEN_CO_QUAN, raised, f"Chuyển {agency}")
    fields = {"agency": agency, "due_on": due}
    if roll < 0.9:
        started = raised + timedelta(days=rng.randint(3, 10))
        done = min(due + timedelta(days=rng.randint(-10, 20)), date(YEAR + 1, 3, 31))
        done = max(done, started + timedelta(days=1))
        result = rng.choice(RESULTS)
        events = [
            forwarded,
            (S.CHUYEN_CO_QUAN, S.DANG_GIAI_QUYET, started, f"{agency} đang xử lý"),
            (S.DANG_GIAI_QUYET, S.DA_GIAI_QUYET, done, result),
        ]
        return events, {**fields, "status": S.DA_GIAI_QUYET, "answer": result, "resolved_on": done}
    if roll < 0.95:
        return [forwarded], {**fields, "status": S.CHUYEN_CO_QUAN}
    if roll < 0.97:
        note = "Thuộc thẩm quyền Tòa án nhân dân huyện; đã hướng dẫn người dân"
        return [("", S.KHONG_THAM_QUYEN, raised, note)], {
            "status": S.KHONG_THAM_QUYEN,
            "agency": "Tòa án nhân dân huyện",
            "resolved_on": raised,
        }
    started = raised + timedelta(days=rng.randint(3, 10))
    events = [forwarded, (S.CHUYEN_CO_QUAN, S.DANG_GIAI_QUYET, started, f"{agency} đang xử lý")]
    return events, {**fields, "status": S.DANG_GIAI_QUYET}


def create_concerns(rng: random.Random, attendances: list[Attendance]) -> tuple[int, int]:
    categories = {c.code: c for c in ensure_default_categories()}
    codes = [code for code in CATEGORY_WEIGHTS if code in categories]
    weights = [CATEGORY_WEIGHTS[code] for code in codes]
    concerns: list[Concern] = []
    plans: list[list[tuple]] = []
    for attendance in attendances:
        if rng.random() >= CONCERN_SHARE:
            continue
        for _ in range(1 if rng.random() < 0.7 else 2):
            code = rng.choices(codes, weights)[0]
            raised = attendance.date
            events, fields = _handling(rng, raised, rng.choice(AGENCIES))
            concerns.append(
                Concern(
                    meeting_id=attendance.meeting_id,
                    cell_path=attendance.cell_path,
                    raised_on=raised,
                    received_by_id=attendance.member_id,
                    category=categories[code],
                    summary=rng.choice(SUMMARIES[code]),
                    **fields,
                )
            )
            plans.append(events)
    Concern.objects.bulk_create(concerns, batch_size=BATCH)
    # Events keep the moments of each step (auto_now_add would stamp them all today).
    moment = connection.ops.adapt_datetimefield_value
    events = [
        (concern.pk, moment(_at(day, 9)), from_status, to_status, note)
        for concern, steps in zip(concerns, plans, strict=True)
        for from_status, to_status, day, note in steps
    ]
    _insert(ConcernEvent, ["concern_id", "at", "from_status", "to_status", "note"], events)
    by_day: dict[date, list[int]] = {}
    for concern in concerns:
        by_day.setdefault(concern.raised_on, []).append(concern.pk)
    for day, pks in by_day.items():
        Concern.objects.filter(pk__in=pks).update(created_at=_at(day, 21))
    on_spot = sum(1 for c in concerns if c.status == ConcernStatus.GIAI_QUYET_TAI_CHO)
    return len(concerns), on_spot


def create_field_visits(
    rng: random.Random, seats: list[Seat], root: Organization, year: int, count: int
) -> int:
    places = list(
        Organization.objects.filter(
            path__startswith=root.path,
            kind=OrgKind.DANG_BO_CO_SO,
            established_on__lte=date(year, 1, 1),
        )
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=date(year, 12, 31)))
        .order_by("path")
        .only("pk", "path")
    )
    if not places or not seats:
        return 0
    visits = []
    for _ in range(count):
        seat = rng.choice(seats)
        org_path = seat.committee.term.organization.path
        local = [p for p in places if p.path.startswith(org_path)] or places
        place = rng.choice(local)
        visits.append(
            FieldVisit(
                member_id=seat.member_id,
                seat_id=seat.pk,
                level=seat.committee.level,
                organization_id=place.pk,
                org_path=place.path,
                date=date(year, 1, 1) + timedelta(days=rng.randint(0, 360)),
                days=rng.choice((1, 1, 1, 0.5, 2)),
                purpose=rng.choice(PURPOSES),
            )
        )
    FieldVisit.objects.bulk_create(visits, batch_size=BATCH)
    return len(visits)


def build_grassroots_demo(
    rng: random.Random,
    *,
    root: Organization | None = None,
    year: int = YEAR,
    tinh_total: int = TINH_2019,
    huyen_total: int = HUYEN_2019,
    field_visits: int = 150,
    say: Callable[[str], None] = lambda s: None,
) -> GrassrootsSummary:
    """Create the demo province's grassroots rows for ``year``. Call inside the demo's
    transaction, after the tree, members and seats exist (``province.build_demo``)."""
    if root is None:
        from .province import find_demo_root

        root = find_demo_root()
    if root is None:
        raise ValueError("the demo province does not exist")
    start, end = date(year, 1, 1), date(year, 12, 31)
    rule = _ensure_rule(root)

    say(gettext("Sinh hoạt chi bộ năm %(year)s…") % {"year": year})
    cells = _cells(root, start, end)
    meetings_by_cell = create_meetings(rng, cells, year)

    tinh_seats = _seats(root, OrgKind.DANG_BO_TINH, start, end)
    provincial = {seat.member_id for seat in tinh_seats}
    # A member holding both counts at the higher level (the provincial seat).
    huyen_seats = [
        seat
        for seat in _seats(root, OrgKind.DANG_BO_HUYEN, start, end)
        if seat.member_id not in provincial
    ]
    own_cell = dict(
        Member.objects.filter(pk__in=[s.member_id for s in tinh_seats + huyen_seats]).values_list(
            "pk", "cell_id"
        )
    )
    flagged = _flagged_paths(root, start, end)
    flagged_cells = [c for c in cells if c.path.startswith(tuple(flagged))] if flagged else []
    by_district: dict[str, list[Organization]] = {}
    for cell in cells:
        by_district.setdefault(cell.path[: len(root.path) + Organization.steplen], []).append(cell)

    say(
        gettext("Lượt dự sinh hoạt chi bộ năm %(year)s (%(tinh)s + %(huyen)s)…")
        % {"year": year, "tinh": tinh_total, "huyen": huyen_total}
    )
    tinh_rows = create_attendances(
        rng,
        tinh_seats,
        _counts(rng, tinh_total, len(tinh_seats), 0.15, 1.6),
        meetings_by_cell,
        lambda seat: cells,
        flagged_cells,
        own_cell,
    )
    huyen_rows = create_attendances(
        rng,
        huyen_seats,
        _counts(rng, huyen_total, len(huyen_seats), 0.1, 2.2),
        meetings_by_cell,
        lambda seat: by_district[seat.committee.term.organization.path],
        [],
        own_cell,
    )

    say(gettext("Kiến nghị và chuyến công tác cơ sở năm %(year)s…") % {"year": year})
    concerns, on_spot = create_concerns(rng, tinh_rows + huyen_rows)
    visits = create_field_visits(rng, tinh_seats + huyen_seats, root, year, field_visits)
    return GrassrootsSummary(
        meetings=sum(len(held) for held in meetings_by_cell.values()),
        attendances={SeatLevel.TINH: len(tinh_rows), SeatLevel.HUYEN: len(huyen_rows)},
        concerns=concerns,
        on_the_spot=on_spot,
        field_visits=visits,
        rule=rule,
    )
