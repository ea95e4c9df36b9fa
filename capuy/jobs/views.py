"""A long job's page: a progress bar that polls itself, then the download link or a link to
what the job made (``services.job_result``).

A job is private to the user who started it: its file was cut to that user's scope, so anyone
else, administrators included, gets a 404. The object a job made is linked only while the user
may still see it (``job_result`` re-checks it through ``visible_to``); otherwise the page says so.
"""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .models import Job, JobStatus
from .services import job_result, job_results

RECENT = 50


def _own_job_or_404(user, pk) -> Job:
    job = Job.objects.filter(pk=pk, user=user).first()
    if job is None:
        raise Http404(_("Không tìm thấy tác vụ."))
    return job


def _context(job: Job, user) -> dict:
    return {
        "job": job,
        "finished": job.status in (JobStatus.DONE, JobStatus.FAILED),
        "result": job_result(job, user=user),
    }


@login_required
@require_GET
def job_list(request):
    jobs = list(Job.objects.filter(user=request.user).order_by("-created_at")[:RECENT])
    rows = list(zip(jobs, job_results(jobs, user=request.user), strict=True))
    return render(request, "jobs/list.html", {"rows": rows})


@login_required
@require_GET
@never_cache
def job_detail(request, pk):
    job = _own_job_or_404(request.user, pk)
    return render(request, "jobs/detail.html", _context(job, request.user))


@login_required
@require_GET
@never_cache
def job_progress(request, pk):
    job = _own_job_or_404(request.user, pk)
    return render(request, "jobs/_progress.html", _context(job, request.user))


@login_required
@require_GET
def job_download(request, pk):
    return file_response(_own_job_or_404(request.user, pk))


def file_response(job: Job) -> FileResponse:
    """The job's result file as an attachment (the page and ``GET /api/v1/jobs/{id}/download/``);
    the caller has checked that the job is the user's own."""
    if job.status != JobStatus.DONE or not job.result_file:
        raise Http404(_("Tác vụ chưa có tệp kết quả."))
    try:
        handle = job.result_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("Tệp kết quả không còn trên máy chủ.")) from exc
    # FileResponse writes Content-Disposition itself, quoting the name (RFC 6266 / 5987).
    response = FileResponse(handle, as_attachment=True, filename=job.result_name or "ket_qua.xlsx")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
