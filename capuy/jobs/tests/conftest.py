import pytest
from django.utils import timezone

from capuy.accounts.models import RoleGrant
from capuy.jobs.models import Job, JobStatus


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Export files go to a per-test folder, never into var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cycle_job(world):
    """The district staff's finished opening of a cycle over their district: (job, cycle).

    The cycle is renamed after the opening, so a page showing its name can only have read it
    from the cycle itself (the job's title and message do not hold it)."""
    from capuy.reviews.models import ReviewCycle
    from capuy.reviews.testing import open_cycle

    cycle = open_cycle(world, org=world.district)
    ReviewCycle.objects.filter(pk=cycle.pk).update(name="Đợt kín của huyện An Bình")
    cycle.refresh_from_db()
    job = Job.objects.create(
        user=world.users["staff"],
        kind="reviews.open_cycle",
        title="Mở đợt đánh giá",
        status=JobStatus.DONE,
        message="Đã mở đợt.",
        params={"cycle_id": cycle.pk, "counts": {"member": 4}},
        finished_at=timezone.now(),
    )
    return job, cycle


@pytest.fixture
def move_staff_away(world):
    """``move_staff_away()``: the staff's role now covers the other district only, so the cycle
    over their former district is out of their scope (a role moved or revoked after the job)."""

    def move() -> None:
        RoleGrant.objects.filter(user=world.users["staff"]).update(
            organization=world.other_district
        )

    return move
