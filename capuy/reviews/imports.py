"""Excel round-trip of the annual review results (issue #4 §5).

Lower levels send their results up as spreadsheets: one row per party member's review in a
cycle — the self-assessed level with the manifestations it was linked to, the cell's proposal
and, where the importing user is the competent level, the decision.

* :func:`template_bytes` writes the template prefilled with the subjects of a scope (the
  cycle's member reviews the user sees, under an optional organization), with what is already
  recorded, so the file can be filled in and sent back.
* :func:`review_import_check` reads the file (capuy.core.imports: streaming rows, merged or
  shifted headers, NFC/NFD, dates as text or Excel dates), parses every cell and checks every
  row with the functions the pages use — the step rights of capuy.reviews.access, the services'
  ``_check_open`` / ``_check_not_exempt`` / ``_check_unlocked`` / ``_check_level`` (the rule
  set's ceiling, disqualifiers and caps), the manifestation linkage rule, and the excellent
  quota (``rules.quota_check`` over the group's live counts, lowest levels first as
  ``review_decide_many`` does). It writes nothing and returns every error by row and column.
* :func:`review_import_commit` checks again inside one transaction and saves: a file of up to
  ``SERVICE_ROWS`` rows goes row by row through the services themselves
  (``review_self_assess`` → ``review_propose`` → ``review_decide``), a larger one is written in
  bulk (an optimistic UPDATE of the reviews with their manifestation links, their events and
  history rows) after the same checks; ``test_import.py`` proves both give the same rows. Any
  failure rolls everything back: nothing is half-saved.

Speed (bench/bench_review_import.py, 100.000 rows): the rows are read from calamine's lists
without a dict per row; spellings, dates, manifestation sets, level checks, rule derivations,
step rights and quota outcomes are memoised per distinct input; on PostgreSQL the reviews are
looked up through a temporary table filled by COPY and read straight from the cursor, and the
save COPYs one line per review into a temporary table from which one UPDATE (its history rows
inserted from what it returns) and one INSERT … SELECT write the reviews, with their links,
and their events.

A level may be written as its code ("HTXSNV"), its full name ("Hoàn thành xuất sắc nhiệm
vụ"), its short name ("xuất sắc", "Tốt", "Hoàn thành", "Không hoàn thành"), in any case, with
or without diacritics; anything else is refused. Manifestations are written "A3" or "1.3"
(group 1–3 = A–C, then the number), separated by commas or semicolons.
"""

from __future__ import annotations

import functools
import io
import json
import queue
import re
import threading
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from capuy.committees.choices import CommitteeKind, SeatRole
from capuy.core.imports import (
    HEADER_SEARCH_ROWS,
    Column,
    ImportFileError,
    RowErrors,
    cell_date,
    cell_text,
    find_header,
    first_sheet,
    open_workbook,
    paused_gc,
    read_limited,
)
from capuy.core.scoping import VIEW
from capuy.core.vntext import search_key, unaccent
from capuy.organizations.models import Organization

from . import access, services
from .choices import (
    INDIVIDUAL_KINDS,
    LEVEL_RANK,
    Exemption,
    ReviewStatus,
    ReviewStep,
    SubjectKind,
)
from .models import (
    Manifestation,
    Review,
    ReviewCycle,
    ReviewEvent,
    codes_of,
    manifestation_codes,
)
from .rules import HTTNV, HTXSNV, quota_check
from .rulesets import effective_rules
from .selectors import (
    WARN_CELL_COMMITTEE_UNDECIDED,
    WARN_NO_PROPOSAL,
    organization_names,
    quota_group_label,
)

MAX_BYTES = 40 * 1024 * 1024  # a province's 100.000-row results file is about 5 MB
MAX_ROWS = 200_000
SERVICE_ROWS = 1000  # up to this many rows to save, the services are called row by row
PREVIEW_ROWS = 200
SHOWN_ERRORS = 1000

# --- columns ---------------------------------------------------------------------------------

STT = Column("stt", gettext_lazy("STT"), aliases=("Số TT", "TT"), required=False, width=6)
CODE = Column(
    "code",
    gettext_lazy("Mã đối tượng"),
    aliases=("Mã đảng viên", "Số thẻ đảng viên", "Số thẻ", "Mã ĐV"),
    help=gettext_lazy(
        "Đảng viên: số thẻ đảng viên (chưa có thẻ: mã «ID…»); tổ chức đảng «TC…», tập thể lãnh "
        "đạo «TT…», chức vụ của cán bộ lãnh đạo «CV…», do capuy cấp. Giữ nguyên như trong tệp "
        "mẫu."
    ),
    width=16,
)
NAME = Column(
    "name",
    gettext_lazy("Họ và tên"),
    aliases=("Họ tên",),
    help=gettext_lazy("Để đối chiếu: phải khớp với mã đảng viên."),
    width=26,
)
CELL = Column(
    "cell",
    gettext_lazy("Chi bộ"),
    aliases=("Chi bộ sinh hoạt", "Tên chi bộ", "Mã chi bộ"),
    required=False,
    help=gettext_lazy("Để đối chiếu: tên hoặc mã chi bộ của đảng viên."),
    width=26,
)
SELF = Column(
    "self_level",
    gettext_lazy("Mức tự xếp loại"),
    aliases=("Tự xếp loại", "Tự đánh giá, xếp loại", "Mức tự đánh giá"),
    required=False,
    help=gettext_lazy(
        "HTXSNV, HTTNV, HTNV, KHTNV, hoặc tên đầy đủ (Hoàn thành xuất sắc nhiệm vụ…) hoặc tên "
        "ngắn (Xuất sắc, Tốt, Hoàn thành, Không hoàn thành); để trống với đảng viên không "
        "xếp loại."
    ),
    width=16,
)
MANIFESTATIONS = Column(
    "manifestations",
    gettext_lazy("Biểu hiện liên hệ"),
    aliases=("Liên hệ biểu hiện", "Liên hệ 27 biểu hiện", "Biểu hiện"),
    required=False,
    help=gettext_lazy(
        "Mã các biểu hiện suy thoái đã liên hệ: A3 hoặc 1.3 (nhóm 1–3 là A–C), cách nhau "
        "bằng dấu phẩy hoặc chấm phẩy, ví dụ «1.3; 2.5»."
    ),
    width=18,
)
MANIFESTATIONS_TEXT = Column(
    "manifestations_text",
    gettext_lazy("Liên hệ khác"),
    required=False,
    help=gettext_lazy("Nội dung liên hệ khác (nếu có)."),
    width=24,
)
PROPOSED = Column(
    "proposed_level",
    gettext_lazy("Mức đề xuất"),
    aliases=("Chi bộ đề xuất", "Mức chi bộ đề xuất", "Đề xuất"),
    required=False,
    help=gettext_lazy("Mức chi bộ (cơ quan tham mưu) đề xuất; cách ghi như mức tự xếp loại."),
    width=16,
)
DECIDED = Column(
    "decided_level",
    gettext_lazy("Mức quyết định"),
    aliases=("Cấp có thẩm quyền quyết định", "Quyết định xếp loại", "Mức được xếp loại"),
    required=False,
    help=gettext_lazy(
        "Chỉ cấp có thẩm quyền ghi: mức quyết định xếp loại (tính tỷ lệ HTXSNV của nhóm)."
    ),
    width=16,
)
REASON = Column(
    "override_reason",
    gettext_lazy("Lý do chọn mức khác"),
    aliases=("Lý do",),
    required=False,
    help=gettext_lazy("Bắt buộc khi mức đã chọn khác mức theo quy tắc."),
    width=24,
)
DAY = Column(
    "date",
    gettext_lazy("Ngày kiểm điểm (dd/mm/yyyy)"),
    aliases=("Ngày kiểm điểm", "Ngày họp", "Ngày"),
    required=False,
    help=gettext_lazy("Ngày chi bộ họp kiểm điểm, dạng dd/mm/yyyy hoặc ô kiểu ngày."),
    width=14,
)
NOTE = Column("note", gettext_lazy("Ghi chú"), required=False, width=30)
COLUMNS = [
    STT,
    CODE,
    NAME,
    CELL,
    SELF,
    MANIFESTATIONS,
    MANIFESTATIONS_TEXT,
    PROPOSED,
    DECIDED,
    REASON,
    DAY,
    NOTE,
]
LEVEL_COLUMNS = (SELF, PROPOSED, DECIDED)

# --- spelling of levels and manifestations ------------------------------------------------------

_NON_WORD = re.compile(r"[^a-z0-9]+")
_LEVEL_NAMES = {
    "HTXSNV": ("hoan thanh xuat sac nhiem vu", "xuat sac", "ht xuat sac nhiem vu", "htxs"),
    "HTTNV": ("hoan thanh tot nhiem vu", "tot", "ht tot nhiem vu", "htt"),
    "HTNV": ("hoan thanh nhiem vu", "hoan thanh", "ht nhiem vu", "ht"),
    "KHTNV": ("khong hoan thanh nhiem vu", "khong hoan thanh", "khong ht nhiem vu", "kht"),
}
LEVEL_SPELLINGS: dict[str, str] = {
    spelling: code for code, names in _LEVEL_NAMES.items() for spelling in (code.lower(), *names)
}


def _words(text: str) -> str:
    return " ".join(_NON_WORD.sub(" ", unaccent(text)).split())


@functools.lru_cache(maxsize=4096)
def parse_level(value: Any) -> str | None:
    """The level code a cell means: "" when blank, None when it is not a level.

    >>> [parse_level(v) for v in ("HTXSNV", "Hoàn thành xuất sắc nhiệm vụ", "xuất sắc", "tot")]
    ['HTXSNV', 'HTXSNV', 'HTXSNV', 'HTTNV']
    """
    text = cell_text(value)
    if not text:
        return ""
    words = _words(text)
    found = LEVEL_SPELLINGS.get(words) or LEVEL_SPELLINGS.get(words.replace(" ", ""))
    if found:
        return found
    # "HTXSNV — Hoàn thành xuất sắc nhiệm vụ", as the pages' choices show it
    head, _sep, rest = words.partition(" ")
    code = LEVEL_SPELLINGS.get(head)
    if code and head == code.lower() and LEVEL_SPELLINGS.get(rest) == code:
        return code
    return None


_MANIFESTATION = re.compile(r"^([abc123])[\s.\-/]*(\d{1,2})$")
_GROUP_DIGITS = {"1": "A", "2": "B", "3": "C"}


