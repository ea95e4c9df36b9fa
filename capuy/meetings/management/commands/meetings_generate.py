"""``capuy meetings_generate [--until dd/mm/yyyy] [--org CODE]``: create the scheduled meetings.

Runs every schedule (of one organization's subtree with ``--org``) up to ``--until`` (a year
from today by default). Idempotent: run it nightly.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from capuy.core.vntext import parse_date_vn
from capuy.meetings.models import MeetingSchedule
from capuy.meetings.services import meetings_generate
from capuy.organizations.models import Organization


class Command(BaseCommand):
    help = "Tạo các buổi sinh hoạt chi bộ theo lịch định kỳ (chạy lại không tạo trùng)."

    def add_arguments(self, parser):
        parser.add_argument("--until", help="đến ngày dd/mm/yyyy (mặc định: một năm tới)")
        parser.add_argument("--org", help="mã tổ chức: chỉ các chi bộ thuộc tổ chức này")

    def handle(self, *args, until=None, org=None, **options):
        today = timezone.localdate()
        try:
            end = parse_date_vn(until) if until else date(today.year + 1, today.month, 1)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        schedules = MeetingSchedule.objects.select_related("cell").order_by("cell__path", "id")
        if org:
            root = Organization.objects.filter(code=org).first()
            if root is None:
                raise CommandError(f"Không có tổ chức mã {org}.")
            schedules = schedules.filter(cell__path__startswith=root.path)
        created = sum(meetings_generate(schedule, end) for schedule in schedules.iterator())
        self.stdout.write(f"Đã tạo {created} buổi sinh hoạt (đến {end:%d/%m/%Y}).")
