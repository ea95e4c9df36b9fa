"""``capuy report quy-dinh-01|xep-loai --year 2019 [--org CODE] [--format json|docx|pdf|xlsx]``."""

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from capuy.core.commands import Command as CapuyCommand
from capuy.organizations.models import Organization
from capuy.reports.documents import party_language, render_docx, render_pdf
from capuy.reports.quy_dinh_01 import build_report, report_document, report_xlsx
from capuy.reports.xep_loai import build_report as build_xep_loai
from capuy.reports.xep_loai_output import report_document as xep_loai_document
from capuy.reports.xep_loai_output import report_xlsx as xep_loai_xlsx

FORMATS = ("json", "docx", "pdf", "xlsx")


class Command(CapuyCommand):
    help = gettext_lazy(
        "Lập báo cáo từ dữ liệu: quy-dinh-01 (kết quả thực hiện Quy định 01-QĐ/TU theo năm), "
        "xep-loai (kết quả kiểm điểm, đánh giá, xếp loại chất lượng theo năm)."
    )

    def add_arguments(self, parser):
        reports = parser.add_subparsers(dest="report", required=True, metavar=_("BÁO_CÁO"))
        q01 = reports.add_parser(
            "quy-dinh-01",
            help=_("Báo cáo kết quả thực hiện Quy định 01-QĐ/TU năm YYYY"),
            description=_(
                "Số lượt dự sinh hoạt chi bộ theo cấp, định mức, chi bộ được dự, "
                "kiến nghị và kế hoạch luân phiên, tính từ dữ liệu."
            ),
        )
        q01.add_argument("--year", type=int, required=True, help=_("năm báo cáo, ví dụ 2019"))
        q01.add_argument("--org", help=_("mã tổ chức (mặc định: toàn bộ cơ sở dữ liệu)"))
        q01.add_argument("--format", choices=FORMATS, default="json", dest="fmt")
        q01.add_argument("--output", help=_("ghi ra tệp (mặc định: JSON ra màn hình)"))
        q01.add_argument(
            "--confirmed-only",
            action="store_true",
            help=_("chỉ tính lượt dự đã được chi bộ xác nhận (mặc định: tất cả)"),
        )
        xl = reports.add_parser(
            "xep-loai",
            help=_("Báo cáo kết quả kiểm điểm, đánh giá, xếp loại chất lượng năm YYYY"),
            description=_(
                "Biểu thống kê xếp loại tổ chức đảng, đảng viên, tập thể và cá nhân cán "
                "bộ lãnh đạo, quản lý; dòng kiểm điểm (phải/đã kiểm điểm, tỉ lệ liên hệ 27 biểu "
                "hiện); so sánh với năm trước. Tính từ dữ liệu."
            ),
        )
        xl.add_argument("--year", type=int, required=True, help=_("năm báo cáo, ví dụ 2019"))
        xl.add_argument("--org", help=_("mã tổ chức (mặc định: toàn bộ cơ sở dữ liệu)"))
        xl.add_argument("--format", choices=FORMATS, default="json", dest="fmt")
        xl.add_argument("--output", help=_("ghi ra tệp (mặc định: JSON ra màn hình)"))

    def handle(self, *args, report, year, org, fmt, output, confirmed_only=False, **options):
        organization = None
        if org:
            organization = Organization.objects.filter(code=org).first()
            if organization is None:
                raise CommandError(_("Không có tổ chức mã «%(code)s».") % {"code": org})
        # The JSON in the server's language (Vietnamese), the documents always in Vietnamese.
        language = (
            translation.override(settings.LANGUAGE_CODE) if fmt == "json" else party_language()
        )
        with language:
            body = self._body(report, year, organization, fmt, confirmed_only)
        if output:
            Path(output).write_bytes(body)
            size = number_format(len(body), force_grouping=True)
            self.stderr.write(
                _("Đã ghi %(path)s (%(size)s byte).") % {"path": output, "size": size}
            )
        elif fmt == "json":
            self.stdout.write(body.decode())
        else:
            if sys.stdout.isatty():
                raise CommandError(
                    _("Định dạng %(format)s là tệp nhị phân: dùng --output TỆP.") % {"format": fmt}
                )
            sys.stdout.buffer.write(body)

    def _body(self, report, year, organization, fmt, confirmed_only) -> bytes:
        # The command runs for the operator of the server: the whole database is in scope.
        if report == "xep-loai":
            build, to_document, to_xlsx = build_xep_loai, xep_loai_document, xep_loai_xlsx
            data = build(_Everyone(), year=year, org=organization)
        else:
            build, to_document, to_xlsx = build_report, report_document, report_xlsx
            data = build(_Everyone(), year=year, org=organization, confirmed_only=confirmed_only)
        if fmt == "json":
            return json.dumps(data, ensure_ascii=False, indent=2).encode()
        if fmt == "xlsx":
            return to_xlsx(data)
        document = to_document(data, organization)
        return render_docx(document) if fmt == "docx" else render_pdf(document)


class _Everyone:
    """The acting user of a command run on the server: sees the whole tree (superuser)."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    pk = None
    member = None
