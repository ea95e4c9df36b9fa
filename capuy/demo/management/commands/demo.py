"""``capuy demo``: load the demo province (Bắc Ninh 2019 and its 2025 reorganization)."""

import time

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from tqdm import tqdm

from capuy.core.commands import Command as CapuyCommand
from capuy.demo import province, users
from capuy.organizations.models import Organization


class Command(CapuyCommand):
    help = gettext_lazy(
        "Tạo tỉnh mẫu (Đảng bộ tỉnh Bắc Ninh năm 2019 và sau sắp xếp 1/7/2025): tổ chức, đảng "
        "viên, cấp ủy, người dùng mẫu. Luôn cho cùng một kết quả với cùng tham số."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--members",
            type=int,
            default=province.DEFAULT_MEMBERS,
            help=_("số đảng viên (mặc định %(default)s, ít nhất %(minimum)s)")
            % {"default": province.DEFAULT_MEMBERS, "minimum": province.MIN_MEMBERS},
        )
        parser.add_argument("--seed", type=int, default=province.DEFAULT_SEED)
        parser.add_argument(
            "--reset", action="store_true", help=_("xóa tỉnh mẫu và người dùng mẫu rồi tạo lại")
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=_(
                "chỉ tạo khi cơ sở dữ liệu chưa có tổ chức nào; nếu đã có thì bỏ qua, không báo lỗi"
            ),
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help=_(
                "cho phép chạy khi CAPUY_ENV=production (mật khẩu và khóa 2FA mẫu là công khai)"
            ),
        )

    def handle(self, *args, members, seed, reset, if_empty, allow_production, **options):
        if settings.IS_PRODUCTION and not allow_production:
            raise CommandError(
                _(
                    "Không tạo dữ liệu mẫu trên máy chủ thật: mật khẩu và khóa 2FA mẫu là công "
                    "khai. Dùng --allow-production nếu đây là máy trình diễn."
                )
            )
        if members < province.MIN_MEMBERS:
            raise CommandError(
                _("--members phải từ %(minimum)s trở lên.") % {"minimum": province.MIN_MEMBERS}
            )
        started = time.monotonic()
        with transaction.atomic():
            existing = province.find_demo_root()
            if if_empty and Organization.objects.exists():
                self.stdout.write(_("Cơ sở dữ liệu đã có tổ chức đảng: không tạo tỉnh mẫu."))
                return
            if existing is not None and not reset:
                raise CommandError(
                    _("Đã có tỉnh mẫu «%(name)s» (mã %(code)s). Dùng --reset để xóa và tạo lại.")
                    % {"name": existing.name, "code": existing.code}
                )
            taken = users.conflicting_usernames()
            if taken:
                raise CommandError(
                    _("Tên đăng nhập mẫu đã được dùng cho tài khoản thật: %(usernames)s")
                    % {"usernames": ", ".join(taken)}
                )
            if reset:
                self.stdout.write(_("Xóa tỉnh mẫu cũ…"))
                province.remove_demo()
            unit = " " + pgettext("progress unit", "đảng viên")
            with tqdm(total=members, unit=unit, disable=None, leave=False) as bar:
                summary = province.build_demo(
                    members=members, seed=seed, progress=bar.update, say=self.stdout.write
                )
            self._build_capabilities(summary, seed)
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Đã tạo «%(name)s»: %(organizations)s tổ chức, %(members)s đảng viên, "
                    "%(transfers)s lượt chuyển sinh hoạt, %(seats)s chức vụ cấp ủy, "
                    "%(flags)s đánh dấu địa bàn (%(seconds)s s)."
                )
                % {
                    "name": summary.root.name,
                    "organizations": summary.organizations,
                    "members": summary.members,
                    "transfers": summary.transfers,
                    "seats": summary.seats,
                    "flags": summary.flags,
                    "seconds": f"{elapsed:.1f}",
                }
            )
        )
        self.print_logins(summary.logins)

    def print_logins(self, logins):
        password = settings.CAPUY_DEMO_PASSWORD
        header = (
            pgettext("demo logins", "Tên đăng nhập"),
            pgettext("demo logins", "Vai trò"),
            pgettext("demo logins", "Tại"),
            pgettext("demo logins", "Mật khẩu"),
        )
        rows = [header] + [
            (
                login.username + (" (2FA)" if login.two_factor else ""),
                login.role,
                login.place,
                password,
            )
            for login in logins
        ]
        widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
        self.stdout.write("")
        for index, row in enumerate(rows):
            self.stdout.write("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)))
            if index == 0:
                self.stdout.write("  ".join("-" * w for w in widths))
        self.stdout.write("")
        self.stdout.write(
            _(
                "admin và vanphong đăng nhập bằng mật khẩu và mã xác thực 2 lớp: "
                "chạy `capuy demo_otp` để xem mã hiện tại của họ."
            )
        )

    def _build_capabilities(self, summary, seed):
        """The demo's records of the later capabilities, each from its own generator module."""
        import importlib
        import random

        builders = [
            ("capuy.demo.grassroots", "build_grassroots_demo"),
            ("capuy.demo.conferences", "build_conference_demo"),
            ("capuy.demo.campaigns", "build_campaign_demo"),
            ("capuy.demo.reviews", "build_review_demo"),
        ]
        conferences = None
        for module_name, function_name in builders:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError:
                continue
            build = getattr(module, function_name)
            self.stdout.write(f"… {function_name}")
            if function_name == "build_grassroots_demo":
                build(random.Random(seed), root=summary.root)
            elif function_name == "build_conference_demo":
                conferences = build(root=summary.root)
            elif function_name == "build_review_demo":
                build(root=summary.root, seed=seed)
            else:
                build(root=summary.root)
        if conferences is not None:
            from capuy.news.demo import build_news_demo

            self.stdout.write("… build_news_demo")
            # The communiqué of conference 32, drafted from its record and published.
            build_news_demo(conference=conferences.conference)
