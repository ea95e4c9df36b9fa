"""``capuy tasks_overdue``: mark open tasks past their due date as "quá hạn" (run daily)."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from capuy.conferences.services import tasks_flag_overdue
from capuy.core.commands import Command as CapuyCommand
from capuy.core.vntext import parse_date_vn


class Command(CapuyCommand):
    help = gettext_lazy(
        "Chuyển các nhiệm vụ đã quá thời hạn mà chưa hoàn thành sang tình trạng «quá hạn»."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ngay", help=_("tính đến ngày (dd/mm/yyyy), mặc định hôm nay"))

    def handle(self, *args, ngay=None, **options):
        try:
            today = parse_date_vn(ngay) if ngay else None
        except ValueError as exc:
            raise CommandError(
                _("Ngày không hợp lệ: «%(v)s» (định dạng dd/mm/yyyy)") % {"v": ngay}
            ) from exc
        count = tasks_flag_overdue(today=today)
        self.stdout.write(
            ngettext(
                "Đã chuyển %(count)s nhiệm vụ sang «quá hạn».",
                "Đã chuyển %(count)s nhiệm vụ sang «quá hạn».",
                count,
            )
            % {"count": count}
        )
