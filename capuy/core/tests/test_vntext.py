"""Rules for Vietnamese text handling: search keys, roster order and display formats."""

import random
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal

import pytest

from capuy.core.vntext import (
    SORT_KEY_MAX_LENGTH,
    format_date,
    format_date_long,
    format_number,
    format_percent,
    format_vnd,
    nfc,
    parse_date_vn,
    search_key,
    sort_key,
    unaccent,
)


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def key(ho: str, ten_dem: str, ten: str) -> str:
    """Sort key for a name written in the usual họ - tên đệm - tên order."""
    return sort_key(ten, ho, ten_dem)


def sorted_names(names: list[tuple[str, str, str]]) -> list[str]:
    return [" ".join(n) for n in sorted(names, key=lambda n: key(*n))]


# --- nfc / unaccent / search_key ---------------------------------------------------------


def test_nfc_composes_decomposed_input():
    assert nfc(nfd("Nguyễn Thị Thuỷ")) == "Nguyễn Thị Thuỷ"
    assert len(nfc(nfd("ễ"))) == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Nguyễn Văn Hùng", "nguyen van hung"),
        ("ĐOÀN", "doan"),
        ("Đặng Thị Ngọc Ánh", "dang thi ngoc anh"),
        ("  Trương   Thị\tƯớc \n", "truong thi uoc"),
        ("Phường Ô Chợ Dừa", "phuong o cho dua"),
        ("Ðinh", "dinh"),  # eth from legacy TCVN3/VNI conversions
        ("", ""),
    ],
)
def test_unaccent_strips_diacritics_lowercases_and_collapses_spaces(raw, expected):
    assert unaccent(raw) == expected


def test_unaccent_gives_the_same_result_for_nfd_input():
    assert (
        unaccent(nfd("Lê Thị Hồng Nhung")) == unaccent("Lê Thị Hồng Nhung") == "le thi hong nhung"
    )


def test_search_key_is_unaccent():
    for s in ["Nguyễn Văn Hùng", "ĐOÀN", nfd("Bùi Thị Xuân")]:
        assert search_key(s) == unaccent(s)


# --- sort_key: roster order ----------------------------------------------------------------

ROSTER_IN_ORDER = [
    ("Trần", "Văn", "An"),
    ("Bùi", "Thị", "Anh"),
    ("Lê", "Minh", "Ân"),
    ("Phạm", "Thị", "Bích"),
    ("Đỗ", "Thị", "Dung"),
    ("Vũ", "Văn", "Dung"),
    ("Hoàng", "Minh", "Đức"),
    ("Đặng", "Thu", "Hà"),
    ("Ngô", "Thị", "Hà"),
    ("Nguyễn", "Văn", "Hùng"),
    ("Nguyễn", "Văn", "Hưng"),
    ("Lê", "Văn", "Tuân"),
    ("Lê", "Văn", "Tuần"),
    ("Lê", "Văn", "Tuấn"),
    ("Hồ", "Thị", "Uyên"),
    ("Lò", "Văn", "Ước"),
    ("Nguyễn", "Thị", "Yến"),
]


def test_sort_key_orders_sample_roster():
    shuffled = ROSTER_IN_ORDER[:]
    random.Random(2020).shuffle(shuffled)
    assert sorted_names(shuffled) == [" ".join(n) for n in ROSTER_IN_ORDER]


def test_sort_key_orders_given_name_first():
    assert key("Trần", "Văn", "An") < key("Bùi", "Văn", "Anh")
    assert key("Vũ", "Văn", "An") < key("Bùi", "Văn", "Bình")


def test_sort_key_then_family_name_then_middle_name():
    assert key("Đỗ", "Văn", "Dung") < key("Vũ", "Thị", "Dung")
    assert key("Lê", "Thị", "Hoa") < key("Lê", "Văn", "Hoa")


def test_sort_key_shorter_word_sorts_before_its_extension():
    assert key("Trần", "", "An") < key("Bùi", "", "Anh")
    assert key("Lê", "Thị", "Hoa") < key("Lê", "Thị Minh", "Hoa")
    assert key("", "", "") < key("", "", "A")


