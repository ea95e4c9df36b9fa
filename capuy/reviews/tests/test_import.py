"""The Excel round-trip of review results: template → fill → import, every bad input refused by
row and column with nothing half-saved, and the same checks as the pages (quota, ceilings,
competent level, exempt subjects, scope). Real .xlsx files are built with openpyxl."""

import io
import unicodedata
from datetime import date, datetime

import pytest
from django.db import connection, transaction
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from capuy.reviews import services
from capuy.reviews.choices import Exemption, ReviewStatus
from capuy.reviews.imports import (
    member_code,
    parse_level,
    parse_manifestation_codes,
    review_import_check,
    review_import_commit,
    template_bytes,
)
from capuy.reviews.models import Review, ReviewEvent
from capuy.reviews.testing import (
    big_grassroots,
    manifestation,
    member_ratings,
    open_cycle,
    review_of,
)

HEADER = [
    "STT",
    "Mã đối tượng",
    "Họ và tên",
    "Chi bộ",
    "Mức tự xếp loại",
    "Biểu hiện liên hệ",
    "Mức đề xuất",
    "Mức quyết định",
    "Ngày kiểm điểm (dd/mm/yyyy)",
    "Ghi chú",
]


@pytest.fixture
def cycle(world):
    return open_cycle(world)


def code(member):
    return member_code(member.card_number, member.pk)


def row(member, self_level="HTTNV", codes="A1", proposed="HTTNV", decided="", day="", note=""):
    return [
        None,
        code(member),
        member.full_name,
        member.cell.name,
        self_level,
        codes,
        proposed,
        decided,
        day,
        note,
    ]


