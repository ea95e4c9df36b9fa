"""Background tasks of the members app (run by the django-tasks worker)."""

import tempfile

from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from capuy.core.vntext import format_number
from capuy.jobs.services import job_finish, job_progress, job_running

from .exports import write_member_workbook
from .filters import member_queryset_from_params
from .selectors import scope_member_total


@task()
def member_export_xlsx(job_id: str) -> None:
    """Xuất Excel: the member list under the job's stored filter, in the requester's scope."""
    with job_running(job_id) as job:
        # The same selector as the list page, applied for the requesting user as of now: a
        # role revoked since the click narrows the file too.
        form, members = member_queryset_from_params(job.user, job.params)
        if form.is_valid() and not form.is_filtered:
            total = (
                form.organization.member_count
                if form.organization
                else scope_member_total(job.user)
            )
        else:
            total = members.count()
        job_progress(job.pk, 0, total, _("Đang ghi danh sách…"))
        with tempfile.TemporaryFile() as out:
            written = write_member_workbook(
                members, out, progress=lambda done: job_progress(job.pk, done, max(total, done))
            )
            out.seek(0)
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            job_finish(
                job.pk,
                file=out,
                name=f"danh-sach-dang-vien-{stamp}.xlsx",
                message=_("Đã xuất %(n)s đảng viên.") % {"n": format_number(written)},
            )
