"""An English session reads the review checks in English: the order warnings, the coverage
labels and the rules' messages are Vietnamese msgids translated by capuy/locale/en."""

import pytest
from django.urls import reverse
from django.utils import translation

from capuy.reviews import imports, selectors
from capuy.reviews.models import ReviewEvent
from capuy.reviews.rules import check_decision, derive_level
from capuy.reviews.rulesets import effective_rules
from capuy.reviews.testing import open_cycle, review_of, self_assessed


@pytest.fixture
def cycle(world):
    return open_cycle(world)


def in_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


def test_an_english_session_sees_the_order_warnings_in_english(as_user, world, cycle):
    # given: a leader's post self-assessed while the province's collective is undecided
    review = self_assessed(world, review_of(cycle, world.seat))
    client = in_english(as_user("office"))

    # when
    page = client.get(reverse("reviews:review_decide", args=[review.pk])).content.decode()

    # then
    assert "The leadership collective has no classification decision yet" in page
    assert "The advisory body has not proposed a level yet." in page
    assert "chưa được quyết định xếp loại" not in page
    assert "Chưa có mức đề xuất" not in page


def test_the_decision_records_the_warnings_in_the_deciders_language(as_user, world, cycle):
    review = self_assessed(world, review_of(cycle, world.seat))
    client = in_english(as_user("office"))
    client.post(reverse("reviews:review_decide", args=[review.pk]), {"level": "HTTNV"})
    event = ReviewEvent.objects.get(review=review, step="decide")
    assert "The advisory body has not proposed a level yet." in event.warnings


def test_the_count_of_undecided_lower_organizations_reads_in_english(world, cycle):
    review = review_of(cycle, world.grassroots)
    with translation.override("en"):
        warnings = selectors.order_warnings(review)
    assert any(
        w.startswith("2 subordinate party organizations have no classification decision yet")
        for w in warnings
    )


def test_the_import_writes_the_same_warning_texts_as_the_services():
    assert imports.WARN_CELL_COMMITTEE_UNDECIDED is selectors.WARN_CELL_COMMITTEE_UNDECIDED
    assert imports.WARN_NO_PROPOSAL is selectors.WARN_NO_PROPOSAL
    with translation.override("en"):
        assert str(imports.WARN_NO_PROPOSAL) == "The advisory body has not proposed a level yet."


def test_an_english_session_sees_the_coverage_labels_in_english(as_user, world, cycle):
    client = in_english(as_user("office"))
    page = client.get(reverse("reviews:cycle_detail", args=[cycle.pk])).content.decode()
    assert f"{world.province.name} (direct)" in page
    assert "(trực tiếp)" not in page


def test_the_coverage_total_and_quota_groups_are_labelled_in_english(world, cycle):
    review = review_of(cycle, world.members["hung"])
    with translation.override("en"):
        total = selectors.coverage_total(selectors.cycle_coverage(world.users["office"], cycle))
        group = selectors.quota_group_label(review.quota_group)
    assert total.label == "Total"
    assert group.startswith("Party members")


def test_the_rules_messages_read_in_english(world, cycle):
    rules = effective_rules(cycle.rule_set)
    with translation.override("en"):
        derivation = derive_level(rules, "member", ratings={})
        problems = check_decision(rules, "member", level="", derivation=derivation)
    assert derivation.reasons[0].startswith("Data incomplete: ")
    assert problems == [("level", "Choose a level.")]


def test_the_subject_lists_status_filter_reads_in_english(as_user, cycle):
    client = in_english(as_user("office"))

    page = client.get(reverse("reviews:subject_list", args=[cycle.pk])).content.decode()

    assert "Any status" in page and "Not reviewed yet" in page
    assert "Chưa kiểm điểm</option>" not in page