def test_sort_key_field_boundary_beats_later_letters():
    # "An" + "Trần" must not be read as "Antrần" (which would come after "Anh").
    assert key("Trần", "", "An") < key("A", "", "Anh")
    assert key("Ân", "", "An") < key("A", "", "Anh")


def test_sort_key_a_breve_circumflex_are_separate_letters():
    # a < ă < â < b: "An" < "Anh" < "Ăn" < "Ân" < "Bá"
    names = [("", "", t) for t in ["Bá", "Ân", "Ăn", "Anh", "An"]]
    assert sorted_names(names) == ["  An", "  Anh", "  Ăn", "  Ân", "  Bá"]


def test_sort_key_d_stroke_after_d():
    assert key("", "", "Dung") < key("", "", "Dư") < key("", "", "Đào") < key("", "", "Đức")
    assert key("", "", "Dũng") < key("", "", "Đa") < key("", "", "Em")


def test_sort_key_u_horn_after_u_and_o_letters_in_order():
    assert key("", "", "Út") < key("", "", "Uyên") < key("", "", "Ưng") < key("", "", "Vân")
    assert key("", "", "Oanh") < key("", "", "Ôn") < key("", "", "Ơn") < key("", "", "Phúc")


def test_sort_key_letters_follow_cldr_vi_alphabet():
    alphabet = list("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")
    shuffled = alphabet[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=lambda ch: sort_key(ch, "")) == alphabet


def test_sort_key_digits_before_letters():
    assert key("", "", "9") < key("", "", "A")
    assert key("", "", "Hà 2") < key("", "", "Hà A")


def test_sort_key_tones_in_vietnamese_order():
    # ngang < huyền < hỏi < ngã < sắc < nặng
    tones = ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ"]
    keys = [sort_key(t, "") for t in tones]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(tones)
    assert key("", "", "Tuân") < key("", "", "Tuần") < key("", "", "Tuấn")


def test_sort_key_tones_only_break_ties_after_all_letters():
    # Tuấn Bùi before Tuân Lê: the họ letters decide before the tên tone does.
    assert key("Bùi", "", "Tuấn") < key("Lê", "", "Tuân")
    assert key("Lê", "Văn", "Tuấn") < key("Lê", "Vân", "Tuân")  # a < â in the tên đệm
    # Same letters everywhere: tones of tên decide before tones of họ.
    assert key("Lê", "", "Tuân") < key("Lế", "", "Tuần")


def test_sort_key_is_case_insensitive():
    assert (
        key("NGUYỄN", "VĂN", "HÙNG") == key("nguyễn", "văn", "hùng") == key("Nguyễn", "Văn", "Hùng")
    )


def test_sort_key_same_for_nfd_and_nfc_input():
    assert key(nfd("Nguyễn"), nfd("Thị Ngọc"), nfd("Ánh")) == key("Nguyễn", "Thị Ngọc", "Ánh")


def test_sort_key_ignores_extra_whitespace():
    assert key(" Nguyễn ", "Thị   Ngọc", "Ánh ") == key("Nguyễn", "Thị Ngọc", "Ánh")


def test_sort_key_old_and_new_tone_placement_are_equal():
    assert sort_key("Hoà", "Lê") == sort_key("Hòa", "Lê")
    assert sort_key("Thuỷ", "Lê") == sort_key("Thủy", "Lê")
    assert sort_key("Hoà", "") < sort_key("Hoá", "") == sort_key("Hóa", "")


def test_sort_key_is_lowercase_ascii_only_and_bounded():
    very_long = "Nguyễn Phúc Tôn Nữ Thị Minh Khai Hoàng Thuỳ Dương " * 5
    for k in [
        key("Nguyễn", "Thị", "Ánh"),
        key("H'Hen", "", "Niê"),
        key("Ksor", "", "Hơ Đơk-2"),
        key(very_long, very_long, very_long),
        key("a b c d e f g h i j k l m n o p q r s t u v w x y z", "", "a b c d e f g h i j"),
    ]:
        assert re.fullmatch(r"[a-z]+", k)
        assert len(k) <= SORT_KEY_MAX_LENGTH < 190