@functools.lru_cache(maxsize=4096)
def parse_manifestation_codes(value: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """("A3", "B5") from "1.3, 2.5" or "A3; b5"; the second item lists what is not a code."""
    text = cell_text(value)
    codes: list[str] = []
    bad: list[str] = []
    for token in re.split(r"[,;\n]+|\s{2,}|\s(?=[abcABC]\s*\d)", text):
        token = token.strip()
        if not token:
            continue
        match = _MANIFESTATION.match(token.lower())
        if match is None:
            bad.append(token)
            continue
        group = _GROUP_DIGITS.get(match.group(1), match.group(1).upper())
        code = f"{group}{int(match.group(2))}"
        if code not in codes:
            codes.append(code)
    return tuple(codes), tuple(bad)


@functools.lru_cache(maxsize=4096)
def _cell_date(value: Any) -> date | None:
    return cell_date(value)


def _in(lookup: str, values, sql_type: str) -> Q:
    """``lookup IN values`` — on PostgreSQL as one array parameter (``unnest``), so that a
    100.000-value list is not 100.000 placeholders to build and parse."""
    values = list(values)
    if connection.vendor == "postgresql":
        return Q(**{f"{lookup}__in": RawSQL(f"SELECT unnest(%s::{sql_type}[])", [values])})
    return Q(**{f"{lookup}__in": values})


def _bulk_in_possible() -> bool:
    """Whether ``_in_table`` can be used: PostgreSQL, inside a transaction (the temporary
    tables go with it)."""
    return connection.vendor == "postgresql" and connection.in_atomic_block


def _in_table(lookup: str, values, sql_type: str) -> Q:
    """``lookup IN values`` through a temporary table filled by COPY (PostgreSQL, inside a
    transaction): one statement for 100.000 values, and a join the planner can estimate."""
    name = "capuy_import_" + lookup.replace("__", "_")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute(f"CREATE TEMP TABLE {name} (v {sql_type}) ON COMMIT DROP")
        with cursor.cursor.copy(f"COPY {name} (v) FROM STDIN") as copy:
            for chunk in _chunks(values, 20_000):
                copy.write("".join(f"{_copy_text(str(v))}\n" for v in chunk))
        cursor.execute(f"ANALYZE {name}")
    return Q(**{f"{lookup}__in": RawSQL(f"SELECT v FROM {name}", [])})


def _fetch(queryset) -> Iterable[tuple]:
    """The rows of a ``values_list`` queryset; on PostgreSQL straight from the cursor (no
    per-value converters: JSON comes back as text, see ``_json``)."""
    if connection.vendor != "postgresql":
        return queryset
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _json(value):
    """A JSON column's value from ``_fetch`` (text on PostgreSQL, decoded elsewhere)."""
    if not isinstance(value, str):
        return value
    if value == "{}":
        return {}
    if value == "[]":
        return []
    return json.loads(value)


def member_code(card_number: str | None, member_id: int) -> str:
    """What the "Mã đảng viên" column holds: the card number, or "ID<pk>" without one."""
    return card_number or f"ID{member_id}"


_ID_CODE = re.compile(r"^(?:id|#)\s*-?\s*(\d{1,12})$", re.IGNORECASE)


def _member_id_from_code(code: str) -> int | None:
    match = _ID_CODE.match(code)
    return int(match.group(1)) if match else None


# The other subjects' codes: "TC<id>" a party organization (tổ chức), "TT<id>" a leadership
# collective (tập thể: the committee's id), "CV<id>" one post of a leader (chức vụ: the seat).
OTHER_CODE_PREFIXES = {
    SubjectKind.ORGANIZATION: "TC",
    SubjectKind.COLLECTIVE: "TT",
    SubjectKind.LEADER: "CV",
}
_OTHER_KEYS = {
    SubjectKind.ORGANIZATION: "organization_id",
    SubjectKind.COLLECTIVE: "committee_id",
    SubjectKind.LEADER: "seat_id",
}
_OTHER_CODE = re.compile(r"^(TC|TT|CV)\s*-?\s*(\d{1,12})$", re.IGNORECASE)
_KIND_OF_PREFIX = {prefix: kind for kind, prefix in OTHER_CODE_PREFIXES.items()}


def subject_code(kind: str, key_id: int) -> str:
    """The code of a subject other than a member: its prefix and the id of what it names."""
    return f"{OTHER_CODE_PREFIXES[kind]}{key_id}"


def _other_from_code(code: str) -> tuple[str, int] | None:
    match = _OTHER_CODE.match(code)
    if match is None:
        return None
    return _KIND_OF_PREFIX[match.group(1).upper()], int(match.group(2))


_COMMITTEE_KINDS = dict(CommitteeKind.choices)
_SEAT_ROLES = dict(SeatRole.choices)


# --- the template ----------------------------------------------------------------------------


def _template_note(status, exemption, exemption_note, classify) -> str:
    if status == ReviewStatus.EXEMPT or not classify:
        why = Exemption(exemption).label if exemption else _("không xếp loại")
        kind = _("Không kiểm điểm") if status == ReviewStatus.EXEMPT else _("Không xếp loại")
        return f"{kind}: {why}{'; ' + exemption_note if exemption_note else ''}"
    return ""


def _reviews_in_scope(user, cycle: ReviewCycle, organization: Organization | None):
    """The cycle's reviews the user sees, under the file's (or template's) organization."""
    reviews = Review.objects.visible_to(user, VIEW).filter(cycle=cycle)
    if organization is not None:
        reviews = reviews.filter(org_path__startswith=organization.path)
    return reviews


class _LinkedCodes:
    """The "Liên hệ biểu hiện" column of a review: its manifestations' codes in the
    catalogue's order ("A1, B3"), from the ids on the review and the catalogue read once."""

    def __init__(self):
        self.catalogue = manifestation_codes()
        self.texts: dict[tuple, str] = {}

    def __call__(self, ids) -> str:
        key = tuple(_json(ids) or ())
        text = self.texts.get(key)
        if text is None:
            text = self.texts[key] = ", ".join(codes_of(key, self.catalogue))
        return text


def _days_of(ids: list[int]) -> dict[int, str]:
    """The latest day of the meeting recorded on each review's steps, as the "Ngày" column
    writes it (dd/mm/yyyy), so that a file sent back keeps it."""
    from django.db.models import Max

    events = ReviewEvent.objects.filter(review_id__in=ids, held_on__isnull=False)
    latest = events.values_list("review_id").annotate(day=Max("held_on")).order_by()
    return {review_id: day.strftime("%d/%m/%Y") for review_id, day in latest}


def _other_template_rows(scoped, cycle: ReviewCycle) -> Iterator[list]:
    """The organizations', collectives' and leaders' reviews, in tree order, each organization
    before its collectives and its leaders' posts (a few per organization)."""
    from django.db.models import Case, IntegerField, Value, When

    kind_rank = Case(
        When(subject_kind=SubjectKind.ORGANIZATION, then=Value(0)),
        When(subject_kind=SubjectKind.COLLECTIVE, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    fields = (*_Subject.FIELDS, *_Subject.OTHER_FIELDS)
    rows = scoped.exclude(subject_kind=SubjectKind.MEMBER).order_by("org_path", kind_rank, "id")
    linked = _LinkedCodes()
    for chunk in _chunks(rows.values_list(*fields).iterator(chunk_size=2000), 2000):
        subjects = [_Subject.other(cycle, values) for values in chunk]
        days = _days_of([s.id for s in subjects])
        for s in subjects:
            yield [
                s.code,
                s.subject_name,
                s.cell_name,
                s.self_level,
                linked(s.manifestation_ids) if s.is_individual else "",
                s.manifestations_text,
                s.proposed_level,
                s.decided_level,
                days.get(s.id, ""),
                _template_note(s.status, s.exemption, s.exemption_note, s.classify),
            ]


def template_rows(user, cycle: ReviewCycle, organization: Organization | None = None) -> Iterator:
    """The reviews of ``cycle`` the user sees (under ``organization``) as template rows with
    what is already recorded: the organizations, leadership collectives and leaders' posts
    first (tree order), then the members in roster order."""
    scoped = _reviews_in_scope(user, cycle, organization)
    number = 0
    for (
        code,
        name,
        place,
        self_level,
        links,
        text,
        proposed,
        decided,
        day,
        note,
    ) in _other_template_rows(scoped, cycle):
        number += 1
        yield [number, code, name, place, self_level, links, text, proposed, decided, "", day, note]
    qs = scoped.filter(subject_kind=SubjectKind.MEMBER)
    reviews = qs.order_by("org_path", "member__sort_key", "id").values_list(
        "id",
        "member_id",
        "member__card_number",
        "member__full_name",
        "organization__name",
        "status",
        "exemption",
        "exemption_note",
        "classify",
        "self_level",
        "proposed_level",
        "decided_level",
        "manifestations_text",
        "manifestation_ids",
    )
    linked = _LinkedCodes()
    for chunk in _chunks(reviews.iterator(chunk_size=5000), 5000):
        days = _days_of([row[0] for row in chunk])
        for (
            pk,
            member_id,
            card,
            name,
            cell,
            status,
            exemption,
            exemption_note,
            classify,
            self_level,
            proposed,
            decided,
            text,
            ids,
        ) in chunk:
            number += 1
            note = _template_note(status, exemption, exemption_note, classify)
            yield [
                number,
                member_code(card, member_id),
                name,
                cell,
                self_level,
                linked(ids),
                text,
                proposed,
                decided,
                "",
                days.get(pk, ""),
                note,
            ]


def _chunks(iterable: Iterable, size: int) -> Iterator[list]:
    if isinstance(iterable, list | tuple):
        for start in range(0, len(iterable), size):
            yield iterable[start : start + size]
        return
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def template_bytes(user, cycle: ReviewCycle, organization: Organization | None = None) -> bytes:
    """The template as .xlsx: a merged title row, the header row, one row per member review
    (streamed with openpyxl's write-only mode, so a province's file stays small in memory),
    and a sheet of instructions — the layout of ``capuy.core.imports.write_template``."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("Kết quả xếp loại"))[:31])
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A4"
    where = organization.name if organization is not None else cycle.organization.name
    title = WriteOnlyCell(
        sheet,
        value=str(_("KẾT QUẢ KIỂM ĐIỂM, ĐÁNH GIÁ, XẾP LOẠI — %(cycle)s — %(where)s"))
        % {"cycle": cycle.name, "where": where},
    )
    title.font = Font(bold=True, size=13)
    title.alignment = Alignment(horizontal="center")
    sheet.append([title])
    sheet.merged_cells.add(f"A1:{get_column_letter(len(COLUMNS))}1")
    sheet.append([])
    fill = PatternFill("solid", fgColor="F2DCDB")
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=str(column.label))
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        header.append(cell)
    sheet.append(header)
    for row in template_rows(user, cycle, organization):
        sheet.append([value if value not in ("", None) else None for value in row])

    guide = workbook.create_sheet(str(_("Hướng dẫn"))[:31])
    guide.column_dimensions["A"].width = 30
    guide.column_dimensions["B"].width = 90
    guide.append([str(_("Cột")), str(_("Cách ghi"))])
    for column in COLUMNS:
        required = _("bắt buộc") if column.required else _("không bắt buộc")
        guide.append([str(column.label), f"{column.help} ({required})".strip()])
    guide.append([])
    for note in (
        _(
            "Mỗi dòng là kết quả kiểm điểm, xếp loại của một đối tượng trong đợt «%(c)s»: "
            "tổ chức đảng (mã TC…), tập thể lãnh đạo (TT…), chức vụ của cán bộ lãnh đạo (CV…) "
            "hoặc đảng viên."
        )
        % {"c": cycle.name},
        _(
            "Chỉ cá nhân (đảng viên, cán bộ lãnh đạo) liên hệ các biểu hiện suy thoái; để trống "
            "hai cột biểu hiện ở dòng của tổ chức và tập thể."
        ),
        _("Để trống các cột mức xếp loại của dòng chưa có kết quả: dòng đó được bỏ qua."),
        _("Dòng ghi «Không kiểm điểm» là đối tượng được miễn: không ghi kết quả cho dòng đó."),
        _("Tệp chỉ được lưu khi mọi dòng đều hợp lệ; nếu có lỗi, không dòng nào được lưu."),
    ):
        guide.append(["", str(note)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- reading and checking ----------------------------------------------------------------------


@dataclass(slots=True)
class _Raw:
    number: int
    code: str
    name: str
    cell: str
    self_level: str
    codes: tuple[str, ...] | None
    manifestations_text: str | None
    proposed: str
    decided: str
    reason: str
    day: date | None
    note: str
    unreadable: bool = False  # a cell could not be parsed (its error is recorded)

    @property
    def has_result(self) -> bool:
        return bool(
            self.self_level
            or self.proposed
            or self.decided
            or self.codes
            or self.manifestations_text
        )


class _Subject:
    """The fields of one member review the checks read, loaded in bulk (the services'
    ``_check_*`` helpers and capuy.reviews.access take it like a ``Review``)."""

    # the review's own columns, read as they are
    OWN = (
        "id",
        "member_id",
        "organization_id",
        "org_path",
        "competent_path",
        "decision_level",
        "quota_group",
        "status",
        "exemption",
        "exemption_note",
        "classify",
        "locked",
        "ratings",
        "score_general",
        "score_tasks",
        "conditions",
        "manifestations_text",
        "manifestation_ids",
        "self_level",
        "proposed_level",
        "decided_level",
        "derived_level",
    )
    __slots__ = (
        *OWN,
        "cycle",
        "cycle_id",
        "subject_kind",
        "subject_name",
        "code",
        "search_name",
        "other_names",
        "cell_name",
        "cell_code",
        "committee_id",
        "seat_id",
        "tid",
    )

    # the organization's name and code (the cell's, for a member), last
    NAMED = ("organization__name", "organization__code")
    FIELDS = (
        *OWN,
        "member__full_name",
        "member__card_number",
        "member__search_text",
        *NAMED,
    )

    def __init__(self, cycle: ReviewCycle, values: tuple):
        (
            self.id,
            self.member_id,
            self.organization_id,
            self.org_path,
            self.competent_path,
            self.decision_level,
            self.quota_group,
            self.status,
            self.exemption,
            self.exemption_note,
            self.classify,
            self.locked,
            self.ratings,
            self.score_general,
            self.score_tasks,
            self.conditions,
            self.manifestations_text,
            self.manifestation_ids,
            self.self_level,
            self.proposed_level,
            self.decided_level,
            self.derived_level,
            self.subject_name,
            card,
            self.search_name,
            self.cell_name,
            self.cell_code,
        ) = values
        self.ratings = _json(self.ratings)
        self.conditions = _json(self.conditions)
        self.manifestation_ids = _json(self.manifestation_ids)
        self.cycle = cycle
        self.cycle_id = cycle.pk
        self.subject_kind = SubjectKind.MEMBER
        self.code = member_code(card, self.member_id)
        self.other_names = ()
        self.committee_id = self.seat_id = None
        self.tid = None  # where the row was when read (PostgreSQL's ctid), see _ScopeReviews

    # an organization, a leadership collective or a leader's post
    OTHER_FIELDS = (
        "subject_kind",
        "committee_id",
        "seat_id",
        "committee__kind",
        "seat__role",
    )

    @classmethod
    def other(cls, cycle: ReviewCycle, values: tuple) -> _Subject:
        subject = cls(cycle, values[: len(cls.FIELDS)])
        kind, committee_id, seat_id, committee_kind, role = values[len(cls.FIELDS) :]
        subject.subject_kind = kind
        subject.committee_id = committee_id
        subject.seat_id = seat_id
        org_name = subject.cell_name
        member_name = subject.subject_name
        if kind == SubjectKind.ORGANIZATION:
            subject.subject_name = org_name
            subject.code = subject_code(kind, subject.organization_id)
        elif kind == SubjectKind.COLLECTIVE:
            subject.subject_name = f"{_COMMITTEE_KINDS.get(committee_kind, '')} {org_name}"
            subject.code = subject_code(kind, committee_id)
        else:
            subject.subject_name = f"{member_name} — {_SEAT_ROLES.get(role, role)}"
            subject.code = subject_code(kind, seat_id)
        # the name column may hold the whole name, or just the organization's or the person's
        names = (subject.subject_name, org_name if kind != SubjectKind.LEADER else member_name)
        subject.search_name = search_key(names[0])
        subject.other_names = tuple(search_key(n) for n in names[1:] if n)
        return subject

    @property
    def is_individual(self) -> bool:
        return self.subject_kind in INDIVIDUAL_KINDS


@dataclass(slots=True)
class ImportRow:
    """One row that will be saved: the review and the steps it takes."""

    number: int
    subject: _Subject
    self_level: str
    proposed_level: str
    decided_level: str
    steps: tuple[str, ...]  # of "self", "propose", "decide"
    manifestation_ids: tuple[int, ...] | None
    manifestation_codes: tuple[str, ...]
    manifestations_text: str | None
    override_reason: str
    note: str
    derived_level: str
    linked: bool
    held_on: date | None = None  # the "Ngày" column: the meeting's day

    @property
    def name(self) -> str:
        return self.subject.subject_name

    @property
    def cell_name(self) -> str:
        return self.subject.cell_name

    @property
    def code(self) -> str:
        return self.subject.code


@dataclass
class ImportCheck:
    rows: list[ImportRow] = field(default_factory=list)
    errors: RowErrors = field(default_factory=RowErrors)
    total: int = 0  # data rows read
    skipped: int = 0  # rows with nothing to record (blank, or as already recorded)
    saved: int = 0
    filename: str = ""
    written: int | None = None  # reviews updated while checking (``_BulkWriter``)
    sent: int = 0  # rows handed to it
    # party members' rows handed to it and let go of (``_let_go_of_members``): not in ``rows``
    members_sent: int = 0
    saved_members: int = 0  # of ``saved``, party members

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows or self.members_sent)

    @property
    def shown_errors(self) -> list:
        return self.errors.sorted()[:SHOWN_ERRORS]

    @property
    def preview(self) -> list[ImportRow]:
        return self.rows[:PREVIEW_ROWS]

    def counts(self) -> dict[str, dict[str, int]]:
        """Per step, how many rows get each level (the preview's summary)."""
        out: dict[str, dict[str, int]] = {"self": {}, "propose": {}, "decide": {}}
        for row in self.rows:
            for step, level in (
                ("self", row.self_level),
                ("propose", row.proposed_level),
                ("decide", row.decided_level),
            ):
                if step in row.steps:
                    out[step][level or "—"] = out[step].get(level or "—", 0) + 1
        return out


def _text(value: Any) -> str:
    """``cell_text``, with a shortcut for plain ASCII text (NFC changes nothing there) and a
    cache for the rest (names, cells and notes repeat)."""
    if value.__class__ is str and value.isascii():
        return " ".join(value.split())
    return _cached_text(value) if value.__class__ is str else cell_text(value)


_cached_text = functools.lru_cache(maxsize=65536)(cell_text)


def _level_error(column: Column, raw: Any) -> str:
    return _(
        "%(field)s «%(v)s» không hợp lệ: ghi HTXSNV, HTTNV, HTNV, KHTNV, tên đầy đủ "
        "(ví dụ «Hoàn thành tốt nhiệm vụ») hoặc tên ngắn (Xuất sắc, Tốt, Hoàn thành, "
        "Không hoàn thành)."
    ) % {"field": column.label, "v": cell_text(raw)}


def _parser(present: dict[int, Column], errors: RowErrors, cycle: ReviewCycle, today):
    """A function turning one row (the cell values as calamine gives them) into a ``_Raw``,
    with the column positions resolved once."""
    where = {column.key: index for index, column in present.items()}
    width = max(where.values()) + 1
    (i_code, i_name, i_cell, i_self, i_codes, i_text, i_proposed, i_decided, i_reason) = (
        where.get(key, width)
        for key in (
            "code",
            "name",
            "cell",
            "self_level",
            "manifestations",
            "manifestations_text",
            "proposed_level",
            "decided_level",
            "override_reason",
        )
    )
    i_day, i_note = where.get("date", width), where.get("note", width)
    has_codes = "manifestations" in where
    has_text = "manifestations_text" in where
    add = errors.add
    recorded = errors.items
    text = _text

    def parse(number: int, values: list) -> _Raw:
        before = len(recorded)
        # exactly the mapped positions, then None at ``width`` for the absent columns
        size = len(values)
        if size < width:
            values = [*values, *([None] * (width - size)), None]
        else:
            values = [*values[:width], None]
        levels = []
        for column, index in ((SELF, i_self), (PROPOSED, i_proposed), (DECIDED, i_decided)):
            raw = values[index]
            level = parse_level(raw)
            if level is None:
                add(number, column, _level_error(column, raw))
                level = ""
            levels.append(level)
        codes = None
        if has_codes:
            found, bad = parse_manifestation_codes(values[i_codes])
            if bad:
                add(
                    number,
                    MANIFESTATIONS,
                    _("Mã biểu hiện không hợp lệ: %(v)s (ghi dạng A3 hoặc 1.3).")
                    % {"v": ", ".join(f"«{b}»" for b in bad)},
                )
            codes = found or None
        manifestations_text = (text(values[i_text]) or None) if has_text else None
        day = None
        try:
            day = _cell_date(values[i_day])
        except ValueError as exc:
            add(number, DAY, exc)
        else:
            problem = services.held_on_problem(cycle, day, today)
            if problem:
                add(number, DAY, problem)
        code = text(values[i_code])
        raw = _Raw(
            number,
            code,
            text(values[i_name]),
            text(values[i_cell]),
            levels[0],
            codes,
            manifestations_text,
            levels[1],
            levels[2],
            text(values[i_reason]),
            day,
            text(values[i_note]),
        )
        if not code and (raw.has_result or raw.name):
            add(number, CODE, _("Thiếu mã đảng viên."))
        raw.unreadable = len(recorded) != before
        return raw

    return parse


def _blank(value: Any) -> bool:
    return value is None or (value.__class__ is str and not value.strip())


@dataclass
class _Sheet:
    """A results sheet opened past its header: the row parser and the rows still to read."""

    parse: Any  # (row number, cell values) → _Raw, see ``_parser``
    numbered: Iterator[tuple[int, list]]
    data_rows: int  # at most this many rows below the header (calamine's range)


def _open(upload, cycle: ReviewCycle, errors: RowErrors) -> _Sheet:
    """The first sheet, its header found and checked (file-level problems raise
    ``ImportFileError``); calamine has read the whole sheet by then."""
    sheet = first_sheet(open_workbook(upload, max_bytes=MAX_BYTES))
    numbered = ((index + 1, values) for index, values in enumerate(sheet.iter_rows()))
    header_row, mapping = find_header(numbered, COLUMNS, search_rows=HEADER_SEARCH_ROWS)
    present = {column.key for column in mapping.values()}
    if not any(column.key in present for column in (*LEVEL_COLUMNS, MANIFESTATIONS)):
        raise ImportFileError(
            _("Tệp không có cột kết quả nào: cần ít nhất một trong các cột %(cols)s.")
            % {"cols": ", ".join(f"«{c.label}»" for c in (*LEVEL_COLUMNS, MANIFESTATIONS))}
        )
    parse = _parser(mapping, errors, cycle, timezone.localdate())
    return _Sheet(parse, numbered, max(0, sheet.start[0] + sheet.height - header_row))


def _rows(sheet: _Sheet) -> Iterator[_Raw]:
    """Every data row, parsed as calamine gives them (blank rows skipped), without a dict per
    row; a file of more than ``MAX_ROWS`` raises ``ImportFileError`` when it gets there."""
    parse = sheet.parse
    blank = _blank
    count = 0
    for number, values in sheet.numbered:
        first = values[0] if values else None
        if (first is None or first.__class__ is str and not first.strip()) and all(
            blank(v) for v in values
        ):
            continue
        if count >= MAX_ROWS:
            raise ImportFileError(
                _("Tệp có quá nhiều dòng: tối đa %(n)s dòng mỗi lần nhập.")
                % {"n": f"{MAX_ROWS:,}".replace(",", ".")}
            )
        count += 1
        yield parse(number, values)


def _read(upload, cycle: ReviewCycle, errors: RowErrors) -> list[_Raw]:
    """Every data row of the file, parsed (file-level problems raise ``ImportFileError``)."""
    return list(_rows(_open(upload, cycle, errors)))


@dataclass
class _ScopeReviews:
    """Every review of a cycle in the user's scope (under the file's organization): read while
    calamine reads a large file, instead of looking the file's codes up after it — which lets
    the rows be checked, and saved, as they are read."""

    subjects: list[_Subject]

    @classmethod
    def read(cls, user, cycle: ReviewCycle, organization) -> _ScopeReviews:
        in_scope = _reviews_in_scope(user, cycle, organization)
        # Each row's place (PostgreSQL's ctid) is read with it: the bulk writer updates the
        # row there (a TID scan, no index walked), and a row updated since then is no longer
        # there, which the UPDATE counts as changed meanwhile, like a changed level.
        table = connection.ops.quote_name(Review._meta.db_table)
        in_scope = in_scope.annotate(place=RawSQL(f"{table}.ctid::text", []))
        # One pass over the scope's rows: the members, and the organizations, collectives and
        # posts (a few per organization) among them. The organizations' names and codes (a
        # thousand cells for a hundred thousand members) are read apart: joined to every
        # row, they were a third of the read.
        own = _Subject.FIELDS[: -len(_Subject.NAMED)]
        width = len(own)
        member = str(SubjectKind.MEMBER)
        rows = _fetch(in_scope.values_list(*own, *_Subject.OTHER_FIELDS, "place"))
        at = own.index("organization_id")
        organizations = {
            pk: (name, code)
            for pk, name, code in Organization.objects.filter(
                _in("id", {values[at] for values in rows}, "bigint")
            ).values_list("id", *(field.split("__")[1] for field in _Subject.NAMED))
        }
        subjects = []
        add = subjects.append
        for values in rows:
            named = values[:width] + organizations[values[at]]
            if values[width] == member:
                subject = _Subject(cycle, named)
            else:
                subject = _Subject.other(cycle, named + values[width:-1])
            subject.tid = values[-1]
            add(subject)
        return cls(subjects)

    @staticmethod
    def worth_reading(data: bytes, cycle: ReviewCycle, organization) -> bool:
        """Whether the file looks like most of its scope: a capuy template takes ~57 bytes a
        row once zipped, so ``len(data) / 40`` over-counts its rows. A small file in a large
        scope is looked up by its codes instead."""
        members = (organization or cycle.organization).member_count
        return members <= MAX_ROWS and len(data) // 40 >= members // 2


def _canonical_code(code: str) -> str:
    """The code as the lookups key it: "id 12", "#12" → "ID12"; "tc-3" → "TC3"."""
    member_id = _member_id_from_code(code)
    if member_id is not None:
        return f"ID{member_id}"
    other = _other_from_code(code)
    return subject_code(*other) if other is not None else code


def _split_codes(codes: Iterable[str]) -> tuple[set[str], set[int], dict[str, set[int]]]:
    """Card numbers, member ids, and the other subjects' keys by kind, named by ``codes``."""
    cards: set[str] = set()
    ids: set[int] = set()
    others: dict[str, set[int]] = defaultdict(set)  # subject kind → ids of what it names
    for code in codes:
        member_id = _member_id_from_code(code)
        if member_id is not None:
            ids.add(member_id)
            continue
        other = _other_from_code(code)
        if other is None:
            cards.add(code)
        else:
            others[other[0]].add(other[1])
    return cards, ids, others


class _Lookups:
    """The reviews, manifestations and counts the rows refer to, in a few queries: those the
    file's codes name, or (``scope``) every review the user may import into."""

    def __init__(
        self,
        user,
        cycle: ReviewCycle,
        raws: list[_Raw] | None,
        organization,
        lock: bool,
        scope: _ScopeReviews | None = None,
    ):
        self.cycle = cycle
        self.by_code: dict[str, _Subject] = {}
        self.in_cycle: set[str] = set()  # of the codes not found: those in the cycle
        self.known: set[str] = set()  # … and the members' codes known at all
        if scope is not None:
            for subject in scope.subjects:
                self.by_code[subject.code] = subject
                if subject.subject_kind == SubjectKind.MEMBER:
                    self.by_code.setdefault(f"ID{subject.member_id}", subject)
        else:
            self._look_up(user, {r.code for r in raws if r.code}, organization)
        self.manifestations = {m.code: m for m in Manifestation.objects.all()}
        self.catalogue = {m.pk: m.code for m in self.manifestations.values()}
        self.linked_codes: dict[tuple[int, ...], frozenset[str]] = {}
        self.lock = lock
        self.quota_prefetched: dict[str, dict[str, int]] | None = None
        self.names: dict[str, str] = {}  # organization names by path (lookups_name)
        self.derivations: dict = {}
        self.level_checks: dict = {}
        self.refusals: dict = {}
        self.group_labels: dict = {}
        self.code_sets: dict[tuple[str, ...], tuple] = {}

    def codes_linked(self, subject: _Subject) -> frozenset[str]:
        """The codes of the manifestations the review links before the file."""
        ids = tuple(subject.manifestation_ids)
        found = self.linked_codes.get(ids)
        if found is None:
            found = self.linked_codes[ids] = frozenset(codes_of(ids, self.catalogue))
        return found

    def subject(self, code: str) -> _Subject | None:
        """The review a row's code names (written as the template writes it, or otherwise)."""
        subject = self.by_code.get(code)
        if subject is None:
            canonical = _canonical_code(code)
            if canonical != code:
                subject = self.by_code.get(canonical)
        return subject

    def _look_up(self, user, codes: set[str], organization) -> None:
        cycle = self.cycle
        cards, ids, others = _split_codes(codes)
        in_scope = _reviews_in_scope(user, cycle, organization)
        visible = in_scope.filter(subject_kind=SubjectKind.MEMBER)
        fields = (*_Subject.FIELDS, *_Subject.OTHER_FIELDS)
        for kind, keys in others.items():
            # a few hundred at most in a file: a plain IN
            for chunk in _chunks(sorted(keys), 5000):
                where = {"subject_kind": kind, f"{_OTHER_KEYS[kind]}__in": chunk}
                for values in in_scope.filter(**where).values_list(*fields):
                    subject = _Subject.other(cycle, values)
                    self.by_code[subject.code] = subject
        bulk = _bulk_in_possible()
        size = MAX_ROWS if bulk else 20_000
        for chunk in _chunks(sorted(cards), size):
            where = _in_table("member__card_number", chunk, "text") if bulk else None
            for values in _fetch(
                visible.filter(where or _in("member__card_number", chunk, "text")).values_list(
                    *_Subject.FIELDS
                )
            ):
                subject = _Subject(cycle, values)
                self.by_code[subject.code] = subject
        for chunk in _chunks(sorted(ids), 20_000):
            for values in _fetch(
                visible.filter(_in("member_id", chunk, "bigint")).values_list(*_Subject.FIELDS)
            ):
                subject = _Subject(cycle, values)
                self.by_code[f"ID{subject.member_id}"] = subject

    def explain_missing(self, codes: Iterable[str]) -> None:
        """For the error messages only: which of ``codes`` (not found in scope) are in the
        cycle all the same, and which members exist at all (``in_cycle``, ``known``, by
        canonical code)."""
        from capuy.members.models import Member

        cards, ids, others = _split_codes(codes)
        reviews = Review.objects.filter(cycle=self.cycle)
        members = reviews.filter(subject_kind=SubjectKind.MEMBER)
        for chunk in _chunks(sorted(cards), 20_000):
            self.in_cycle.update(
                members.filter(_in("member__card_number", chunk, "text")).values_list(
                    "member__card_number", flat=True
                )
            )
            self.known.update(
                Member.objects.filter(_in("card_number", chunk, "text")).values_list(
                    "card_number", flat=True
                )
            )
        for chunk in _chunks(sorted(ids), 20_000):
            self.in_cycle.update(
                f"ID{i}"
                for i in members.filter(_in("member_id", chunk, "bigint")).values_list(
                    "member_id", flat=True
                )
            )
            self.known.update(
                f"ID{i}"
                for i in Member.objects.filter(_in("pk", chunk, "bigint")).values_list(
                    "pk", flat=True
                )
            )
        for kind, keys in others.items():
            column = _OTHER_KEYS[kind]
            for chunk in _chunks(sorted(keys), 5000):
                self.in_cycle.update(
                    subject_code(kind, key)
                    for key in reviews.filter(
                        subject_kind=kind, **{f"{column}__in": chunk}
                    ).values_list(column, flat=True)
                )

    def prefetch_quota(self, groups: set[str]) -> None:
        """Read (and lock) the quota counts of ``groups`` now, before anything is written:
        ``quota_counts`` then answers from them (``_BulkWriter`` saves while checking)."""
        self.quota_prefetched = self.quota_counts(groups)

    def quota_counts(self, groups: set[str]) -> dict[str, dict[str, int]]:
        """Decided HTXSNV / HTTNV per quota group (locking the groups first when saving, as
        ``review_decide`` does)."""
        if self.quota_prefetched is not None:
            return {group: dict(self.quota_prefetched[group]) for group in groups}
        counts: dict[str, dict[str, int]] = {group: {} for group in groups}
        if self.lock and connection.vendor == "postgresql":
            keys = sorted(
                zlib.crc32(f"{self.cycle.pk}:{group}".encode()) - 2**31 for group in groups
            )
            with connection.cursor() as cursor:
                for key in keys:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [4242, key])
        from django.db.models import Count

        for chunk in _chunks(sorted(groups), 5000):
            rows = (
                Review.objects.filter(
                    cycle=self.cycle, quota_group__in=chunk, decided_level__in=(HTXSNV, HTTNV)
                )
                .values_list("quota_group", "decided_level")
                .annotate(n=Count("id"))
                .order_by()
            )
            for group, level, n in rows:
                counts[group][level] = n
        return counts


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error.args[0]) if error.args else _("Không có quyền.")


def _error_column(error: Exception, default: Column | None) -> Column | None:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        if "override_reason" in error.error_dict:
            return REASON
        if "manifestations" in error.error_dict:
            return MANIFESTATIONS
    return default


@paused_gc()
def review_import_check(
    *,
    acting_user,
    cycle: ReviewCycle,
    upload: IO[bytes] | bytes,
    organization: Organization | None = None,
    filename: str = "",
    lock: bool = False,
    save_above: int | None = None,
) -> ImportCheck:
    """Read and check every row; nothing is written. File-level problems come back as one
    error on row 0. ``lock`` (inside the commit's transaction) takes the quota locks.

    ``save_above`` (the commit, on PostgreSQL): a file of more rows is saved while it is
    checked (``_BulkWriter``); ``result.written`` then says how many reviews were updated.
    A file that looks like most of its scope is checked as it is read (the scope's reviews
    read beforehand), so that its first rows are being saved while the last are checked."""
    result = ImportCheck(filename=filename)
    errors = result.errors
    writer = None
    try:
        data = read_limited(upload, MAX_BYTES)
        if (
            save_above is not None
            and connection.vendor == "postgresql"
            and _ScopeReviews.worth_reading(data, cycle, organization)
        ):
            sheet, lookups, writer = _prepare_beside_file(
                data, cycle, errors, acting_user, organization, lock, filename
            )
            raws: Iterable[_Raw] = _rows(sheet)
            if sheet.data_rows <= save_above:  # a small file after all: through the services
                writer.finish()
                writer = None
        else:
            raws = _read(data, cycle, errors)
            with transaction.atomic():  # the lookups' temporary tables live in a transaction
                lookups = _Lookups(acting_user, cycle, raws, organization, lock)
            bulk = save_above is not None and len(raws) > save_above
            if bulk and connection.vendor == "postgresql":
                writer = _BulkWriter(acting_user, cycle, filename, lookups)
    except ImportFileError as exc:
        errors.add(0, "", exc)
        return result
    try:
        _check_rows(acting_user, cycle, raws, lookups, organization, result, writer)
    finally:
        if writer is not None:
            if not errors:
                writer.flush()
                _let_go_of_members(result)
            # so is what the checks read (the parsed sheet, the scope's lookups): freed while
            # the last writes run, not after them
            sheet = raws = lookups = None  # noqa: F841
            result.written = writer.finish()
            result.sent = writer.sent
    return result


def _let_go_of_members(result: ImportCheck) -> None:
    """Once every party member's row is with the bulk writer, and none failed, the result
    keeps their count and lets the rows go: freeing 100.000 of them (~0,1 s) then overlaps
    the writes still running, instead of following the commit. A saved file comes back as
    its counts; a refused one (changed meanwhile) as its message."""
    member = SubjectKind.MEMBER
    others = [row for row in result.rows if row.subject.subject_kind != member]
    result.members_sent = len(result.rows) - len(others)
    result.rows = others


def _prepare_beside_file(data: bytes, cycle, errors, user, organization, lock, filename):
    """``_open`` in a second thread (calamine lets go of the GIL for most of it) while this
    one reads the scope's reviews, builds the lookups from them and gets the bulk writer
    ready: the sheet, the lookups and the writer (to be finished by the caller)."""
    language = translation.get_language()

    def open_sheet() -> _Sheet:
        with translation.override(language):
            return _open(data, cycle, errors)

    with ThreadPoolExecutor(max_workers=1) as pool:
        opening = pool.submit(open_sheet)
        writer = None
        try:
            scope = _ScopeReviews.read(user, cycle, organization)
            lookups = _Lookups(user, cycle, None, organization, lock, scope)
            writer = _BulkWriter(user, cycle, filename, lookups)
        finally:
            try:
                sheet = opening.result()  # raises ImportFileError as _open does
            except BaseException:
                if writer is not None:
                    writer.finish()
                raise
    return sheet, lookups, writer


def _check_rows(acting_user, cycle, raws, lookups, organization, result, writer) -> None:
    """Check ``raws`` (a list, or rows still being read) in the file's order; each checked
    member row goes to ``writer`` while no row has failed."""
    errors = result.errors
    rules = effective_rules(cycle.rule_set)
    scope_name = organization.name if organization is not None else ""
    seen: dict[int, int] = {}  # review id → the row that named it
    missing: list[tuple[int, str]] = []  # rows whose code names no review in scope
    decisions: list[tuple[_Raw, _Subject]] = []
    planned: dict[int, ImportRow] = {}
    try:
        for raw in raws:
            result.total += 1
            if not raw.code:
                if not raw.has_result and not raw.name:
                    result.skipped += 1
                continue
            if raw.unreadable:
                continue
            subject = lookups.subject(raw.code)
            if subject is None:
                missing.append((raw.number, raw.code))
                continue
            member = subject.subject_kind == SubjectKind.MEMBER
            if subject.id in seen:
                message = (
                    _("Đảng viên mã %(c)s đã có ở dòng %(r)s: mỗi đảng viên chỉ ghi một dòng.")
                    if member
                    else _("Đối tượng mã %(c)s đã có ở dòng %(r)s: mỗi đối tượng chỉ ghi một dòng.")
                )
                errors.add(raw.number, CODE, message % {"c": raw.code, "r": seen[subject.id]})
                continue
            seen[subject.id] = raw.number
            mismatch = _identity_mismatch(raw, subject, member)
            if mismatch is not None:
                errors.add(raw.number, *mismatch)
                continue
            row = _plan_row(acting_user, raw, subject, rules, lookups, errors)
            if row is None:
                continue
            if not row.steps:
                result.skipped += 1
                continue
            planned[raw.number] = row
            if "decide" in row.steps:
                decisions.append((raw, subject))
            if writer is not None and member and not errors and not missing:
                writer.add(row)  # the other subjects (a few per organization) go through services
    except ImportFileError as exc:  # found while reading (too many rows)
        errors.add(0, "", exc)
        return
    if writer is not None and not errors and not missing:
        # the last rows are written while the quota is checked: a refusal still rolls back
        writer.flush()
    if not result.total:
        errors.add(0, "", _("Tệp không có dòng dữ liệu nào."))
        return
    if missing:  # why each code was not found: read for the messages alone
        lookups.explain_missing(code for _number, code in missing)
        for number, code in missing:
            errors.add(number, CODE, _missing_message(code, lookups, cycle, scope_name))
    _check_quota(rules, decisions, planned, lookups, errors)
    failed = errors.rows()
    # planned in the file's order already
    result.rows = [row for number, row in planned.items() if number not in failed]


_key = functools.lru_cache(maxsize=65536)(search_key)


def _identity_mismatch(raw: _Raw, subject: _Subject, member: bool) -> tuple[Column, str] | None:
    """The row's name or cell, where given, not those of the review its code names."""
    if (
        raw.name
        and _key(raw.name) != subject.search_name
        and _key(raw.name) not in subject.other_names
    ):
        message = (
            _("Mã %(c)s là của đảng viên %(n)s, không phải «%(v)s».")
            if member
            else _("Mã %(c)s là của «%(n)s», không phải «%(v)s».")
        )
        return NAME, message % {"c": raw.code, "n": subject.subject_name, "v": raw.name}
    if raw.cell and _key(raw.cell) not in (_key(subject.cell_name), _key(subject.cell_code)):
        message = (
            _("Đảng viên %(n)s sinh hoạt ở %(cell)s, không phải «%(v)s».")
            if member
            else _("«%(n)s» thuộc %(cell)s, không phải «%(v)s».")
        )
        return CELL, message % {"n": subject.subject_name, "cell": subject.cell_name, "v": raw.cell}
    return None


def _missing_message(code: str, lookups: _Lookups, cycle: ReviewCycle, scope_name: str) -> str:
    known_as = _canonical_code(code)  # how ``explain_missing`` keys it
    if _other_from_code(code) is not None:
        if known_as in lookups.in_cycle:
            return _(
                "Đối tượng mã %(c)s nằm ngoài phạm vi của tệp nhập hoặc phạm vi được phân quyền "
                "của bạn."
            ) % {"c": code}
        return _("Không có đối tượng mã %(c)s trong đợt «%(cycle)s».") % {
            "c": code,
            "cycle": cycle.name,
        }
    if known_as in lookups.in_cycle:
        if scope_name:
            return _(
                "Đảng viên mã %(c)s không thuộc %(org)s (phạm vi của tệp nhập) hoặc nằm ngoài "
                "phạm vi được phân quyền của bạn."
            ) % {"c": code, "org": scope_name}
        return _(
            "Đảng viên mã %(c)s nằm ngoài phạm vi được phân quyền của bạn: không ghi kết quả "
            "cho đảng viên này."
        ) % {"c": code}
    if known_as in lookups.known:
        return _("Đảng viên mã %(c)s không có trong đợt «%(cycle)s».") % {
            "c": code,
            "cycle": cycle.name,
        }
    return _("Không tìm thấy đảng viên có mã %(c)s.") % {"c": code}


# the steps a row takes, by (self-review, proposal, decision) wanted
_STEPS = {
    (self_step, propose_step, decide_step): tuple(
        step
        for step, wanted in (
            ("self", self_step),
            ("propose", propose_step),
            ("decide", decide_step),
        )
        if wanted
    )
    for self_step in (False, True)
    for propose_step in (False, True)
    for decide_step in (False, True)
}


def _plan_row(user, raw: _Raw, subject: _Subject, rules, lookups, errors) -> ImportRow | None:
    """What the row changes, checked step by step as the services check it; None on error."""
    number = raw.number
    if not raw.has_result:
        return ImportRow(number, subject, "", "", "", (), None, (), None, "", "", "", False)
    current_codes = lookups.codes_linked(subject)
    if subject.status == ReviewStatus.EXEMPT:
        try:
            services._check_not_exempt(subject)
        except ValidationError as error:
            errors.add(number, _first_given(raw), _message(error))
            return None
    pending = subject.status == ReviewStatus.PENDING
    wanted_self = raw.self_level or ("" if pending else subject.self_level)
    codes_change = raw.codes is not None and set(raw.codes) != current_codes
    text_change = (
        raw.manifestations_text is not None
        and raw.manifestations_text != subject.manifestations_text
    )
    self_inputs = bool(raw.self_level or raw.codes or raw.manifestations_text)
    self_step = self_inputs and (
        pending
        or bool(raw.self_level and raw.self_level != subject.self_level)
        or codes_change
        or text_change
    )
    propose_step = bool(raw.proposed) and (
        raw.proposed != subject.proposed_level or subject.status == ReviewStatus.SELF_REVIEWED
    )
    if self_step and (raw.proposed or not subject.classify):
        propose_step = True  # the cell's result: both steps or neither (record_cell_result)
    if subject.status == ReviewStatus.DECIDED and raw.decided == subject.decided_level:
        decide_step = False
    else:
        decide_step = bool(raw.decided)
    if subject.status == ReviewStatus.DECIDED and not decide_step:
        # Nothing to change on a decided review unless the file differs from it.
        if self_step or (propose_step and raw.proposed != subject.proposed_level):
            try:
                services._check_unlocked(subject)
            except ValidationError as error:
                errors.add(number, _first_given(raw), _message(error))
                return None
        self_step = propose_step = False
    steps = _STEPS[self_step, propose_step, decide_step]
    if not steps:
        return ImportRow(number, subject, "", "", "", (), None, (), None, "", "", "", False)

    ok = True
    if subject.locked or subject.cycle.level_closed(subject.decision_level):
        try:
            services._check_open(subject)
            services._check_unlocked(subject)
        except ValidationError as error:
            errors.add(number, _first_given(raw), _message(error))
            return None
    refusals = []
    own = getattr(user, "member_id", None) == subject.member_id
    for step, column in (("self", SELF), ("propose", PROPOSED), ("decide", DECIDED)):
        if step not in steps:
            continue
        key = (step, subject.org_path, subject.competent_path)
        if own or key not in lookups.refusals:
            if step == "self":
                refusal = access.self_assess_refusal(user, subject)
            elif step == "propose":
                refusal = access.propose_refusal(user, subject)
            else:
                name = lookups_name(lookups, subject.competent_path)
                refusal = access.decide_refusal(user, subject, name)
            if own:
                refusals.append((column, refusal))
                continue
            lookups.refusals[key] = refusal
        refusals.append((column, lookups.refusals[key]))
    for column, refusal in refusals:
        if refusal:
            errors.add(number, column, refusal)
            ok = False
    if not ok:
        return None

    manifestation_ids = None
    codes = tuple(sorted(current_codes))
    if raw.codes is not None:
        resolved = lookups.code_sets.get(raw.codes)
        if resolved is None:
            known = lookups.manifestations
            resolved = lookups.code_sets[raw.codes] = (
                [c for c in raw.codes if c not in known],
                [c for c in raw.codes if c in known and not known[c].active],
                tuple(sorted({known[c].pk for c in raw.codes if c in known})),
                tuple(sorted(raw.codes)),
            )
        unknown, inactive, manifestation_ids, codes = resolved
        if unknown:
            errors.add(
                number,
                MANIFESTATIONS,
                _("Không có biểu hiện mã %(v)s trong danh mục 27 biểu hiện.")
                % {"v": ", ".join(unknown)},
            )
            return None
        if inactive:
            errors.add(
                number,
                MANIFESTATIONS,
                _("Biểu hiện không còn dùng: %s.") % ", ".join(inactive),
            )
            return None
    text = raw.manifestations_text
    final_text = text if text is not None else subject.manifestations_text
    linked = bool(codes) or bool(final_text)
    if not subject.is_individual:
        if raw.codes or raw.manifestations_text:
            errors.add(
                number,
                MANIFESTATIONS,
                _(
                    "Chỉ cá nhân liên hệ các biểu hiện suy thoái: để trống cột này với tổ chức "
                    "đảng và tập thể lãnh đạo."
                ),
            )
            return None
    elif "self" in steps and not linked:
        errors.add(
            number,
            MANIFESTATIONS,
            _(
                "Bản tự kiểm điểm của cá nhân phải liên hệ với các biểu hiện suy thoái: chọn ít "
                "nhất một trong 27 biểu hiện hoặc ghi nội dung liên hệ."
            ),
        )
        return None

    plain = not subject.ratings and not subject.conditions
    plain = plain and subject.score_general is None and subject.score_tasks is None
    memo_key = (subject.subject_kind, subject.exemption, subject.classify) if plain else None
    derivation = lookups.derivations.get(memo_key) if memo_key else None
    if derivation is None:
        derivation = services._derive(subject, rules)
        if memo_key:
            lookups.derivations[memo_key] = derivation
    reason = raw.reason
    proposed = raw.proposed if "propose" in steps else subject.proposed_level
    for step, column, level in (
        ("self", SELF, wanted_self),
        ("propose", PROPOSED, proposed),
        ("decide", DECIDED, raw.decided),
    ):
        if step not in steps:
            continue
        if step == "propose" and "self" not in steps and subject.status == ReviewStatus.PENDING:
            errors.add(
                number,
                column,
                _("%(subject)s chưa tự kiểm điểm: ghi bản tự kiểm điểm trước khi đề xuất mức.")
                % {"subject": subject.subject_name},
            )
            return None
        if step == "decide" and "self" not in steps and subject.status == ReviewStatus.PENDING:
            errors.add(
                number,
                column,
                _("%(subject)s chưa tự kiểm điểm: chưa thể quyết định xếp loại.")
                % {"subject": subject.subject_name},
            )
            return None
        check_key = (memo_key, level, bool(reason.strip())) if memo_key else None
        problem = lookups.level_checks.get(check_key, False) if check_key else False
        if problem is False:
            problem = None
            try:
                services._check_level(subject, rules, derivation, level, reason)
            except ValidationError as error:
                problem = (_error_column(error, None), _message(error))
            if check_key:
                lookups.level_checks[check_key] = problem
        if problem is not None:
            errors.add(number, problem[0] or column, problem[1])
            return None
    return ImportRow(
        number=number,
        subject=subject,
        self_level=wanted_self if "self" in steps else subject.self_level,
        proposed_level=proposed,
        decided_level=raw.decided if "decide" in steps else subject.decided_level,
        steps=steps,
        manifestation_ids=manifestation_ids,
        manifestation_codes=codes,
        manifestations_text=text,
        override_reason=reason,
        note=raw.note or "",
        derived_level=derivation.level or "",
        linked=linked,
        held_on=raw.day,
    )


def lookups_name(lookups: _Lookups, path: str) -> str:
    names = lookups.names
    if path not in names:
        names.update(organization_names([path]))
        names.setdefault(path, "")
    return names[path]


def _first_given(raw: _Raw) -> Column:
    if raw.self_level:
        return SELF
    if raw.proposed:
        return PROPOSED
    if raw.decided:
        return DECIDED
    return MANIFESTATIONS


def _check_quota(rules, decisions, planned, lookups: _Lookups, errors: RowErrors) -> None:
    """The excellent quota of every group the file decides in, lowest levels first (as
    ``review_decide_many``), each decision counted after the ones it follows."""
    rows = [planned[raw.number] for raw, _subject in decisions if raw.number in planned]
    if not rows:
        return
    groups = {row.subject.quota_group for row in rows}
    counts = lookups.quota_counts(groups)
    names = organization_names(
        {group.partition(":")[2].split(":")[0] for group in groups if ":" in group}
    )
    labels: dict[str, str] = {}
    # quota_check depends on the counts and the two levels only (the label is for the message)
    outcomes: dict[tuple, bool] = {}
    for row in sorted(rows, key=lambda r: (LEVEL_RANK.get(r.decided_level, 0), r.number)):
        subject = row.subject
        group = counts[subject.quota_group]
        key = (
            subject.subject_kind,
            group.get(HTXSNV, 0),
            group.get(HTTNV, 0),
            row.decided_level,
            subject.decided_level,
        )
        ok = outcomes.get(key)
        if ok is None:
            ok = outcomes[key] = quota_check(
                rules,
                subject.subject_kind,
                counts=group,
                new_level=row.decided_level,
                old_level=subject.decided_level,
            ).ok
        if not ok:
            check = quota_check(
                rules,
                subject.subject_kind,
                counts=group,
                new_level=row.decided_level,
                old_level=subject.decided_level,
                group_label=labels.get(subject.quota_group)
                or labels.setdefault(
                    subject.quota_group, quota_group_label(subject.quota_group, names)
                ),
            )
            errors.add(row.number, DECIDED, check.message)
            continue
        if subject.decided_level in (HTXSNV, HTTNV):
            group[subject.decided_level] = group.get(subject.decided_level, 0) - 1
        if row.decided_level in (HTXSNV, HTTNV):
            group[row.decided_level] = group.get(row.decided_level, 0) + 1


# --- saving ---------------------------------------------------------------------------------


class _Rollback(Exception):
    pass


@paused_gc()
def review_import_commit(
    *,
    acting_user,
    cycle: ReviewCycle,
    upload: IO[bytes] | bytes,
    organization: Organization | None = None,
    filename: str = "",
    service_rows: int = SERVICE_ROWS,
) -> ImportCheck:
    """Check again inside one transaction (the data may have changed since the preview) and
    save every row; if any row fails, nothing is saved and the errors come back with the rows.
    A saved file comes back as its counts (``saved``, ``saved_members``), without its rows."""
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Costed against a national review table, the chunk writes pass the JIT
                # threshold: compiling costs 30 ms a statement and saves nothing on 20.000
                # rows reached by their keys.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL jit = off")
            # Serializes with closing a level (cycle_close_level locks the cycle too).
            cycle = (
                ReviewCycle.objects.select_for_update(of=("self",))
                .select_related("rule_set", "rule_set__base", "organization")
                .get(pk=cycle.pk)
            )
            result = review_import_check(
                acting_user=acting_user,
                cycle=cycle,
                upload=upload,
                organization=organization,
                filename=filename,
                lock=True,
                save_above=service_rows,
            )
            if not result.ok:
                raise _Rollback(result)
            errors = result.errors
            member = SubjectKind.MEMBER
            if result.written is not None:  # the members saved while checking, rows let go
                if result.written != result.sent or result.sent != result.members_sent:
                    _changed_meanwhile(errors, result.members_sent - result.written)
                else:
                    _save_with_services(acting_user, result.rows, errors, filename)
            elif len(result.rows) <= service_rows:
                _save_with_services(acting_user, result.rows, errors, filename)
            else:
                members = [r for r in result.rows if r.subject.subject_kind == member]
                others = [r for r in result.rows if r.subject.subject_kind != member]
                _save_in_bulk(acting_user, cycle, members, errors, filename)
                if not errors:
                    _save_with_services(acting_user, others, errors, filename)
            if result.errors:
                raise _Rollback(result)
    except _Rollback as stop:
        result = stop.args[0]
        result.saved = 0
        return result
    in_rows = sum(1 for row in result.rows if row.subject.subject_kind == member)
    result.saved = len(result.rows) + result.members_sent
    result.saved_members = in_rows + result.members_sent
    # Once saved, the rows are dropped here, while the cycle collector is still paused: every
    # object made during the pause is in its youngest generation, and the first collection
    # after it walks whatever is still alive (0,24 s for the 100.000 rows of a national file).
    result.rows = []
    return result


def _event_note(row: ImportRow, filename: str, template: str | None = None) -> str:
    template = template or _("Nhập từ tệp «%(f)s», dòng %(r)s")
    source = template % {"f": filename or "Excel", "r": row.number}
    return f"{source}; {row.note}" if row.note else source


def _save_with_services(acting_user, rows: list[ImportRow], errors: RowErrors, filename: str):
    """Row by row through the services the pages call: the self-assessment and the cell's
    proposal first (as review_record_cell_result), then the decisions, lowest levels first."""
    if not rows:
        return
    manifestations = {m.pk: m for m in Manifestation.objects.all()}
    reviews = Review.objects.in_bulk([row.subject.id for row in rows])
    ordered = sorted(
        rows,
        key=lambda r: ("decide" in r.steps, LEVEL_RANK.get(r.decided_level, 0), r.number),
    )
    for row in ordered:
        review = reviews[row.subject.id]
        note = _event_note(row, filename)
        try:
            if "self" in row.steps:
                review = services.review_self_assess(
                    acting_user=acting_user,
                    review=review,
                    level=row.self_level,
                    manifestations=None
                    if row.manifestation_ids is None
                    else [manifestations[pk] for pk in row.manifestation_ids],
                    manifestations_text=row.manifestations_text,
                    override_reason=row.override_reason,
                    note=note,
                    held_on=row.held_on,
                )
            if "propose" in row.steps:
                review = services.review_propose(
                    acting_user=acting_user,
                    review=review,
                    level=row.proposed_level,
                    override_reason=row.override_reason,
                    note=note,
                    held_on=row.held_on,
                )
            if "decide" in row.steps:
                services.review_decide(
                    acting_user=acting_user,
                    review=review,
                    level=row.decided_level,
                    override_reason=row.override_reason,
                    note=note,
                    held_on=row.held_on,
                )
        except (ValidationError, PermissionDenied) as error:
            column = DECIDED if "decide" in row.steps else SELF
            errors.add(row.number, _error_column(error, column), _message(error))


def _member_warnings(cycle: ReviewCycle, paths: set[str]) -> set[str]:
    """Of the cells at ``paths``, those whose leadership collective is still undecided
    (``order_warnings`` for members)."""
    found: set[str] = set()
    for chunk in _chunks(sorted(paths), 5000):
        found.update(
            Review.objects.filter(
                _in("org_path", chunk, "text"),
                cycle=cycle,
                subject_kind=SubjectKind.COLLECTIVE,
            )
            .exclude(status__in=(ReviewStatus.DECIDED, ReviewStatus.EXEMPT))
            .values_list("org_path", flat=True)
        )
    return found


_EVENT_COLUMNS = (
    "review_id",
    "step",
    "level",
    "derived_level",
    "override_reason",
    "note",
    "data",
    "warnings",
    "by_id",
    "at",
    "held_on",
)


class _Tuples:
    """Turns a checked row into the one tuple the bulk save writes for it: the review's new
    and old values, the steps, the events' texts and the new links' ids (in ``_TEMP_COLUMNS``
    order). Texts shared by many rows (manifestation codes, warnings) are built once."""

    def __init__(self, filename: str, undecided_collectives: set[str]):
        self.undecided_collectives = undecided_collectives
        self.template = _("Nhập từ tệp «%(f)s», dòng %(r)s")
        self.source = filename or "Excel"
        self.self_json: dict[tuple, str] = {}  # a plain self-review's event data, by codes
        self.ids_json: dict[tuple, str] = {}
        self.warnings_json: dict[tuple, str] = {}

    def __call__(self, row: ImportRow) -> tuple:
        s = row.subject
        steps = row.steps
        note = self.template % {"f": self.source, "r": row.number}
        if row.note:
            note = f"{note}; {row.note}"
        plain = (
            s.ratings == {}
            and s.conditions == {}
            and s.score_general is None
            and s.score_tasks is None
        )
        # None: the plain snapshot, _PLAIN_SNAPSHOT
        data = None if plain else json.dumps(services._snapshot(s), ensure_ascii=False)
        status = s.status
        ev_self = "self" in steps
        ev_propose = "propose" in steps
        ev_decide = "decide" in steps
        self_data = warnings = mids = None
        if ev_self:
            # the self-review's event data whole: the snapshot and the codes linked
            key = row.manifestation_codes
            if plain:
                self_data = self.self_json.get(key)
                if self_data is None:
                    self_data = self.self_json[key] = json.dumps({"manifestations": list(key)})
            else:
                snapshot = {**services._snapshot(s), "manifestations": list(key)}
                self_data = json.dumps(snapshot, ensure_ascii=False)
            if status == ReviewStatus.PENDING:
                status = ReviewStatus.SELF_REVIEWED
            if row.manifestation_ids is not None:
                key = row.manifestation_ids
                mids = self.ids_json.get(key)
                if mids is None:
                    mids = self.ids_json[key] = json.dumps(list(key))
        if ev_propose:
            status = ReviewStatus.PROPOSED
        locked = s.locked
        if ev_decide:
            first = s.org_path in self.undecided_collectives
            second = status == ReviewStatus.SELF_REVIEWED
            if first or second:
                key = (first, second)
                warnings = self.warnings_json.get(key)
                if warnings is None:
                    found = [str(WARN_CELL_COMMITTEE_UNDECIDED)] if first else []
                    if second:
                        found.append(str(WARN_NO_PROPOSAL))
                    warnings = json.dumps(found, ensure_ascii=False)
                    self.warnings_json[key] = warnings
            status = ReviewStatus.DECIDED
            locked = True
        text = (
            row.manifestations_text
            if ev_self and row.manifestations_text is not None
            else s.manifestations_text
        )
        return (
            s.id,
            row.self_level,
            row.proposed_level,
            row.decided_level,
            row.derived_level,
            status,
            locked,
            text,
            row.linked if ev_self else None,
            s.status,
            s.self_level,
            s.proposed_level,
            row.number,
            ev_self,
            ev_propose,
            ev_decide,
            row.override_reason,
            note,
            data,
            self_data,
            warnings,
            mids,
            row.held_on,
            s.tid,
        )


def _changed_meanwhile(errors: RowErrors, missed: int) -> None:
    errors.add(
        0,
        "",
        _(
            "Có %(n)s đối tượng vừa được người khác cập nhật trong lúc nhập: hãy tải tệp "
            "lên lại để kiểm tra."
        )
        % {"n": missed},
    )


def _save_in_bulk(
    acting_user, cycle: ReviewCycle, rows: list[ImportRow], errors: RowErrors, filename: str
) -> None:
    """The same changes as the services, for a large file (databases other than PostgreSQL,
    which saves while checking, ``_BulkWriter``): one optimistic UPDATE per batch of reviews
    (refused if any changed since the check), then their events and history rows."""
    now = timezone.now()
    user_id = acting_user.pk
    paths = {row.subject.org_path for row in rows if "decide" in row.steps}
    make = _Tuples(filename, _member_warnings(cycle, paths))
    updates = [make(row) for row in rows]
    changed = _update_reviews(updates)
    if changed != len(updates):
        _changed_meanwhile(errors, len(updates) - changed)
        return
    plain_data = json.dumps(_PLAIN_SNAPSHOT, ensure_ascii=False)
    _save_from_tuples(updates, plain_data, user_id, now)
    _history(Review, [u[0] for u in updates], now, user_id)


class _BulkWriter:
    """Saves a large file on PostgreSQL while it is being checked.

    Checking is Python, on one core; writing is PostgreSQL, on the other. Rather than check
    every row and then wait for the writes, each chunk of checked rows goes to a thread that
    COPYs it into a temporary table and runs the UPDATE (with the history rows) and the
    INSERT of events from it, on the same connection and inside the commit's
    transaction (psycopg serializes the connection's use between threads). Once a row fails,
    no further chunk is sent, and the transaction is rolled back whatever was written: the
    file is still saved whole or not at all.
    """

    # Fewer, larger chunks cost PostgreSQL less (each one is a few statements and a join);
    # the first ones are small so that the writing starts early and, the writer being slower
    # than the checks, never waits for them (5.000, 10.000, then 20.000 rows).
    FIRST_CHUNK = 5_000
    CHUNK = 20_000

    def __init__(self, acting_user, cycle: ReviewCycle, filename: str, lookups: _Lookups):
        self.now = timezone.now()
        self.user_id = acting_user.pk
        # what the checks read from the database is read before the first write
        groups, competent, paths = set(), set(), set()
        for s in lookups.by_code.values():
            groups.add(s.quota_group)
            competent.add(s.competent_path)
            paths.add(s.org_path)
        lookups.prefetch_quota(groups)
        lookups.names.update(organization_names(competent))
        lookups.names.update((path, "") for path in competent if path not in lookups.names)
        self.make = _Tuples(filename, _member_warnings(cycle, paths))
        self.plain_data = json.dumps(_PLAIN_SNAPSHOT, ensure_ascii=False)
        self.pending: list[ImportRow] = []
        self.limit = self.FIRST_CHUNK
        self.sent = 0
        self.changed = 0
        self.failure: BaseException | None = None
        self.raw = connection.connection  # the psycopg connection of this transaction
        with self.raw.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS capuy_review_import")
            cursor.execute(
                f"CREATE TEMP TABLE capuy_review_import ({_TEMP_COLUMNS}) ON COMMIT DROP"
            )
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.thread = threading.Thread(target=self._run, name="review-import-writer", daemon=True)
        self.thread.start()

    def add(self, row: ImportRow) -> None:
        self.pending.append(row)
        if len(self.pending) >= self.limit:
            self.flush()
            self.limit = min(2 * self.limit, self.CHUNK)

    def flush(self) -> None:
        if self.pending:
            updates = [self.make(row) for row in self.pending]
            self.pending = []
            self.sent += len(updates)
            placed = all(u[23] is not None for u in updates)
            # the COPY text is built here: this thread has time to spare, the writer has none
            self.queue.put(("".join(_copy_lines(updates)), placed))

    def finish(self) -> int:
        """Wait for the writes; the number of reviews updated. Raises what a write raised."""
        self.queue.put(None)
        self.thread.join()
        if self.failure is not None:
            raise self.failure
        return self.changed

    def _run(self) -> None:
        while (chunk := self.queue.get()) is not None:
            try:
                if self.failure is None:
                    text, placed = chunk
                    with self.raw.cursor() as cursor:
                        self.changed += _write_chunk(
                            cursor, text, self.plain_data, self.user_id, self.now, placed
                        )
            except BaseException as error:  # re-raised by finish(), in the checking thread
                self.failure = error
            finally:
                self.queue.task_done()


_PLAIN_SNAPSHOT: dict = {}  # services._snapshot of a review without ratings, scores, conditions


def _write_chunk(cursor, text: str, plain_data: str, user_id, now, placed: bool = False) -> int:
    """PostgreSQL: one chunk of ``_BulkWriter``'s tuples saved; the number of reviews updated.

    ``text`` (the tuples as ``_copy_lines`` writes them) is COPYed into the temporary table,
    then one UPDATE … FROM it writes the reviews still as the check saw them and, from what
    it returns, their history rows (the links are on the review); the events (each review's
    in step order, so the ids follow the file as the row-by-row inserts did) are inserted from
    the same table in SQL, in the same statement. ``placed``: every row carries the place its review was read at
    (``tid``), where the UPDATE finds it without walking the primary key."""
    with cursor.copy("COPY capuy_review_import FROM STDIN") as copy:
        copy.write(text)
    if placed:
        where = "r.ctid = v.tid AND r.id = v.id"
    else:
        # A temporary table has no statistics: the planner would guess its rows from its
        # size. Counted (the id column alone: 4 ms, all of them 30–150 ms), it joins a chunk
        # to the reviews through their primary key once the table holds a country's cycles.
        # (A join by place is a TID scan whatever the count.)
        cursor.execute("ANALYZE capuy_review_import (id)")
        where = "r.id = v.id"
    history_table, columns = _history_columns(Review)
    returned = ", ".join(f"r.{c}" for c in columns)
    event_table = ReviewEvent._meta.db_table
    names = ", ".join(connection.ops.quote_name(c) for c in _EVENT_COLUMNS)
    # One statement (the COPY aside): each round trip costs the writer's thread the GIL back
    # from the checking thread, up to 5 ms. Its parts see the same rows of the chunk table,
    # which the last one empties for the next chunk. The events are inserted for every row,
    # updated or not: a row not updated refuses the whole file.
    cursor.execute(
        f"WITH changed AS (UPDATE {Review._meta.db_table} AS r SET self_level = v.self_level, "
        "proposed_level = v.proposed_level, decided_level = v.decided_level, "
        "derived_level = v.derived_level, status = v.status, locked = v.locked, "
        "manifestations_text = v.text, "
        "manifestations_linked = COALESCE(v.linked, r.manifestations_linked), "
        "manifestation_ids = COALESCE(v.mids, r.manifestation_ids) "
        f"FROM capuy_review_import AS v WHERE {where} "
        "AND r.status = v.old_status AND r.self_level = v.old_self "
        f"AND r.proposed_level = v.old_proposed AND NOT r.locked RETURNING {returned}), "
        f"history AS (INSERT INTO {history_table} ({', '.join(columns)}, history_date, "
        "history_type, history_user_id, history_change_reason) "
        f"SELECT {', '.join(columns)}, %s, '~', %s, NULL FROM changed RETURNING 1), "
        f"events AS (INSERT INTO {event_table} ({names}) "
        "SELECT v.id, e.step, e.level, v.derived_level, v.reason, v.note, e.data, "
        "e.warnings, %s, %s, v.held_on FROM capuy_review_import AS v CROSS JOIN LATERAL (VALUES "
        "(1, %s, v.self_level, v.self_data, '[]'::jsonb, v.ev_self), "
        "(2, %s, v.proposed_level, COALESCE(v.data, %s::jsonb), '[]'::jsonb, v.ev_propose), "
        "(3, %s, v.decided_level, COALESCE(v.data, %s::jsonb), "
        "COALESCE(v.warnings, '[]'::jsonb), v.ev_decide)"
        ") AS e(k, step, level, data, warnings, wanted) "
        "WHERE e.wanted), "
        "emptied AS (DELETE FROM capuy_review_import) "
        "SELECT count(*) FROM history",
        [
            now,
            user_id,
            user_id,
            now,
            str(ReviewStep.SELF),
            str(ReviewStep.PROPOSE),
            plain_data,
            str(ReviewStep.DECIDE),
            plain_data,
        ],
    )
    (changed,) = cursor.fetchone()
    return changed


def _save_from_tuples(updates: list[tuple], plain_data: str, user_id, now) -> None:
    """Events built in Python and inserted in batches (not PostgreSQL)."""
    events = []
    for u in updates:
        review_id = u[0]
        data = u[18] or plain_data
        reason, note = u[16], u[17]
        if u[13]:
            self_data = u[19]
            events.append(
                (review_id, ReviewStep.SELF, u[1], u[4], reason, note, self_data, "[]")
                + (user_id, now, u[22])
            )
        if u[14]:
            events.append(
                (review_id, ReviewStep.PROPOSE, u[2], u[4], reason, note, data, "[]")
                + (user_id, now, u[22])
            )
        if u[15]:
            events.append(
                (review_id, ReviewStep.DECIDE, u[3], u[4], reason, note, data, u[20] or "[]")
                + (user_id, now, u[22])
            )
    _insert(ReviewEvent._meta.db_table, _EVENT_COLUMNS, events)


_TEMP_COLUMNS = (
    "id bigint, self_level text, proposed_level text, decided_level text, derived_level text, "
    "status text, locked boolean, text text, linked boolean, old_status text, old_self text, "
    "old_proposed text, ord integer, ev_self boolean, ev_propose boolean, ev_decide boolean, "
    "reason text, note text, data jsonb, self_data jsonb, warnings jsonb, mids jsonb, held_on date, "
    "tid tid"
)


def _copy_text(value: str | None) -> str:
    """A text value in COPY's text format."""
    if value is None:
        return "\\N"
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value


def _copy_lines(updates: list[tuple]) -> Iterator[str]:
    """The rows of ``updates`` as COPY text, a few thousand lines at a time."""
    esc = _copy_text
    flag = {True: "t", False: "f", None: "\\N"}
    for chunk in _chunks(updates, 5000):
        lines = []
        for u in chunk:
            lines.append(
                f"{u[0]}\t{u[1]}\t{u[2]}\t{u[3]}\t{u[4]}\t{u[5]}\t{flag[u[6]]}\t{esc(u[7])}\t"
                f"{flag[u[8]]}\t{u[9]}\t{u[10]}\t{u[11]}\t{u[12]}\t{flag[u[13]]}\t"
                f"{flag[u[14]]}\t{flag[u[15]]}\t{esc(u[16])}\t{esc(u[17])}\t{esc(u[18])}\t"
                f"{esc(u[19])}\t{esc(u[20])}\t{esc(u[21])}"
                + ("\t\\N" if u[22] is None else f"\t{u[22].isoformat()}")
                + ("\t\\N\n" if u[23] is None else f"\t{u[23]}\n")
            )
        yield "".join(lines)


def _update_reviews(updates: list[tuple]) -> int:
    """UPDATE the reviews where they are still as the check saw them, in batches (databases
    other than PostgreSQL); the number updated."""
    sql = (
        f"UPDATE {Review._meta.db_table} SET self_level = %s, proposed_level = %s, "
        "decided_level = %s, derived_level = %s, status = %s, locked = %s, "
        "manifestations_text = %s, manifestations_linked = COALESCE(%s, manifestations_linked), "
        "manifestation_ids = COALESCE(%s, manifestation_ids) "
        "WHERE id = %s AND status = %s AND self_level = %s AND proposed_level = %s "
        "AND NOT locked"
    )
    total = 0
    with connection.cursor() as cursor:
        for chunk in _chunks(updates, 5000):
            cursor.executemany(sql, [[*u[1:9], u[21], u[0], *u[9:12]] for u in chunk])
            total += cursor.rowcount
    return total


def _insert(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert many rows in batches."""
    if not rows:
        return
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, 5000):
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", chunk)


def _history_columns(model) -> tuple[str, list[str]]:
    """The history table of ``model`` and its columns copied from the model's row."""
    history = model.history.model
    quote = connection.ops.quote_name
    own = [f.column for f in history._meta.concrete_fields if not f.name.startswith("history_")]
    return history._meta.db_table, [quote(c) for c in own]


def _history(model, ids: list[int], now, user_id) -> None:
    """One history row per saved review ("~", by the importing user), copied in SQL."""
    table, own = _history_columns(model)
    columns = ", ".join(own)
    with connection.cursor() as cursor:
        for chunk in _chunks(ids, 500):
            cursor.execute(
                f"INSERT INTO {table} ({columns}, history_date, history_type, history_user_id, "
                f"history_change_reason) SELECT {columns}, %s, '~', %s, NULL "
                f"FROM {model._meta.db_table} WHERE id IN ({', '.join(['%s'] * len(chunk))})",
                [now, user_id, *chunk],
            )
