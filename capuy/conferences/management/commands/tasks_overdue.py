"""``capuy tasks_overdue``: mark open tasks past their due date as "quá hạn" (run daily)."""

from django.core.management.base import BaseCommand

from capuy.conferences.services import tasks_flag_overdue
from capuy.core.vntext import parse_date_vn


class Command(BaseCommand):
    help = "Chuyển các nhiệm vụ đã quá thời hạn mà chưa hoàn thành sang tình trạng «quá hạn»."

    def add_arguments(self, parser):
        parser.add_argument("--ngay", help="tính đến ngày (dd/mm/yyyy), mặc định hôm nay")

    def handle(self, *args, ngay=None, **options):
        today = parse_date_vn(ngay) if ngay else None
        count = tasks_flag_overdue(today=today)
        self.stdout.write(f"Đã chuyển {count} nhiệm vụ sang «quá hạn».")