def xlsx(rows, header=HEADER, above=(["KẾT QUẢ XẾP LOẠI"], []), merge_title=True, skip_cols=0):
    """A workbook: rows ``above`` the header (a merged title), the header, the data rows;
    ``skip_cols`` blank columns on the left (a shifted table)."""
    book = Workbook()
    sheet = book.active
    pad = [None] * skip_cols
    for line in above:
        sheet.append([*pad, *line])
    if merge_title and above:
        sheet.merge_cells(start_row=1, start_column=1 + skip_cols, end_row=1, end_column=8)
    sheet.append([*pad, *header])
    for line in rows:
        sheet.append([*pad, *line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def check(user, cycle, data, **kwargs):
    return review_import_check(acting_user=user, cycle=cycle, upload=data, **kwargs)


def commit(user, cycle, data, **kwargs):
    return review_import_commit(acting_user=user, cycle=cycle, upload=data, **kwargs)


def errors_of(result):
    return [(e.row, e.column, e.message) for e in result.errors]


def saved_nothing(cycle):
    return not Review.objects.filter(cycle=cycle).exclude(status__in=("pending", "exempt")).exists()


# --- spellings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,level",
    [
        ("HTXSNV", "HTXSNV"),
        ("htxsnv", "HTXSNV"),
        ("Hoàn thành xuất sắc nhiệm vụ", "HTXSNV"),
        ("HOÀN THÀNH XUẤT SẮC NHIỆM VỤ", "HTXSNV"),
        ("xuất sắc", "HTXSNV"),
        ("Xuất sắc", "HTXSNV"),
        ("Xuat sac", "HTXSNV"),
        (unicodedata.normalize("NFD", "Xuất sắc"), "HTXSNV"),
        ("HTXSNV — Hoàn thành xuất sắc nhiệm vụ", "HTXSNV"),
        ("Hoàn thành tốt nhiệm vụ", "HTTNV"),
        ("Tốt", "HTTNV"),
        ("HTNV", "HTNV"),
        ("Hoàn thành", "HTNV"),
        ("hoan thanh nhiem vu", "HTNV"),
        ("Không hoàn thành nhiệm vụ", "KHTNV"),
        ("không hoàn thành", "KHTNV"),
        ("KHTNV", "KHTNV"),
        ("", ""),
        (None, ""),
        ("Giỏi", None),
        ("Khá", None),
        ("HTXSNV2", None),
        ("Xuất sắc tiêu biểu", None),
    ],
)
def test_level_spellings(text, level):
    assert parse_level(text) == level


def test_manifestation_codes_as_letters_or_group_numbers():
    assert parse_manifestation_codes("1.3, 2.5") == (("A3", "B5"), ())
    assert parse_manifestation_codes("a3; B5;C1") == (("A3", "B5", "C1"), ())
    assert parse_manifestation_codes(1.3) == (("A3",), ())
    assert parse_manifestation_codes("A3, xấu") == (("A3",), ("xấu",))
    assert parse_manifestation_codes("") == ((), ())


# --- a good file ------------------------------------------------------------------------------


def test_a_cell_result_file_is_saved_through_the_services(world, cycle):
    hung, lan = world.members["hung"], world.members["lan"]
    data = xlsx(
        [
            row(hung, "Hoàn thành tốt nhiệm vụ", "1.3, 2.5", "Tốt", day="20/12/2019"),
            row(lan, "xuất sắc", "A1", "HTXSNV"),
        ]
    )
    result = commit(world.users["office"], cycle, data, filename="chi_bo_thon_dong.xlsx")
    assert errors_of(result) == [] and (result.saved, result.saved_members) == (2, 2)
    review = review_of(cycle, hung)
    assert (review.self_level, review.proposed_level, review.status) == (
        "HTTNV",
        "HTTNV",
        ReviewStatus.PROPOSED,
    )
    assert sorted(m.code for m in review.linked_manifestations()) == ["A3", "B5"]
    assert review.manifestations_linked
    events = list(review.events.order_by("id"))
    assert [e.step for e in events] == ["self", "propose"]
    assert events[0].data["manifestations"] == ["A3", "B5"]
    assert "chi_bo_thon_dong.xlsx" in events[0].note and "dòng 4" in events[0].note
    assert {e.held_on for e in events} == {date(2019, 12, 20)}  # the "Ngày" column
    assert events[0].by == world.users["office"]
    assert review_of(cycle, lan).proposed_level == "HTXSNV"


def test_importing_the_same_file_twice_changes_nothing(world, cycle):
    data = xlsx([row(world.members["hung"])])
    assert commit(world.users["office"], cycle, data).saved == 1
    again = check(world.users["office"], cycle, data)
    assert not again.errors and again.rows == [] and again.skipped == 1
    assert ReviewEvent.objects.filter(review__cycle=cycle).count() == 2


def test_a_secretary_imports_her_own_cell(world, cycle):
    result = commit(world.users["secretary"], cycle, xlsx([row(world.members["hung"])]))
    assert result.saved == 1


def test_decisions_by_the_competent_level(world, cycle):
    hung = world.members["hung"]
    result = commit(world.users["office"], cycle, xlsx([row(hung, decided="HTTNV")]))
    assert result.saved == 1
    review = review_of(cycle, hung)
    assert (review.decided_level, review.status, review.locked) == ("HTTNV", "decided", True)
    assert [e.step for e in review.events.order_by("id")] == ["self", "propose", "decide"]


# --- headers, text forms, dates -----------------------------------------------------------------


def test_merged_title_and_shifted_header_are_found(world, cycle):
    data = xlsx(
        [row(world.members["hung"])],
        above=(["ĐẢNG BỘ XÃ AN PHÚ"], ["KẾT QUẢ"], [], ["(kèm theo báo cáo)"]),
        skip_cols=2,
    )
    result = check(world.users["office"], cycle, data)
    assert errors_of(result) == [] and len(result.rows) == 1
    assert result.rows[0].number == 6


def test_nfd_text_everywhere_is_understood(world, cycle):
    hung = world.members["hung"]
    nfd = [
        unicodedata.normalize("NFD", v) if isinstance(v, str) else v
        for v in row(hung, "Hoàn thành tốt nhiệm vụ", "A1", "Tốt")
    ]
    header = [unicodedata.normalize("NFD", h) for h in HEADER]
    result = check(world.users["office"], cycle, xlsx([nfd], header=header))
    assert errors_of(result) == [] and result.rows[0].self_level == "HTTNV"


def test_dates_as_excel_dates_or_text(world, cycle):
    hung, lan, tuan = world.members["hung"], world.members["lan"], world.members["tuan"]
    data = xlsx(
        [
            row(hung, day=datetime(2019, 12, 20)),
            row(lan, day="21/12/2019"),
            row(tuan, day=43820),  # the serial of 21/12/2019 in a "General" cell
        ]
    )
    result = check(world.users["office"], cycle, data)
    assert errors_of(result) == []
    assert [r.held_on for r in result.rows] == [
        date(2019, 12, 20),
        date(2019, 12, 21),
        date(2019, 12, 21),
    ]


def test_the_day_of_the_meeting_is_kept_on_every_step_it_records(world, cycle):
    hung = world.members["hung"]
    result = commit(world.users["office"], cycle, xlsx([row(hung, day="20/12/2019")]))
    assert result.saved == 1
    events = ReviewEvent.objects.filter(review__member=hung, review__cycle=cycle)
    assert {e.held_on for e in events} == {date(2019, 12, 20)}
    assert all("20/12/2019" not in e.note for e in events)  # a field, not words in the note


def test_a_bad_date_is_refused_naming_row_and_column(world, cycle):
    data = xlsx([row(world.members["hung"], day="32/13/2019")])
    result = commit(world.users["office"], cycle, data)
    assert result.saved == 0
    assert errors_of(result)[0][:2] == (4, "Ngày kiểm điểm (dd/mm/yyyy)")


# --- bad input --------------------------------------------------------------------------------


def test_a_vietnamese_file_imports_in_an_english_session_and_an_english_file_too(world, cycle):
    from django.utils import translation

    from capuy.reviews.imports import COLUMNS

    by_label = {str(c.label): c for c in COLUMNS}
    office, hung = world.users["office"], world.members["hung"]
    with translation.override("en"):
        english = [str(by_label[h].label) if h in by_label else h for h in HEADER]
        assert english[1] == "Subject code"
        for header in (HEADER, english):
            result = check(office, cycle, xlsx([row(hung)], header=header))
            assert errors_of(result) == [] and len(result.rows) == 1


def test_a_wrong_header_is_refused_naming_the_missing_columns(world, cycle, reading):
    data = xlsx([["1", "x", "HTTNV"]], header=["Số thứ tự", "Tên", "Xếp loại"])
    result = commit(world.users["office"], cycle, data, filename="sai_tieu_de.xlsx", service_rows=0)
    assert result.saved == 0
    ((row_number, column, message),) = errors_of(result)
    assert row_number == 0 and "«Mã đối tượng»" in message and "«Họ và tên»" in message
    assert saved_nothing(cycle)


def test_a_header_shifted_below_the_search_window_is_refused(world, cycle):
    data = xlsx([row(world.members["hung"])], above=[[f"dòng {i}"] for i in range(35)])
    result = check(world.users["office"], cycle, data)
    assert "Không tìm thấy dòng tiêu đề" in errors_of(result)[0][2]


def test_a_file_without_any_result_column_is_refused(world, cycle):
    data = xlsx([[code(world.members["hung"]), "Nguyễn Văn Hùng"]], header=HEADER[1:3])
    result = check(world.users["office"], cycle, data)
    assert "không có cột kết quả" in errors_of(result)[0][2]


def test_an_unknown_level_spelling_is_refused_and_nothing_is_saved(world, cycle):
    data = xlsx([row(world.members["hung"]), row(world.members["lan"], "Giỏi")])
    result = commit(world.users["office"], cycle, data)
    assert result.saved == 0
    assert errors_of(result) == [
        (
            5,
            "Mức tự xếp loại",
            "Mức tự xếp loại «Giỏi» không hợp lệ: ghi HTXSNV, HTTNV, HTNV, KHTNV, tên đầy đủ "
            "(ví dụ «Hoàn thành tốt nhiệm vụ») hoặc tên ngắn (Xuất sắc, Tốt, Hoàn thành, "
            "Không hoàn thành).",
        )
    ]
    assert saved_nothing(cycle)


def test_an_unknown_member_is_refused(world, cycle):
    result = check(
        world.users["office"], cycle, xlsx([["1", "99999999", "Vũ Văn Không", "", "HTTNV"]])
    )
    assert errors_of(result) == [(4, "Mã đối tượng", "Không tìm thấy đảng viên có mã 99999999.")]


def test_a_duplicated_member_is_refused(world, cycle):
    hung = world.members["hung"]
    result = check(world.users["office"], cycle, xlsx([row(hung), row(hung, "HTNV")]))
    assert [(e[0], e[1]) for e in errors_of(result)] == [(5, "Mã đối tượng")]
    assert "đã có ở dòng 4" in errors_of(result)[0][2]


def test_a_code_with_another_name_is_refused(world, cycle):
    line = row(world.members["hung"])
    line[2] = "Trần Thị Lan"
    result = check(world.users["office"], cycle, xlsx([line]))
    assert errors_of(result)[0][:2] == (4, "Họ và tên")
    assert "là của đảng viên Nguyễn Văn Hùng" in errors_of(result)[0][2]


def test_a_member_outside_the_scope_is_refused(world, cycle):
    # the secretary of Chi bộ thôn Đông sends a member of Chi bộ thôn Tây
    an = world.members["an"]
    result = commit(world.users["secretary"], cycle, xlsx([row(world.members["hung"]), row(an)]))
    assert result.saved == 0
    (error,) = errors_of(result)
    assert error[:2] == (5, "Mã đối tượng")
    assert "nằm ngoài phạm vi được phân quyền của bạn" in error[2]
    assert an.full_name not in error[2]  # no name of a member the user may not see
    assert saved_nothing(cycle)


def test_a_member_outside_the_chosen_organization_is_refused(world, cycle):
    result = check(
        world.users["office"],
        cycle,
        xlsx([row(world.members["an"])]),
        organization=world.cell,
    )
    assert "không thuộc Chi bộ thôn Đông" in errors_of(result)[0][2]


def test_a_member_not_in_the_cycle_is_refused(world):
    cycle = open_cycle(world, org=world.district)
    result = check(world.users["office"], cycle, xlsx([row(world.members["hung_outside"])]))
    assert "không có trong đợt" in errors_of(result)[0][2]


def test_an_exempt_subject_is_refused(world, cycle):
    office = world.users["office"]
    review = review_of(cycle, world.members["hung"])
    services.review_set_exemption(
        acting_user=office, review=review, exemption=Exemption.MIEN_SINH_HOAT
    )
    result = commit(office, cycle, xlsx([row(world.members["hung"])]))
    assert result.saved == 0
    (error,) = errors_of(result)
    assert error[:2] == (4, "Mức tự xếp loại")
    assert "không thuộc diện kiểm điểm, xếp loại" in error[2]


def test_a_level_above_a_disqualifier_ceiling_is_refused(world, cycle):
    office = world.users["office"]
    hung = world.members["hung"]
    review = review_of(cycle, hung)
    services.review_self_assess(
        acting_user=office,
        review=review,
        level="KHTNV",
        manifestations=[manifestation("A1")],
        conditions={"disciplined": True},
    )
    result = check(office, cycle, xlsx([row(hung, "KHTNV", proposed="HTTNV")]))
    (error,) = errors_of(result)
    assert error[:2] == (4, "Mức đề xuất") and "Không thể xếp loại HTTNV" in error[2]


def test_a_decision_by_someone_not_competent_is_refused(world, cycle):
    result = check(
        world.users["secretary"], cycle, xlsx([row(world.members["hung"], decided="HTTNV")])
    )
    (error,) = errors_of(result)
    assert error[:2] == (4, "Mức quyết định") and "cấp có thẩm quyền" in error[2].lower()


def test_a_changed_decided_review_is_refused_until_reopened(world, cycle):
    hung = world.members["hung"]
    commit(world.users["office"], cycle, xlsx([row(hung, decided="HTTNV")]))
    result = check(world.users["office"], cycle, xlsx([row(hung, decided="HTNV")]))
    assert "mở lại" in errors_of(result)[0][2]


def test_the_quota_refusal_names_the_group_and_nothing_is_saved(world):
    grassroots, cell, people = big_grassroots(world, members=7)
    cycle = open_cycle(world)
    rows = [row(p, decided="HTTNV") for p in people[:5]]
    rows += [row(p, "HTXSNV", proposed="HTXSNV", decided="HTXSNV") for p in people[5:]]
    result = commit(world.users["office"], cycle, xlsx(rows))
    assert result.saved == 0
    (error,) = errors_of(result)
    assert error[:2] == (10, "Mức quyết định")
    assert "Vượt tỷ lệ HTXSNV trong nhóm «Đảng viên — Đảng bộ xã Quy Mô»" in error[2]
    assert "đã có 1 HTXSNV / 5 HTTNV, tối đa 1" in error[2]
    assert saved_nothing(cycle)
    assert not ReviewEvent.objects.filter(review__cycle=cycle).exists()


def test_a_quota_refusal_met_after_every_row_was_written_saves_nothing(world, reading):
    """In bulk, the file's last rows are written while the quota is checked: the refusal
    rolls them back with the others."""
    grassroots, cell, people = big_grassroots(world, members=7)
    cycle = open_cycle(world)
    rows = [row(p, decided="HTTNV") for p in people[:5]]
    rows += [row(p, "HTXSNV", proposed="HTXSNV", decided="HTXSNV") for p in people[5:]]
    result = commit(world.users["office"], cycle, xlsx(rows), service_rows=0)
    assert [e[:2] for e in errors_of(result)] == [(10, "Mức quyết định")]
    if connection.vendor == "postgresql":
        assert result.sent == 7  # all of them went to the writer before the refusal
    assert result.saved == 0 and saved_nothing(cycle)
    assert not ReviewEvent.objects.filter(review__cycle=cycle).exists()


def test_rows_are_checked_with_the_cycle_collector_off(world, cycle, reading, monkeypatch):
    import gc

    from capuy.reviews import imports

    seen = []
    plan_row = imports._plan_row

    def plan_and_look(*args):
        seen.append(gc.isenabled())
        return plan_row(*args)

    monkeypatch.setattr(imports, "_plan_row", plan_and_look)
    rows = [row(world.members[k]) for k in ("hung", "lan")]
    result = commit(world.users["office"], cycle, xlsx(rows), service_rows=0)
    assert errors_of(result) == [] and result.saved == 2
    assert seen == [False, False]
    assert gc.isenabled()


def test_several_errors_come_back_together_by_row_and_column(world, cycle):
    data = xlsx(
        [
            row(world.members["hung"], "Giỏi"),
            row(world.members["lan"], codes="Z9"),
            ["", "", "", "", "HTTNV"],
        ]
    )
    result = check(world.users["office"], cycle, data)
    assert [(e[0], e[1]) for e in errors_of(result)] == [
        (4, "Mức tự xếp loại"),
        (5, "Biểu hiện liên hệ"),
        (6, "Mã đối tượng"),
    ]


def test_a_self_assessment_without_manifestations_is_refused(world, cycle):
    result = check(world.users["office"], cycle, xlsx([row(world.members["hung"], codes="")]))
    assert errors_of(result)[0][:2] == (4, "Biểu hiện liên hệ")


def test_not_a_spreadsheet_is_refused(world, cycle):
    result = check(world.users["office"], cycle, b"STT;Ma dang vien\n1;2\n")
    assert "Không đọc được tệp" in errors_of(result)[0][2]


# --- all or nothing, bulk path equivalence -----------------------------------------------------


def test_a_row_failing_at_save_rolls_back_every_row(world, cycle, monkeypatch):
    """A refusal that only the service sees (a change between the preview and the save)."""
    hung, lan = world.members["hung"], world.members["lan"]
    original = services.review_self_assess

    def refuse_lan(**kwargs):
        if kwargs["review"].member_id == lan.pk:
            raise services.ValidationError({"level": "Bị từ chối khi lưu."})
        return original(**kwargs)

    monkeypatch.setattr(services, "review_self_assess", refuse_lan)
    result = commit(world.users["office"], cycle, xlsx([row(hung), row(lan)]))
    assert result.saved == 0 and errors_of(result) == [
        (5, "Mức tự xếp loại", "Bị từ chối khi lưu.")
    ]
    assert saved_nothing(cycle)
    assert not ReviewEvent.objects.filter(review__cycle=cycle).exists()


def _state(cycle):
    rows = []
    for review in Review.objects.filter(cycle=cycle, subject_kind="member").order_by("member_id"):
        events = [
            (e.step, e.level, e.derived_level, e.override_reason, e.note.split(";", 1)[-1], e.data)
            for e in review.events.order_by("id")
        ]
        rows.append(
            (
                review.member_id,
                review.status,
                review.self_level,
                review.proposed_level,
                review.decided_level,
                review.derived_level,
                review.locked,
                review.manifestations_linked,
                review.manifestations_text,
                sorted(m.code for m in review.linked_manifestations()),
                events,
                [e.warnings for e in review.events.order_by("id")],
                review.history.count() > 0,
            )
        )
    return rows


class _Undo(Exception):
    pass


def test_bulk_saving_gives_the_same_rows_as_the_services(world):
    """A large file is saved in bulk; a small one through the services: same result."""
    grassroots, cell, people = big_grassroots(world, members=6)
    cycle = open_cycle(world)
    office = world.users["office"]
    # one member already self-assessed on the phone page
    services.review_record_cell_result(
        acting_user=office,
        review=review_of(cycle, people[0]),
        self_level="HTNV",
        manifestations=[manifestation("A2")],
    )
    # and one with the criteria rated, which every event of the file's steps records too
    rated = member_ratings("tot")
    services.review_self_assess(
        acting_user=office,
        review=review_of(cycle, people[4]),
        level="HTTNV",
        ratings=rated,
        manifestations=[manifestation("A3")],
    )
    rows = [
        row(people[0], "HTTNV", "A1, B2", "HTTNV", decided="HTTNV"),
        row(people[1], "HTTNV", "A4", "", decided="HTTNV"),
        row(people[2], "Tốt", "C1", ""),
        row(people[3], "Hoàn thành", "2.1", "HTNV", note="ghi chú"),
        row(people[4], "HTTNV", "A1", "HTTNV", decided="HTTNV"),
        row(people[5], "", "", "", decided=""),
    ]
    data = xlsx(rows)
    states = {}
    for service_rows in (1000, 0):
        try:
            with transaction.atomic():
                result = commit(office, cycle, data, filename="f.xlsx", service_rows=service_rows)
                assert errors_of(result) == [] and result.saved == 5
                states[service_rows] = _state(cycle)
                raise _Undo
        except _Undo:
            pass
    assert states[0] == states[1000]
    by_member = {state[0]: state for state in states[0]}
    assert [e[5] for e in by_member[people[4].pk][10][1:]] == [
        {"ratings": rated, "manifestations": ["A1"]},
        {"ratings": rated},
        {"ratings": rated},
    ]
    first = by_member[people[0].pk]
    assert first[1:5] == ("decided", "HTTNV", "HTTNV", "HTTNV")
    assert [e[0] for e in first[10]] == ["self", "self", "propose", "decide"]
    # the decision without a proposal carries the same order warning as the page's
    second = by_member[people[1].pk]
    assert second[11][-1] == ["Chưa có mức đề xuất của cơ quan tham mưu."]


def test_a_review_changed_after_the_check_stops_the_bulk_save(world, cycle, monkeypatch):
    from capuy.reviews import imports

    hung, lan = world.members["hung"], world.members["lan"]
    if connection.vendor == "postgresql":  # saved while checking, from the writer's thread
        original_chunk = imports._write_chunk
        lan_review = review_of(cycle, lan).pk

        def meanwhile_chunk(cursor, text, *args):
            cursor.execute(
                "UPDATE reviews_review SET self_level = 'HTNV' WHERE id = %s", [lan_review]
            )
            return original_chunk(cursor, text, *args)

        monkeypatch.setattr(imports, "_write_chunk", meanwhile_chunk)
    else:
        original = imports._update_reviews

        def meanwhile(updates):
            Review.objects.filter(member=lan, cycle=cycle).update(self_level="HTNV")
            return original(updates)

        monkeypatch.setattr(imports, "_update_reviews", meanwhile)
    result = commit(world.users["office"], cycle, xlsx([row(hung), row(lan)]), service_rows=0)
    assert result.saved == 0 and "vừa được người khác cập nhật" in errors_of(result)[0][2]
    assert review_of(cycle, hung).status == "pending"
    assert not ReviewEvent.objects.filter(review__cycle=cycle).exists()


def test_any_change_to_a_review_after_the_scope_was_read_stops_the_bulk_save(
    world, cycle, monkeypatch
):
    # The scope's reviews read beside the file carry their place (ctid): a review rewritten
    # since — here its conditions, which the derived level rests on, not a level the UPDATE
    # compares — is no longer there, and the file is refused as changed meanwhile.
    from capuy.reviews import imports

    if connection.vendor != "postgresql":
        pytest.skip("reading beside the file is part of PostgreSQL's bulk path")
    monkeypatch.setattr(imports._ScopeReviews, "worth_reading", staticmethod(lambda *a: True))
    hung, lan = world.members["hung"], world.members["lan"]
    original_chunk = imports._write_chunk
    lan_review = review_of(cycle, lan).pk

    def meanwhile_chunk(cursor, text, *args):
        cursor.execute(
            "UPDATE reviews_review SET conditions = '{\"discipline\": true}' WHERE id = %s",
            [lan_review],
        )
        return original_chunk(cursor, text, *args)

    monkeypatch.setattr(imports, "_write_chunk", meanwhile_chunk)
    result = commit(world.users["office"], cycle, xlsx([row(hung), row(lan)]), service_rows=0)

    assert result.saved == 0 and "vừa được người khác cập nhật" in errors_of(result)[0][2]
    assert review_of(cycle, hung).status == "pending"
    assert not ReviewEvent.objects.filter(review__cycle=cycle).exists()


@pytest.fixture
def one_row_chunks(monkeypatch):
    """On PostgreSQL a large file is saved while it is checked; with chunks of one row, each
    written before the next row is checked (waiting for the writer makes it deterministic)."""
    from capuy.reviews import imports

    monkeypatch.setattr(imports._BulkWriter, "FIRST_CHUNK", 1)
    monkeypatch.setattr(imports._BulkWriter, "CHUNK", 1)
    flush = imports._BulkWriter.flush

    def flush_and_wait(writer):
        flush(writer)
        writer.queue.join()

    monkeypatch.setattr(imports._BulkWriter, "flush", flush_and_wait)


def test_a_bad_row_after_rows_already_written_still_saves_nothing(world, cycle, one_row_chunks):
    hung, lan = world.members["hung"], world.members["lan"]
    rows = [row(hung, decided="HTTNV"), row(lan, decided="HTTNV"), row(hung, "Giỏi")]
    result = commit(world.users["office"], cycle, xlsx(rows), service_rows=0)
    assert result.saved == 0
    assert [e[:2] for e in errors_of(result)] == [(6, "Mức tự xếp loại")]  # "Giỏi"
    assert saved_nothing(cycle)
    assert not ReviewEvent.objects.filter(review__cycle=cycle).exists()
    assert not Review.history.filter(cycle_id=cycle.pk, history_type="~").exists()


def test_the_quota_counts_what_was_there_before_the_file_not_its_own_writes(world, one_row_chunks):
    # 5 HTTNV decided already allow 1 HTXSNV (20 %, floor). The file's decision is written
    # before the quota is checked: counting it again (2 HTXSNV) would refuse it.
    grassroots, cell, people = big_grassroots(world, members=6)
    cycle = open_cycle(world)
    office = world.users["office"]
    first = commit(
        office, cycle, xlsx([row(p, decided="HTTNV") for p in people[:5]]), service_rows=0
    )
    assert errors_of(first) == [] and first.saved == 5
    second = xlsx([row(people[5], "HTXSNV", proposed="HTXSNV", decided="HTXSNV")])
    result = commit(office, cycle, second, service_rows=0)
    assert errors_of(result) == [] and result.saved == 1
    decided = Review.objects.filter(cycle=cycle, status="decided")
    assert sorted(decided.values_list("decided_level", flat=True)) == ["HTTNV"] * 5 + ["HTXSNV"]


def test_a_failing_write_stops_the_import_and_saves_nothing(world, cycle, monkeypatch):
    from capuy.reviews import imports

    if connection.vendor != "postgresql":
        pytest.skip("saving while checking is PostgreSQL's bulk path")

    def broken(cursor, text, *args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports, "_write_chunk", broken)
    rows = [row(world.members["hung"]), row(world.members["lan"])]
    with pytest.raises(RuntimeError, match="disk full"):
        commit(world.users["office"], cycle, xlsx(rows), service_rows=0)
    assert saved_nothing(cycle)


def test_reading_the_scope_beside_the_file_gives_the_same_checks_and_rows(world, monkeypatch):
    """A large file is read in a second thread while the scope's member reviews are read from
    the database (PostgreSQL); the rows and every message are the same as looking the codes
    up after reading."""
    from capuy.reviews import imports

    if connection.vendor != "postgresql":
        pytest.skip("reading beside the file is part of PostgreSQL's bulk path")
    grassroots, cell, people = big_grassroots(world, members=6)
    cycle = open_cycle(world)
    services.review_self_assess(
        acting_user=world.users["office"],
        review=review_of(cycle, people[0]),
        level="HTNV",
        manifestations=[manifestation("A2")],
    )
    cell_review = Review.objects.get(cycle=cycle, subject_kind="organization", organization=cell)
    rows = [
        row(people[0], "HTTNV", "A1, B2", "HTTNV", decided="HTTNV"),
        [None, f"ID{people[1].pk}", people[1].full_name, "", "HTTNV", "A3", "HTTNV"],
        row(people[2], "Tốt", "C1", ""),
        other_row(cell_review),
        [None, "KHONG-CO", "Ai đó", "", "HTTNV", "A1", ""],
        [None, "ID999999", "Ai đó", "", "HTTNV", "A1", ""],
        row(people[3]),
        row(people[3]),
    ]
    data = xlsx(rows)
    outcomes = []
    for ahead in (False, True):
        monkeypatch.setattr(
            imports._ScopeReviews, "worth_reading", staticmethod(lambda *a, ahead=ahead: ahead)
        )
        result = commit(world.users["office"], cycle, data, service_rows=0)
        outcomes.append((errors_of(result), result.saved, len(result.rows)))
    assert outcomes[0] == outcomes[1]
    assert [e[:2] for e in outcomes[0][0]] == [
        (8, "Mã đối tượng"),
        (9, "Mã đối tượng"),
        (11, "Mã đối tượng"),
    ]
    fixed = xlsx([r for i, r in enumerate(rows) if i not in (4, 5, 7)])
    saved = []
    for ahead in (False, True):
        monkeypatch.setattr(
            imports._ScopeReviews, "worth_reading", staticmethod(lambda *a, ahead=ahead: ahead)
        )
        try:
            with transaction.atomic():
                result = commit(world.users["office"], cycle, fixed, service_rows=0)
                assert errors_of(result) == [] and result.saved == 5
                # a saved file comes back as its counts: four members and the cell's review
                assert (result.saved_members, result.rows) == (4, [])
                saved.append(_state(cycle))
                raise _Undo
        except _Undo:
            pass
    assert saved[0] == saved[1]


# --- organizations, leadership collectives and leaders' posts ------------------------------------


@pytest.fixture(params=[False, True], ids=["codes looked up", "checked as read"])
def reading(request, monkeypatch):
    """Both ways of reading a file: its codes looked up after reading it, or (a file that
    looks like most of its scope, on PostgreSQL) the scope's reviews read beside the file and
    each row checked, and saved, as calamine gives it."""
    from capuy.reviews import imports

    if request.param and connection.vendor != "postgresql":
        pytest.skip("checking as the file is read is PostgreSQL's bulk path")
    monkeypatch.setattr(
        imports._ScopeReviews, "worth_reading", staticmethod(lambda *a: request.param)
    )
    return request.param


def test_a_member_code_is_understood_however_the_id_is_written(world, cycle, reading):
    hung, lan, an = (world.members[k] for k in ("hung", "lan", "an"))
    rows = [
        [None, f"id {hung.pk}", hung.full_name, "", "HTTNV", "A1", ""],
        [None, f"#{lan.pk}", lan.full_name, "", "HTTNV", "A2", ""],
        [None, f"ID-{an.pk}", an.full_name, "", "HTTNV", "A3", ""],
    ]
    result = commit(world.users["office"], cycle, xlsx(rows), service_rows=0)
    assert errors_of(result) == [] and result.saved == 3
    assert review_of(cycle, lan).self_level == "HTTNV"


def test_one_member_named_twice_by_card_and_by_id_is_refused(world, cycle, reading):
    hung = world.members["hung"]
    twice = [row(hung), [None, f"ID{hung.pk}", hung.full_name, "", "HTTNV", "A1", ""]]
    result = commit(world.users["office"], cycle, xlsx(twice), service_rows=0)
    assert [(e[0], e[1]) for e in errors_of(result)] == [(5, "Mã đối tượng")]
    assert "đã có ở dòng 4" in errors_of(result)[0][2]
    assert saved_nothing(cycle)


def test_a_file_of_blank_rows_is_refused(world, cycle, reading):
    result = commit(world.users["office"], cycle, xlsx([[None] * 8, [" "] * 8]), service_rows=0)
    assert errors_of(result) == [(0, "", "Tệp không có dòng dữ liệu nào.")]


def test_too_many_rows_are_refused_even_once_saving_has_begun(world, cycle, reading, monkeypatch):
    """Checked as read, the first rows are being written when the row past the limit is met:
    the file is refused all the same and nothing stays saved."""
    from capuy.reviews import imports

    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    monkeypatch.setattr(imports._BulkWriter, "FIRST_CHUNK", 1)
    rows = [row(world.members[k]) for k in ("hung", "lan", "an")]
    result = commit(world.users["office"], cycle, xlsx(rows), service_rows=0)
    assert errors_of(result) == [(0, "", "Tệp có quá nhiều dòng: tối đa 2 dòng mỗi lần nhập.")]
    assert saved_nothing(cycle)


def test_an_unknown_code_stops_the_saving_and_is_explained_at_the_end(world, cycle, reading):
    hung, lan = world.members["hung"], world.members["lan"]
    rows = [row(hung), [None, "KHONG-CO", "Ai đó", "", "HTTNV", "A1", ""], row(lan)]
    result = commit(world.users["office"], cycle, xlsx(rows), service_rows=0)
    assert errors_of(result) == [(5, "Mã đối tượng", "Không tìm thấy đảng viên có mã KHONG-CO.")]
    assert saved_nothing(cycle)


def other_row(review, self_level="HTTNV", codes="", proposed="HTTNV", decided="", name=None):
    from capuy.reviews.imports import subject_code

    key = {"organization": review.organization_id, "collective": review.committee_id}.get(
        review.subject_kind, review.seat_id
    )
    code = subject_code(review.subject_kind, key)
    return [None, code, name or review.subject_name, "", self_level, codes, proposed, decided]


def test_the_template_lists_each_organization_before_its_collectives_posts_and_members(
    world, cycle
):
    from capuy.reviews.imports import subject_code

    rank = {"organization": 0, "collective": 1, "leader": 2, "member": 3}
    place = {}
    for r in Review.objects.filter(cycle=cycle):
        key = {"organization": r.organization_id, "collective": r.committee_id}.get(
            r.subject_kind, r.seat_id
        )
        code = (
            f"ID{r.member_id}" if r.subject_kind == "member" else subject_code(r.subject_kind, key)
        )
        place[code] = (r.org_path, rank[r.subject_kind])
    book = load_workbook(io.BytesIO(template_bytes(world.users["office"], cycle)))
    codes = [r[1].value for r in book.worksheets[0].iter_rows(min_row=4)]
    assert sorted(codes) == sorted(place)  # every subject, once
    kinds = [place[c][1] for c in codes]
    first_member = kinds.index(3)
    assert set(kinds[:first_member]) == {0, 1, 2} and set(kinds[first_member:]) == {3}
    others = [place[c] for c in codes[:first_member]]
    assert others == sorted(others, key=lambda p: p[0])  # tree order
    pairs = zip(others, others[1:], strict=False)
    assert all(a <= b for a, b in pairs if a[0] == b[0])  # organization, then TT, then CV


def test_an_organization_is_imported_beside_its_members(world, cycle):
    cell = Review.objects.get(cycle=cycle, subject_kind="organization", organization=world.cell)
    rows = [other_row(cell, decided="HTTNV"), row(world.members["hung"], decided="HTTNV")]
    result = commit(world.users["office"], cycle, xlsx(rows))
    assert errors_of(result) == [] and result.saved == 2
    cell.refresh_from_db()
    assert (cell.status, cell.self_level, cell.proposed_level, cell.decided_level) == (
        "decided",
        "HTTNV",
        "HTTNV",
        "HTTNV",
    )
    assert [e.step for e in cell.events.all()] == ["self", "propose", "decide"]
    assert not cell.manifestation_ids


@pytest.mark.parametrize("service_rows", [1000, 0])
def test_organizations_go_through_the_services_when_members_are_saved_in_bulk(
    world, cycle, service_rows
):
    cell = Review.objects.get(cycle=cycle, subject_kind="organization", organization=world.cell)
    people = [world.members[n] for n in ("hung", "lan", "tuan")]
    rows = [row(p, decided="HTTNV") for p in people] + [other_row(cell, decided="HTTNV")]
    result = commit(world.users["office"], cycle, xlsx(rows), service_rows=service_rows)
    assert errors_of(result) == [] and (result.saved, result.saved_members) == (4, 3)
    assert result.rows == []  # a saved file comes back as its counts
    decided = Review.objects.filter(cycle=cycle, status="decided")
    assert sorted(decided.values_list("subject_kind", flat=True)) == ["member"] * 3 + [
        "organization"
    ]
    assert ReviewEvent.objects.filter(review__cycle=cycle).count() == 12


def test_an_organization_does_not_link_manifestations(world, cycle):
    cell = Review.objects.get(cycle=cycle, subject_kind="organization", organization=world.cell)
    result = check(world.users["office"], cycle, xlsx([other_row(cell, codes="A1")]))
    ((number, column, message),) = errors_of(result)
    assert (number, column) == (4, "Biểu hiện liên hệ")
    assert "Chỉ cá nhân liên hệ các biểu hiện suy thoái" in message


def test_a_leader_post_is_an_individual_and_must_link_manifestations(world, cycle):
    post = Review.objects.filter(cycle=cycle, subject_kind="leader").first()
    assert post is not None
    result = check(world.users["office"], cycle, xlsx([other_row(post)]))
    assert errors_of(result)[0][:2] == (4, "Biểu hiện liên hệ")
    result = commit(world.users["office"], cycle, xlsx([other_row(post, codes="A1, 2.3")]))
    assert errors_of(result) == [] and result.saved == 1
    post.refresh_from_db()
    assert {m.code for m in post.linked_manifestations()} == {"A1", "B3"}
    assert post.status == "proposed" and post.manifestations_linked


def test_an_organization_row_with_another_name_or_an_unknown_code_is_refused(world, cycle):
    cell = Review.objects.get(cycle=cycle, subject_kind="organization", organization=world.cell)
    unknown = [None, "TC999999", "Chi bộ không có", "", "HTTNV", "", "HTTNV"]
    rows = [other_row(cell, name="Chi bộ thôn Bắc"), unknown, other_row(cell)]
    result = check(world.users["office"], cycle, xlsx(rows))
    assert errors_of(result) == [
        (
            4,
            "Họ và tên",
            f"Mã TC{world.cell.pk} là của «{world.cell.name}», không phải «Chi bộ thôn Bắc».",
        ),
        (5, "Mã đối tượng", f"Không có đối tượng mã TC999999 trong đợt «{cycle.name}»."),
        (
            6,
            "Mã đối tượng",
            f"Đối tượng mã TC{world.cell.pk} đã có ở dòng 4: mỗi đối tượng chỉ ghi một dòng.",
        ),
    ]


def test_a_secretary_cannot_import_an_organization_outside_her_scope(world, cycle):
    other_cell = Review.objects.filter(cycle=cycle, subject_kind="organization").exclude(
        org_path__startswith=world.cell.path
    )
    outside = other_cell.filter(organization__kind="chi_bo_truc_thuoc").first()
    assert outside is not None
    result = check(world.users["secretary"], cycle, xlsx([other_row(outside)]))
    ((number, column, message),) = errors_of(result)
    assert (number, column) == (4, "Mã đối tượng") and "nằm ngoài phạm vi" in message


# --- the pages and the template round-trip ----------------------------------------------------


def test_template_download_fill_and_import_round_trip(as_user, world, cycle):
    client = as_user("secretary")
    response = client.get(reverse("reviews:import_template", args=[cycle.pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert "A1:L1" in {str(r) for r in sheet.merged_cells.ranges}
    header = [c.value for c in sheet[3]]
    assert header[:5] == ["STT", "Mã đối tượng", "Họ và tên", "Chi bộ", "Mức tự xếp loại"]
    names = [r[2].value for r in sheet.iter_rows(min_row=4)]
    members = (world.members["hung"], world.members["lan"], world.members["tuan"])
    # only her cell, nothing outside her scope: the cell itself first, then its members
    assert names[0] == world.cell.name
    assert sorted(names[1:]) == sorted(m.full_name for m in members)
    # fill the members' rows in like a person would: levels as words, manifestations as
    # group numbers
    for line in sheet.iter_rows(min_row=5):
        line[4].value = "Hoàn thành tốt nhiệm vụ"
        line[5].value = "1.2; 3.4"
        line[7].value = "tốt"
        line[10].value = "20/12/2019"
    out = io.BytesIO()
    book.save(out)
    upload = io.BytesIO(out.getvalue())
    upload.name = "mau_da_dien.xlsx"
    url = reverse("reviews:import_upload", args=[cycle.pk])
    response = client.post(url, {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="import-preview"' in page and "3 dòng hợp lệ" in page
    assert saved_nothing(cycle)  # the preview writes nothing
    token = client.session["reviews_import"]["token"]
    response = client.post(reverse("reviews:import_commit", args=[cycle.pk]), {"token": token})
    assert response.status_code == 302 and response["Location"] == cycle.get_absolute_url()
    reviews = Review.objects.filter(cycle=cycle, organization=world.cell, subject_kind="member")
    assert {(r.self_level, r.proposed_level) for r in reviews} == {("HTTNV", "HTTNV")}
    assert {m.code for m in reviews[0].linked_manifestations()} == {"A2", "C4"}
    # downloaded again, the template shows what was recorded; sent back, nothing changes
    again = load_workbook(
        io.BytesIO(client.get(reverse("reviews:import_template", args=[cycle.pk])).content)
    ).worksheets[0]
    assert {r[4].value for r in again.iter_rows(min_row=5)} == {"HTTNV"}
    # … the day of the meeting included, as it was written
    assert {r[10].value for r in again.iter_rows(min_row=5)} == {"20/12/2019"}
    assert again.cell(row=4, column=11).value is None  # the cell: nothing recorded
    out = io.BytesIO()
    again.parent.save(out)
    result = check(world.users["secretary"], cycle, out.getvalue())
    assert not result.errors and result.rows == [] and result.skipped == 4


def test_the_page_says_how_many_organizations_and_members_it_saved(as_user, world, cycle):
    client = as_user("office")
    cell = Review.objects.get(cycle=cycle, subject_kind="organization", organization=world.cell)
    upload = io.BytesIO(xlsx([other_row(cell), row(world.members["hung"])]))
    upload.name = "ca-chi-bo.xlsx"
    response = client.post(reverse("reviews:import_upload", args=[cycle.pk]), {"file": upload})
    assert response.status_code == 200 and "2 dòng hợp lệ" in response.content.decode()
    token = client.session["reviews_import"]["token"]
    response = client.post(
        reverse("reviews:import_commit", args=[cycle.pk]), {"token": token}, follow=True
    )
    assert (
        "Đã nhập kết quả xếp loại của 2 đối tượng (1 đảng viên, 1 tổ chức, tập thể, chức vụ "
        "lãnh đạo) từ tệp ca-chi-bo.xlsx." in response.content.decode()
    )


def test_the_preview_page_lists_errors_by_row_and_column(as_user, world, cycle):
    client = as_user("office")
    upload = io.BytesIO(xlsx([row(world.members["hung"], "Giỏi")]))
    upload.name = "loi.xlsx"
    response = client.post(reverse("reviews:import_upload", args=[cycle.pk]), {"file": upload})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Tệp «loi.xlsx» có 1 lỗi; chưa lưu dòng nào." in page
    assert '<td class="num">4</td><td>Mức tự xếp loại</td>' in page
    assert "reviews_import" not in client.session


def test_the_import_page_is_linked_and_refused_to_readers(as_user, world, cycle):
    page = as_user("office").get(reverse("reviews:cycle_detail", args=[cycle.pk]))
    assert reverse("reviews:import_upload", args=[cycle.pk]) in page.content.decode()
    reader = as_user("inspector")
    assert reader.get(reverse("reviews:import_upload", args=[cycle.pk])).status_code == 403
    response = reader.post(reverse("reviews:import_commit", args=[cycle.pk]), {"token": "x"})
    assert response.status_code == 403


def test_a_commit_without_a_preview_is_refused(as_user, world, cycle):
    client = as_user("office")
    response = client.post(reverse("reviews:import_commit", args=[cycle.pk]), {"token": "x"})
    assert response.status_code == 302
    assert saved_nothing(cycle)


def test_template_for_an_organization_and_with_exempt_members(world, cycle):
    office = world.users["office"]
    services.review_set_exemption(
        acting_user=office,
        review=review_of(cycle, world.members["lan"]),
        exemption=Exemption.DINH_CHI,
    )
    book = load_workbook(io.BytesIO(template_bytes(office, cycle, world.cell)))
    rows = {r[2].value: r for r in book.worksheets[0].iter_rows(min_row=4)}
    assert set(rows) == {world.cell.name, "Nguyễn Văn Hùng", "Trần Thị Lan", "Lê Minh Tuấn"}
    assert rows[world.cell.name][1].value == f"TC{world.cell.pk}"
    assert rows["Trần Thị Lan"][11].value == "Không xếp loại: Đình chỉ sinh hoạt đảng"
    assert rows["Nguyễn Văn Hùng"][1].value == f"ID{world.members['hung'].pk}"
    assert book.worksheets[1].title == "Hướng dẫn"


def test_the_date_of_today_is_accepted_and_tomorrow_refused(world, cycle):
    from datetime import timedelta

    tomorrow = (date.today() + timedelta(days=2)).strftime("%d/%m/%Y")
    result = check(world.users["office"], cycle, xlsx([row(world.members["hung"], day=tomorrow)]))
    assert "chưa tới" in errors_of(result)[0][2]
