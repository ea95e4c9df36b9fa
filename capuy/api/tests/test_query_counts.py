"""List endpoints run a fixed number of queries whatever the number of rows (no N+1)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from capuy.committees.choices import CommitteeKind, SeatRole
from capuy.committees.models import Committee, Seat, Term
from capuy.core.testing import member_in, org_child
from capuy.jobs.models import Job, JobStatus
from capuy.members.models import MemberTransfer
from capuy.organizations.choices import FlagKind, OrgKind
from capuy.organizations.models import OrganizationFlag


def add_organizations(world, start, count):
    for i in range(start, start + count):
        cell = org_child(world.grassroots, f"QC-{i}", f"Chi bộ {i}", OrgKind.CHI_BO_TRUC_THUOC)
        OrganizationFlag.objects.create(
            organization=cell, kind=FlagKind.KHO_KHAN, valid_from=date(2019, 1, 1)
        )


def add_flags(world, start, count):
    for i in range(start, start + count):
        OrganizationFlag.objects.create(
            organization=world.cell, kind=FlagKind.PHUC_TAP, valid_from=date(2000 + i, 1, 1)
        )


def add_members(world, start, count):
    for i in range(start, start + count):
        member_in(world.cell, "Nguyễn", "Văn", f"Số {i}")


def add_transfers(world, start, count):
    for i in range(start, start + count):
        MemberTransfer.objects.create(
            member=world.members["hung"],
            from_cell=world.other_cell,
            to_cell=world.cell,
            transferred_on=date(2000 + i, 1, 1),
        )


def add_terms(world, start, count):
    for i in range(start, start + count):
        Term.objects.create(
            organization=world.district, name=f"K{i}", start_on=date(1950 + i, 1, 1)
        )


def add_committees(world, start, count):
    for i in range(start, start + count):
        term = Term.objects.create(
            organization=world.district, name=f"K{i}", start_on=date(1950 + i, 1, 1)
        )
        Committee.objects.create(term=term, kind=CommitteeKind.BCH)


def add_seats(world, start, count):
    for i in range(start, start + count):
        member = member_in(world.cell, "Trần", "Văn", f"Số {i}")
        Seat.objects.create(
            committee=world.bch, member=member, role=SeatRole.UY_VIEN_BCH, start_on=date(2016, 1, 1)
        )


def add_jobs(world, start, count):
    for i in range(start, start + count):
        Job.objects.create(
            user=world.users["office"],
            kind="reviews.open_cycle",
            title=f"Mở đợt {i}",
            status=JobStatus.DONE,
            params={"cycle_id": i, "counts": {"member": i}},
        )


# resource → (how to add rows, the pinned number of queries for one page). Every request costs
# four before the view's own: session, user, OTP device (2FA), role grants (scope); then COUNT
# and the page; organizations add one prefetch for their flags.
LISTS = {
    "organizations": (add_organizations, 7),
    "organization-flags": (add_flags, 6),
    "members": (add_members, 6),
    "member-transfers": (add_transfers, 6),
    "terms": (add_terms, 6),
    "committees": (add_committees, 6),
    "seats": (add_seats, 6),
    # a job is the user's own; what it produced is re-checked against the scope: the role
    # grants, then one visible_to query per type of result, however many jobs
    "jobs": (add_jobs, 7),
}


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("resource", LISTS)
def test_list_query_count_does_not_grow_with_rows(api, world, resource):
    add_rows, pinned = LISTS[resource]
    url = f"/api/v1/{resource}/"
    client = api("office")

    add_rows(world, 0, 3)
    few = queries_for(client, url)
    add_rows(world, 3, 27)
    many = queries_for(client, url)

    assert client.get(url).json()["count"] >= 30
    assert few == many == pinned
