"""Background task of the rotation planner (run by the django-tasks worker)."""

from django_tasks import task

from . import services


@task()
def solve_plan(plan_id: int, revision: int) -> None:
    """Giải kế hoạch luân phiên: CP-SAT under the plan's time limit; progress on the plan row."""
    services.plan_solve(plan_id=plan_id, revision=revision)
