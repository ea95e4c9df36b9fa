"""Background tasks of the reviews app (run by the django-tasks worker).

Opening a cycle over a whole province or the nation inserts hundreds of thousands to millions
of review rows (≈ 2 minutes for 5,6 million on PostgreSQL, bench/bench_review_open.py), longer
than a web request should wait. The cycle-open page checks the form and every rule of
``services.cycle_open`` first (``opening.check_opening``), then starts ``open_cycle`` through
capuy/jobs and shows its progress; a scope with few members is still opened in the request.
"""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from capuy.core.vntext import format_number
from capuy.jobs.models import Job, JobStatus
from capuy.jobs.services import JobResult, job_fail, job_progress, job_running, job_start
from capuy.organizations.models import Organization

from . import opening, services
from .choices import PeriodKind
from .models import RuleSet

logger = logging.getLogger(__name__)

OPEN_JOB = "reviews.open_cycle"
# Scopes with more party members than this are opened in the background.
SYNC_MEMBERS = 20_000


def sync_limit() -> int:
    return getattr(settings, "CAPUY_REVIEW_OPEN_SYNC_MEMBERS", SYNC_MEMBERS)


def runs_in_background(organization: Organization) -> bool:
    """Whether opening a cycle over ``organization`` goes to a background job (its member
    count, kept on the row, says how many rows the opening will write)."""
    return organization.member_count > sync_limit()


def open_arguments_to_params(arguments: dict) -> dict:
    """The ``services.cycle_open`` keyword arguments as JSON for the job row."""
    return {
        "rule_set": arguments["rule_set"].pk,
        "organization": arguments["organization"].pk,
        "year": arguments["year"],
        "period_kind": arguments["period_kind"],
        "quarter": arguments.get("quarter"),
        "period_start": _iso(arguments.get("period_start")),
        "period_end": _iso(arguments.get("period_end")),
        "name": arguments.get("name") or "",
        "deadlines": arguments.get("deadlines"),
    }


def params_to_open_arguments(params: dict) -> dict:
    return {
        "rule_set": RuleSet.objects.get(pk=params["rule_set"]),
        "organization": Organization.objects.get(pk=params["organization"]),
        "year": params["year"],
        "period_kind": params["period_kind"],
        "quarter": params.get("quarter"),
        "period_start": _date(params.get("period_start")),
        "period_end": _date(params.get("period_end")),
        "name": params.get("name") or "",
        "deadlines": params.get("deadlines"),
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def start_open_job(*, user, **arguments) -> Job:
    """Check everything ``services.cycle_open`` checks, then start the job that opens the
    cycle. Raises the service's ``ValidationError`` / ``PermissionDenied`` before any job."""
    # The API leaves out what the caller did not send; the job row stores every argument.
    arguments.setdefault("period_kind", PeriodKind.YEAR)
    opening.check_opening(acting_user=user, **arguments)
    organization = arguments["organization"]
    name = arguments.get("name") or services.default_cycle_name(
        organization, arguments["period_kind"], arguments["year"], arguments.get("quarter")
    )
    return job_start(
        user=user,
        kind=OPEN_JOB,
        title=_("Mở đợt: %(name)s") % {"name": name},
        params=open_arguments_to_params(arguments),
    )


def open_cycle_result(job: Job) -> JobResult | None:
    """The cycle a finished opening job opened (``JOB_RESULTS`` in capuy/jobs/services.py).
    Read from the job row alone; the cycle's page and resource apply the scope."""
    cycle_id = job.params.get("cycle_id")
    if cycle_id is None:
        return None
    return JobResult(
        type="review-cycle",
        label=_("Xem đợt đánh giá"),
        page_url=reverse("reviews:cycle_detail", args=[cycle_id]),
        api_url=reverse("api:review-cycle-detail", args=[cycle_id]),
        id=cycle_id,
        data={"counts": job.params.get("counts") or {}},
    )


class _Progress:
    """Writes the opening's steps to the job row while the opening transaction is still open.

    On PostgreSQL the row is updated through a second connection in autocommit, so the page
    polling it sees each step at once (an update inside the opening transaction would only
    show at its commit). On SQLite a second writer would wait for the opening's lock, so the
    steps are only logged there; the row jumps to done at the end. A failure to report never
    fails the opening.
    """

    MESSAGES = {
        "organizations_read": gettext_lazy("Đã đọc cây tổ chức; đang lập danh sách tổ chức đảng…"),
        "organization": gettext_lazy("Đã ghi %(n)s tổ chức đảng; đang ghi đảng viên…"),
        "member": gettext_lazy("Đã ghi %(n)s đảng viên; đang ghi tập thể lãnh đạo…"),
        "collective": gettext_lazy("Đã ghi %(n)s tập thể lãnh đạo; đang ghi chức vụ lãnh đạo…"),
        "leader": gettext_lazy("Đã ghi %(n)s chức vụ lãnh đạo; đang lưu…"),
    }

    def __init__(self, job_id, estimate: int):
        self.job_id = job_id
        self.estimate = max(estimate, 1)
        self.side = None

    def __call__(self, step: str, counts: opening.OpenedCounts) -> None:
        done = counts.total
        total = max(self.estimate, done)
        message = str(self.MESSAGES.get(step, "")) % {"n": format_number(getattr(counts, step, 0))}
        logger.info("Job %s: %s (%s/%s)", self.job_id, message, done, total)
        if connection.vendor != "postgresql":
            return
        try:
            if self.side is None:
                self.side = connections.create_connection(DEFAULT_DB_ALIAS)
                with self.side.cursor() as cursor:
                    cursor.execute("SET lock_timeout = '2s'")
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {Job._meta.db_table} SET done = %s, total = %s, message = %s, "
                    "status = %s WHERE id = %s",
                    [done, total, message[:500], JobStatus.RUNNING, self.job_id],
                )
        except Exception:  # progress is a courtesy: never fail the opening for it
            logger.warning("Job %s: could not record progress", self.job_id, exc_info=True)

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


