"""``capuy meetings_generate [--until dd/mm/yyyy] [--org CODE]``: create the scheduled meetings.

Runs every schedule (of one organization's subtree with ``--org``) up to ``--until`` (a year
from today by default). Idempotent: run it nightly.
"""

from datetime import date

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from capuy.core.commands import Command as CapuyCommand
from capuy.core.vntext import parse_date_vn
from capuy.meetings.models import MeetingSchedule
from capuy.meetings.services import meetings_generate
from capuy.organizations.models import Organization


class Command(CapuyCommand):
    help = gettext_lazy(
        "Tạo các buổi sinh hoạt chi bộ theo lịch định kỳ (chạy lại không tạo trùng)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--until", help=_("đến ngày dd/mm/yyyy (mặc định: một năm tới)"))
        parser.add_argument("--org", help=_("mã tổ chức: chỉ các chi bộ thuộc tổ chức này"))

    def handle(self, *args, until=None, org=None, **options):
        today = timezone.localdate()
        try:
            end = parse_date_vn(until) if until else date(today.year + 1, today.month, 1)
        except ValueError as exc:
            raise CommandError(
                _("Ngày không hợp lệ: «%(v)s» (định dạng dd/mm/yyyy)") % {"v": until}
            ) from exc
        schedules = MeetingSchedule.objects.select_related("cell").order_by("cell__path", "id")
        if org:
            root = Organization.objects.filter(code=org).first()
            if root is None:
                raise CommandError(_("Không có tổ chức mã %(code)s.") % {"code": org})
            schedules = schedules.filter(cell__path__startswith=root.path)
        created = sum(meetings_generate(schedule, end) for schedule in schedules.iterator())
        self.stdout.write(
            ngettext(
                "Đã tạo %(count)s buổi sinh hoạt (đến %(end)s).",
                "Đã tạo %(count)s buổi sinh hoạt (đến %(end)s).",
                created,
            )
            % {"count": created, "end": f"{end:%d/%m/%Y}"}
        )
