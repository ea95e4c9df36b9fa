"""How the audit trail pages show a stored value, and which fields they list
(capuy.core.history)."""

from datetime import date
from decimal import Decimal

from django.apps import apps
from django.utils import translation

from capuy.core.history import _display, history_rows
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


# --- what a history page lists ---------------------------------------------------------------


def test_a_derived_column_without_a_label_of_its_own_is_internal():
    from capuy.core.history import internal
    from capuy.meetings.models import Attendance
    from capuy.members.models import Member
    from capuy.organizations.models import Organization

    def field(model, name):
        return model._meta.get_field(name)

    for name in ("search_text", "sort_key", "given_search", "org_path"):
        assert internal(field(Member, name)), name
    assert internal(field(Organization, "search_text"))
    # derived but labelled: a page may show it
    assert not internal(field(Member, "full_name"))
    assert not internal(field(Review, "manifestations_linked"))
    # editable, labelled or not: shown
    assert not internal(field(Organization, "path"))
    assert not internal(field(Review, "self_text"))
    # the label is compared untranslated: in English "cấp" reads "level", the field's own name
    internal.cache_clear()
    with translation.override("en"):
        assert str(field(Attendance, "level").verbose_name) == "level"
        assert not internal(field(Attendance, "level"))
        assert internal(field(Attendance, "entered_at"))


def _conference(world):
    from capuy.conferences import services
    from capuy.conferences.choices import Session

    return services.conference_create(
        acting_user=world.users["office"],
        committee=world.bch,
        number=1,
        date=date(2020, 3, 25),
        session=Session.SANG,
        place="Hội trường Tỉnh ủy",
    )


def test_a_creation_lists_what_was_entered_but_no_internal_column(world):
    from capuy.conferences.models import Conference

    conference = _conference(world)
    (created,) = history_rows(Conference.objects.get(pk=conference.pk))
    assert created.kind == "Tạo mới"
    listed = {change.field: (change.label, change.new) for change in created.changes}
    assert listed["place"] == ("địa điểm", "Hội trường Tỉnh ủy")
    assert listed["date"] == ("ngày họp", "25/03/2020")
    assert listed["committee"][0] == "cấp ủy"
    assert "created_at" not in listed and "updated_at" not in listed


def test_a_change_lists_the_fields_edited_not_the_timestamp_the_save_moved(world):
    from capuy.conferences import services
    from capuy.conferences.models import Conference

    conference = _conference(world)
    services.conference_update(
        acting_user=world.users["office"], conference=conference, place="Phòng họp số 2"
    )
    changed, _created = history_rows(Conference.objects.get(pk=conference.pk))
    assert changed.kind == "Sửa"
    assert [(c.field, c.label, c.old, c.new) for c in changed.changes] == [
        ("place", "địa điểm", "Hội trường Tỉnh ủy", "Phòng họp số 2")
    ]
    first, second = Conference.history.filter(id=conference.pk).order_by("history_id")
    assert second.updated_at > first.updated_at  # moved by the save, and not listed


def test_a_member_s_history_lists_no_search_key_path_or_sort_key(world):
    from capuy.members.models import Member

    hung = world.members["hung"]
    hung.ten_dem = "Đức"
    hung.save()
    changed, created = history_rows(Member.objects.get(pk=hung.pk))
    internal_columns = {"org_path", "sort_key", "search_text", "given_search"}
    assert [c.field for c in changed.changes] == ["ten_dem"]
    assert {"ho", "ten", "cell"} <= {c.field for c in created.changes}
    assert not internal_columns & {c.field for c in created.changes}


# --- every field a history page shows has a Vietnamese label ----------------------------------


def _models_with_history():
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("capuy.")
        and hasattr(model, "history")
        and not hasattr(model, "instance_type")  # a Historical* model itself
    ]


def test_every_field_a_history_page_can_show_has_a_label_of_its_own():
    """A field without one shows Django's default, its English name ("Cycle: …"), in the
    Vietnamese page. Fields the history leaves out today count too: an exclusion may be
    dropped, and the forms and the admin show them."""
    from capuy.core.history import internal

    models = _models_with_history()
    assert Review in models and len(models) > 30
    missing = []
    with translation.override(None):
        for model in models:
            for model_field in model._meta.concrete_fields:
                if model_field.name in ("id", "path", "depth", "numchild"):
                    continue
                if internal(model_field):
                    continue
                if str(model_field.verbose_name) == model_field.name.replace("_", " "):
                    missing.append(f"{model._meta.label}.{model_field.name}")
    assert missing == []
