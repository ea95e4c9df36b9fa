"""Start long jobs and record their progress on the Job row that the job page polls.

The work runs as a django-tasks task (a worker in production, synchronously in tests); the task
receives only the job id and reads everything else, including the requesting user whose scope
it must apply, from the row.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.apps import apps
from django.core.files import File
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from capuy.core.scoping import VIEW
from capuy.core.vntext import unaccent

from .models import Job, JobStatus

logger = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[^a-z0-9_-]+")

# Job kind → the task that does the work. One line per kind, so "what runs" is greppable.
JOB_TASKS: dict[str, str] = {
    "members.export_xlsx": "capuy.members.tasks.member_export_xlsx",
    "reviews.open_cycle": "capuy.reviews.tasks.open_cycle",
}

# Job kind → the function (job) → JobResult that names what a finished job made, for kinds
# whose result is a row rather than a file. The pages and the API link to it; the jobs app
# imports no domain app.
JOB_RESULTS: dict[str, str] = {
    "reviews.open_cycle": "capuy.reviews.tasks.open_cycle_result",
}

# Result type (the object's API resource) → its model. The user's scope may have narrowed since
# the job ran, so every time a job is shown its object is re-selected through the model's
# ``visible_to``, as its own page and resource do; a type missing here is never linked.
RESULT_MODELS: dict[str, str] = {
    "review-cycle": "reviews.ReviewCycle",
}

FILE = "file"
WITHHELD_NOTE = gettext_lazy("Không còn quyền xem kết quả này.")


@dataclass(frozen=True)
class JobResult:
    """What a finished job produced: a file, or an object with its page and API resource."""

    type: str  # "file", or the API resource name of the object ("review-cycle")
    label: str  # the link's text on the job pages (or the note of a withheld result)
    page_url: str
    api_url: str
    id: int | None = None
    name: str = ""
    data: dict = field(default_factory=dict)  # kind-specific details (an opening's counts)
    withheld: bool = False  # the job made an object the user may no longer see: no link


def _withheld(result: JobResult) -> JobResult:
    """The result without anything that names the object: only its type and the note."""
    return JobResult(
        type=result.type, label=str(WITHHELD_NOTE), page_url="", api_url="", withheld=True
    )


def job_start(*, user, kind: str, title: str, params: dict) -> Job:
    """Create the job row for ``user`` and enqueue its task with the job id."""
    if kind not in JOB_TASKS:
        raise ValueError(f"Unknown job kind: {kind!r}")
    task = import_string(JOB_TASKS[kind])
    job = Job.objects.create(user=user, kind=kind, title=title[:255], params=params)
    # With a database task backend the task row commits together with the job row, so a worker
    # can never pick up a job id that does not exist yet.
    task.enqueue(job_id=str(job.pk))
    job.refresh_from_db()
    return job


def job_result(job: Job, *, user) -> JobResult | None:
    """What ``job`` produced once done, as ``user`` may see it now (``None`` before, after a
    failure, or for nothing; a withheld result for an object out of the user's scope)."""
    return job_results([job], user=user)[0]


def job_results(jobs: Iterable[Job], *, user) -> list[JobResult | None]:
    """``job_result`` of each job, re-checking the objects in one query per result type."""
    results = [_made_by(job) for job in jobs]
    visible = _visible_ids(results, user)
    return [
        result
        if result is None or result.type == FILE or (result.type, result.id) in visible
        else _withheld(result)
        for result in results
    ]


def _visible_ids(results: list[JobResult | None], user) -> set[tuple[str, int]]:
    wanted: dict[str, set[int]] = defaultdict(set)
    for result in results:
        if result is not None and result.type != FILE and result.id is not None:
            wanted[result.type].add(result.id)
    visible: set[tuple[str, int]] = set()
    for type_, ids in wanted.items():
        if type_ not in RESULT_MODELS:
            logger.error("Job result type %r has no model in RESULT_MODELS; not linked", type_)
            continue
        model = apps.get_model(RESULT_MODELS[type_])
        rows = model._default_manager.visible_to(user, VIEW).filter(pk__in=ids)
        visible.update((type_, pk) for pk in rows.values_list("pk", flat=True))
    return visible


def _made_by(job: Job) -> JobResult | None:
    """What ``job`` produced, read from its row alone (before any scope check)."""
    if job.status != JobStatus.DONE:
        return None
    if job.kind in JOB_RESULTS:
        return import_string(JOB_RESULTS[job.kind])(job)
    if job.result_file:
        return JobResult(
            type=FILE,
            label=_("Tải về"),
            page_url=reverse("jobs:download", args=[job.pk]),
            api_url=reverse("api:job-download", args=[job.pk]),
            name=job.result_name,
        )
    return None


def job_progress(job_id, done: int, total: int, message: str = "") -> None:
    """Record how far the job has got (one UPDATE; called every few hundred rows)."""
    fields = {"done": done, "total": total, "status": JobStatus.RUNNING}
    if message:
        fields["message"] = message[:500]
    Job.objects.filter(pk=job_id).update(**fields)


def job_finish(job_id, *, file, name: str, message: str = "") -> Job:
    """Store the result file under a generated, safe name and mark the job done."""
    job = Job.objects.get(pk=job_id)
    safe = result_filename(name)
    job.result_file.save(f"{job.pk.hex}-{safe}", File(file), save=False)
    job.result_name = safe
    job.status = JobStatus.DONE
    job.done = max(job.done, job.total)
    job.message = message[:500]
    job.finished_at = timezone.now()
    job.save(
        update_fields=["result_file", "result_name", "status", "done", "message", "finished_at"]
    )
    return job


def job_fail(job_id, message: str) -> None:
    """Mark the job failed with a message the user can read (the traceback goes to the log)."""
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.FAILED, message=message[:500], finished_at=timezone.now()
    )


@contextmanager
def job_running(job_id) -> Iterator[Job]:
    """Mark the job running for the duration of the block; mark it failed if the block raises."""
    Job.objects.filter(pk=job_id).update(status=JobStatus.RUNNING)
    job = Job.objects.select_related("user").get(pk=job_id)
    try:
        yield job
    except Exception:
        logger.exception("Job %s (%s) failed", job_id, job.kind)
        job_fail(job_id, _("Tác vụ gặp lỗi. Hãy thử lại hoặc báo cho quản trị hệ thống."))
        raise


def result_filename(name: str) -> str:
    """An ASCII file name without path parts: "Danh sách đảng viên.xlsx" → "danh_sach_dang_vien.xlsx"."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = _UNSAFE.sub("_", unaccent(stem)).strip("_")[:80] or "ket_qua"
    ext = _UNSAFE.sub("", unaccent(ext))[:10]
    return f"{stem}.{ext}" if ext else stem
