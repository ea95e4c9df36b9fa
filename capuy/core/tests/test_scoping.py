"""Scoped reads of a subtree (``ScopedQuerySet.visible_under``): the same rows as
``visible_to`` narrowed to the subtree, with one prefix condition when the scope holds it."""

from capuy.members.models import Member


def names(queryset) -> list[str]:
    return sorted(m.ten for m in queryset)


def test_a_subtree_inside_the_scope_is_read_by_its_own_prefix_alone(world):
    staff = world.users["staff"]  # the district
    under = Member.objects.visible_under(staff, world.grassroots.path)
    assert names(under) == ["An", "Hùng", "Lan", "Tuấn"]
    assert str(under.query).count("LIKE") == 1


def test_a_subtree_larger_than_the_scope_shows_only_the_scope(world):
    secretary = world.users["secretary"]  # one cell of the district
    under = Member.objects.visible_under(secretary, world.district.path)
    assert (
        names(under)
        == names(
            Member.objects.visible_to(secretary).filter(org_path__startswith=world.district.path)
        )
        == ["Hùng", "Lan", "Tuấn"]
    )


def test_a_subtree_outside_the_scope_shows_nothing(world):
    assert not Member.objects.visible_under(world.users["outsider"], world.district.path)
    assert not Member.objects.visible_under(None, world.province.path)


def test_everything_under_the_path_for_a_superuser(world):
    under = Member.objects.visible_under(world.users["root"], world.district.path)
    assert names(under) == ["An", "Hùng", "Lan", "Tuấn"]