def test_sort_key_truncation_only_ties_names_equal_in_their_first_characters():
    base = "Thị Minh Khai Hoàng Thuỳ Dương"
    assert key("Lê", base + " Anh", "Hoa") <= key("Lê", base + " Bình", "Hoa")
    assert key("Lê", "", "Hoa") < key("Lê", "", "Hoà")


# --- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "decimals", "expected"),
    [
        (0, 0, "0"),
        (999, 0, "999"),
        (1532, 0, "1.532"),
        (5600000, 0, "5.600.000"),
        (-5600000, 0, "-5.600.000"),
        (90.333, 2, "90,33"),
        (2.675, 2, "2,68"),  # half up, no binary-float surprise
        (1234567.891, 1, "1.234.567,9"),
        (Decimal("1234.5"), 2, "1.234,50"),
        (-0.001, 2, "0,00"),  # no "-0"
        (1999.5, 0, "2.000"),
    ],
)
def test_format_number_uses_dot_grouping_and_comma_decimals(n, decimals, expected):
    assert format_number(n, decimals) == expected


def test_format_number_rejects_nan():
    with pytest.raises(ValueError):
        format_number(float("nan"))


def test_format_percent_keeps_trailing_zeros():
    assert format_percent(90.33) == "90,33%"
    assert format_percent(12.5, decimals=1) == "12,5%"
    assert format_percent(100) == "100,00%"
    assert format_percent(Decimal("66.666"), 0) == "67%"


def test_format_vnd():
    assert format_vnd(1500000) == "1.500.000 đ"
    assert format_vnd(0) == "0 đ"


# --- dates ---------------------------------------------------------------------------------


def test_format_date_is_dd_mm_yyyy():
    assert format_date(date(2020, 3, 25)) == "25/03/2020"
    assert format_date(date(2021, 1, 5)) == "05/01/2021"
    assert format_date(datetime(2020, 3, 25, 14, 30)) == "25/03/2020"
    assert format_date(None) == ""


def test_format_date_long_header_style():
    assert format_date_long(date(2020, 3, 25)) == "ngày 25 tháng 3 năm 2020"
    assert format_date_long(date(2021, 1, 5)) == "ngày 5 tháng 1 năm 2021"
    assert format_date_long(None) == ""


def test_format_date_long_official_pads_small_day_and_january_february():
    assert format_date_long(date(2021, 2, 5), official=True) == "ngày 05 tháng 02 năm 2021"
    assert format_date_long(date(2020, 3, 25), official=True) == "ngày 25 tháng 3 năm 2020"
    assert format_date_long(date(2020, 12, 9), official=True) == "ngày 09 tháng 12 năm 2020"


@pytest.mark.parametrize("text", ["25/03/2020", "25/3/2020", "2020-03-25", " 25/03/2020 "])
def test_parse_date_vn_accepts_common_formats(text):
    assert parse_date_vn(text) == date(2020, 3, 25)


@pytest.mark.parametrize(
    "text", ["", "25-03-2020", "03/25/2020", "31/02/2020", "25/03/20", "hôm nay"]
)
def test_parse_date_vn_rejects_other_input_with_vietnamese_message(text):
    with pytest.raises(ValueError, match="Ngày không hợp lệ") as exc:
        parse_date_vn(text)
    assert f"«{text}»" in str(exc.value)
    assert "dd/mm/yyyy" in str(exc.value)


def test_parse_date_vn_speaks_the_users_language():
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValueError) as exc:
        parse_date_vn("31/02/2020")
    assert str(exc.value) == "Invalid date: «31/02/2020» (format dd/mm/yyyy)"


def test_parse_date_vn_round_trips_format_date():
    d = date(2019, 11, 7)
    assert parse_date_vn(format_date(d)) == d
