"""``capuy synth``: counts scale with --members, stored counts are exact, --reset replaces."""

import io
import random

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count

from capuy.demo import synth
from capuy.members.models import Member
from capuy.organizations.choices import GRASSROOTS_KINDS, OrgKind
from capuy.organizations.models import Organization
from capuy.organizations.services import recount_members

MEMBERS = 20_000


def synth_roots():
    return Organization.objects.filter(depth=1, code__startswith="S").order_by("path")


def kinds_under(root) -> dict[str, int]:
    return dict(
        Organization.objects.filter(path__startswith=root.path)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("id"))
    )


def assert_tree_consistent(root) -> None:
    """Paths, depth and numchild as treebeard would have written them (set-based check;
    treebeard's find_problems() runs two queries per node)."""
    rows = list(
        Organization.objects.filter(path__startswith=root.path).values_list(
            "path", "depth", "numchild"
        )
    )
    paths = {path for path, _, _ in rows}
    children: dict[str, int] = {}
    for path, depth, _ in rows:
        assert len(path) == depth * Organization.steplen
        assert set(path) <= set(Organization.alphabet)
        if depth > 1:
            assert path[: -Organization.steplen] in paths
            children[path[: -Organization.steplen]] = (
                children.get(path[: -Organization.steplen], 0) + 1
            )
    assert all(numchild == children.get(path, 0) for path, _, numchild in rows)


def test_the_plan_scales_the_national_counts():
    national = synth.Plan.scaled(5_600_000)
    assert (national.provinces, national.communes, national.grassroots, national.cells) == (
        34,
        3321,
        52000,
        200000,
    )
    small = synth.Plan.scaled(MEMBERS)
    assert (small.provinces, small.communes, small.grassroots, small.cells) == (1, 12, 186, 714)
    provinces = synth.Plan.scaled(560_000, provinces=5).split(random.Random(1))
    assert len(provinces) == 5
    assert sum(p.members for p in provinces) == 560_000
    assert sum(p.communes for p in provinces) == 332
    assert sum(p.grassroots for p in provinces) == 5200


@pytest.mark.django_db
def test_it_writes_the_planned_shape_with_exact_member_counts():
    plan = synth.Plan.scaled(MEMBERS)

    call_command("synth", members=MEMBERS, stdout=io.StringIO())

    (root,) = synth_roots()
    assert root.code == "S01"
    kinds = kinds_under(root)
    assert kinds[OrgKind.DANG_BO_XA] == plan.communes
    assert kinds[OrgKind.DANG_BO_HUYEN] == len(synth.BODIES)
    assert sum(kinds[k] for k in GRASSROOTS_KINDS) == plan.grassroots
    assert kinds[OrgKind.CHI_BO_TRUC_THUOC] == plan.cells
    assert abs(kinds[OrgKind.CHI_BO_CO_SO] / plan.grassroots - synth.CHI_BO_CO_SO_SHARE) < 0.01
    assert Member.objects.filter(org_path__startswith=root.path).count() == MEMBERS
    assert root.member_count == MEMBERS
    assert recount_members() == 0  # every stored subtree count was already right
    assert_tree_consistent(root)
    member = Member.objects.filter(org_path__startswith=root.path).select_related("cell").first()
    assert member.org_path == member.cell.path
    expected = Member(ho=member.ho, ten_dem=member.ten_dem, ten=member.ten)
    expected.fill_derived()
    assert (member.full_name, member.sort_key, member.search_text, member.given_search) == (
        expected.full_name,
        expected.sort_key,
        expected.search_text,
        expected.given_search,
    )


@pytest.mark.django_db
def test_it_refuses_to_add_a_second_dataset_and_replaces_it_with_reset():
    small = 5_000
    call_command("synth", members=small, stdout=io.StringIO())
    first = list(Member.objects.order_by("id").values_list("full_name", flat=True)[:20])
    with pytest.raises(CommandError, match="--reset"):
        call_command("synth", members=small, stdout=io.StringIO())

    call_command("synth", members=small, reset=True, stdout=io.StringIO())

    assert synth_roots().count() == 1
    assert Member.objects.count() == small
    again = list(Member.objects.order_by("id").values_list("full_name", flat=True)[:20])
    assert again == first


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY and index rebuild: PostgreSQL")
def test_copy_with_index_rebuild_restores_the_migration_indexes():
    def indexes():
        with connection.cursor() as cur:
            cur.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY 1",
                [Member._meta.db_table],
            )
            return cur.fetchall()

    def constraints():
        with connection.cursor() as cur:
            cur.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE conrelid = %s::regclass ORDER BY 1",
                [Member._meta.db_table],
            )
            return cur.fetchall()

    before, keys_before = indexes(), constraints()
    assert any("FOREIGN KEY (cell_id)" in definition for _, definition in keys_before)
    plan = synth.Plan.scaled(MEMBERS, provinces=2)

    synth.generate(plan=plan, drop_indexes=True)

    assert indexes() == before
    assert constraints() == keys_before  # the foreign keys are back, as deferrable as before
    roots = synth_roots()
    assert roots.count() == 2
    assert sum(r.member_count for r in roots) == Member.objects.count() == MEMBERS
    assert recount_members() == 0
