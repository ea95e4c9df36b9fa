"""The finer write rules of meetings (capuy.meetings.access), branch by branch."""

import pytest

from capuy.accounts.choices import Role
from capuy.accounts.models import RoleGrant
from capuy.meetings import access
from capuy.meetings.choices import EnteredBy


def test_a_cell_secretary_runs_her_own_cell_only(world):
    secretary = world.users["secretary"]
    assert access.may_run_cell(secretary, world.cell)
    assert not access.may_run_cell(secretary, world.other_cell)
    assert not access.may_change(secretary, world.cell)  # ROLE_ACTIONS is not widened


def test_a_secretary_grant_at_a_grassroots_organization_covers_its_cells(world):
    user = world.users["inspector"]
    RoleGrant.objects.create(user=user, role=Role.CELL_SECRETARY, organization=world.grassroots)
    assert access.is_cell_secretary_of(user, world.cell)
    assert access.is_cell_secretary_of(user, world.other_cell)
    assert not access.is_cell_secretary_of(user, world.outside_cell)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("secretary", EnteredBy.SECRETARY),
        ("office", EnteredBy.OFFICE),
        ("staff", EnteredBy.OFFICE),
        ("root", EnteredBy.OFFICE),
        ("inspector", None),
        ("committee_member", None),
        ("outsider", None),
    ],
)
def test_recording_capacity_by_persona(world, persona, expected):
    assert (
        access.recording_capacity(world.users[persona], world.cell, world.members["hung"])
        == expected
    )


def test_a_committee_member_records_himself_only_where_he_can_see(world):
    user = world.users["committee_member"]
    user.member = world.members["hung"]
    assert access.recording_capacity(user, world.cell, world.members["hung"]) == EnteredBy.MEMBER
    assert access.recording_capacity(user, world.cell, world.members["lan"]) is None
    outsider = world.users["outsider"]
    outsider.member = world.members["hung"]
    assert access.recording_capacity(outsider, world.cell, world.members["hung"]) is None


def test_only_the_cells_secretary_or_a_superuser_may_confirm(world):
    assert access.may_confirm(world.users["secretary"], world.cell)
    assert access.may_confirm(world.users["root"], world.cell)
    assert not access.may_confirm(world.users["office"], world.cell)
    assert not access.may_confirm(world.users["secretary"], world.other_cell)


def test_anonymous_users_have_no_capacity(world):
    from django.contrib.auth.models import AnonymousUser

    assert access.recording_capacity(AnonymousUser(), world.cell) is None
    assert not access.may_run_cell(AnonymousUser(), world.cell)
