"""How the audit trail pages show a stored value (capuy.core.history)."""

from datetime import date
from decimal import Decimal

from capuy.core.history import _display
from capuy.reviews.models import Review


def _record(**values):
    return Review.history.model(**values)


def test_a_score_is_shown_with_a_decimal_comma_and_its_own_places():
    assert _display(_record(score_general=Decimal("25.50")), "score_general", {}) == "25,50"


def test_a_flag_is_shown_in_words():
    assert _display(_record(locked=True), "locked", {}) == "có"
    assert _display(_record(locked=False), "locked", {}) == "không"


def test_criterion_ratings_are_shown_as_criterion_and_rating():
    record = _record(ratings={"chinh_tri": "tot", "nhiem_vu": "xuat_sac"})
    assert _display(record, "ratings", {}) == "chinh_tri: tot; nhiem_vu: xuat_sac"
    assert _display(_record(ratings={}), "ratings", {}) == "—"


def test_a_choice_is_shown_by_its_label_and_an_empty_value_as_a_dash():
    assert _display(_record(decided_level="HTTNV"), "decided_level", {}) == (
        "Hoàn thành tốt nhiệm vụ"
    )
    assert _display(_record(decided_level=""), "decided_level", {}) == "—"


def test_a_date_is_shown_dd_mm_yyyy():
    from capuy.committees.models import Term

    record = Term.history.model(start_on=date(2019, 3, 5))
    assert _display(record, "start_on", {}) == "05/03/2019"
