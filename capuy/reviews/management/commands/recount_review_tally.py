"""``capuy recount_review_tally [--cycle ID]``: rebuild the review tally from the rows."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from capuy.core.commands import Command as CapuyCommand
from capuy.reviews.models import ReviewCycle
from capuy.reviews.tally import recount_review_tally, triggers_installed


class Command(CapuyCommand):
    help = gettext_lazy(
        "Đếm lại bảng đếm kết quả xếp loại từ các bản kiểm điểm (sửa chữa, hoặc sau khi đổi "
        "cách nhóm). Trên PostgreSQL bảng được trigger giữ đúng sau mỗi lần ghi."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, help=_("chỉ đếm lại một đợt (mã số đợt)"))

    def handle(self, *args, cycle=None, verbosity=1, **options):
        if cycle is not None and not ReviewCycle.objects.filter(pk=cycle).exists():
            raise CommandError(_("Không có đợt đánh giá mã số %(cycle)s.") % {"cycle": cycle})
        rows = recount_review_tally(cycle)
        if verbosity:
            self.stdout.write(
                ngettext("Đã đếm lại: %(rows)s dòng.", "Đã đếm lại: %(rows)s dòng.", rows)
                % {"rows": rows}
            )
            if not triggers_installed():
                self.stdout.write(
                    _("Cơ sở dữ liệu này không có trigger giữ bảng đếm: báo cáo đếm trực tiếp.")
                )