def _estimate(organization: Organization) -> int:
    """Rows the opening will write, roughly: the members and organizations of the scope."""
    organizations = Organization.objects.filter(path__startswith=organization.path).count()
    return organization.member_count + organizations


@task()
def open_cycle(job_id: str) -> None:
    """Mở đợt đánh giá: ``services.cycle_open`` with the stored arguments, as the user who asked
    (their scope is checked again now: a role revoked since the click refuses the job)."""
    with job_running(job_id) as job:
        try:
            arguments = params_to_open_arguments(job.params)
        except (RuleSet.DoesNotExist, Organization.DoesNotExist):
            job_fail(job.pk, _("Bộ quy tắc hoặc tổ chức đảng không còn trong hệ thống."))
            return
        estimate = _estimate(arguments["organization"])
        job_progress(job.pk, 0, estimate, _("Đang lập danh sách đối tượng phải kiểm điểm…"))
        progress = _Progress(job.pk, estimate)
        try:
            with opening.reporting(progress):
                cycle = services.cycle_open(acting_user=job.user, **arguments)
        except ValidationError as error:
            job_fail(job.pk, " ".join(error.messages))
            return
        except PermissionDenied:
            job_fail(job.pk, _("Bạn không còn quyền mở đợt đánh giá cho tổ chức này."))
            return
        finally:
            progress.close()
        counts = cycle.opened_counts
        written = sum(counts.values())
        message = _(
            "Đã mở đợt: %(orgs)s tổ chức đảng, %(members)s đảng viên, %(colls)s tập thể lãnh "
            "đạo, %(leaders)s chức vụ lãnh đạo phải kiểm điểm."
        ) % {
            "orgs": format_number(counts["organization"]),
            "members": format_number(counts["member"]),
            "colls": format_number(counts["collective"]),
            "leaders": format_number(counts["leader"]),
        }
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.DONE,
            done=written,
            total=written,
            message=message[:500],
            params={**job.params, "cycle_id": cycle.pk, "counts": counts},
            finished_at=timezone.now(),
        )
