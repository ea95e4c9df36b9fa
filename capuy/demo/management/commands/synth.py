"""``capuy synth``: a national-scale synthetic dataset (post-2025 shape) for benchmarks."""

import time

from django.conf import settings
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext
from tqdm import tqdm

from capuy.core.commands import Command as CapuyCommand
from capuy.demo import synth

URL_ALIAS = "synth"


def register_database_url(url: str) -> str:
    """Make ``url`` available as the connection alias ``synth`` for this process."""
    import dj_database_url

    configured = connections.configure_settings(
        {
            DEFAULT_DB_ALIAS: dict(connections.settings[DEFAULT_DB_ALIAS]),
            URL_ALIAS: dj_database_url.parse(url),
        }
    )
    connections.settings[URL_ALIAS] = configured[URL_ALIAS]
    return URL_ALIAS


class Command(CapuyCommand):
    help = gettext_lazy(
        "Sinh dữ liệu tổng hợp quy mô toàn quốc (tỉnh → xã/phường và đảng bộ cơ quan tỉnh → "
        "TCCSĐ → chi bộ) dưới các tổ chức gốc riêng S01, S02… để đo hiệu năng. "
        "5,6 triệu đảng viên tương ứng 34 tỉnh, 3.321 xã, ~52.000 TCCSĐ, ~200.000 chi bộ; "
        "số nhỏ hơn thu nhỏ theo tỉ lệ. PostgreSQL: ghi bằng COPY; SQLite: bulk_create."
    )

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, required=True, help=_("số đảng viên"))
        parser.add_argument(
            "--provinces",
            type=int,
            help=_("số tỉnh (mặc định: 34 × members / 5.600.000, ít nhất 1)"),
        )
        parser.add_argument("--seed", type=int, default=synth.DEFAULT_SEED)
        parser.add_argument("--reset", action="store_true", help=_("xóa dữ liệu tổng hợp cũ trước"))
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help=_("bí danh CSDL trong settings.DATABASES")
        )
        parser.add_argument(
            "--database-url",
            help=_(
                "ghi vào CSDL này thay cho DATABASES (vd. postgresql://postgres@127.0.0.1/capuy_bench)"
            ),
        )
        parser.add_argument(
            "--drop-indexes",
            choices=["auto", "yes", "no"],
            default="auto",
            help=_(
                "PostgreSQL: bỏ các chỉ mục phụ của bảng đảng viên trong lúc COPY rồi tạo lại "
                "đúng như cũ (auto: khi nạp ≥ 500.000 dòng và gấp đôi số đang có)"
            ),
        )
        parser.add_argument(
            "--no-vacuum", action="store_true", help=_("chỉ ANALYZE, không VACUUM sau khi nạp")
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help=_("cho phép chạy khi CAPUY_ENV=production"),
        )

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION and not options["allow_production"]:
            raise CommandError(
                _("Không sinh dữ liệu tổng hợp trên máy chủ thật (--allow-production).")
            )
        if options["members"] < 1:
            raise CommandError(_("--members phải lớn hơn 0."))
        using = options["database"]
        if options["database_url"]:
            using = register_database_url(options["database_url"])
        drop = {"auto": None, "yes": True, "no": False}[options["drop_indexes"]]
        plan = synth.Plan.scaled(options["members"], options["provinces"])
        vendor = connections[using].vendor
        self.stdout.write(
            _(
                "Sinh %(members)s đảng viên, %(provinces)s tỉnh, %(communes)s xã/phường, "
                "~%(grassroots)s TCCSĐ, ~%(cells)s chi bộ trực thuộc vào «%(database)s» "
                "(%(vendor)s)…"
            )
            % {
                "members": plan.members,
                "provinces": plan.provinces,
                "communes": plan.communes,
                "grassroots": plan.grassroots,
                "cells": plan.cells,
                "database": using,
                "vendor": vendor,
            }
        )
        started = time.monotonic()
        with transaction.atomic(using=using):
            existing = synth.synth_roots(using)
            if existing and not options["reset"]:
                raise CommandError(
                    ngettext(
                        "Đã có %(count)s tỉnh tổng hợp (mã %(code)s…). "
                        "Dùng --reset để xóa và sinh lại.",
                        "Đã có %(count)s tỉnh tổng hợp (mã %(code)s…). "
                        "Dùng --reset để xóa và sinh lại.",
                        len(existing),
                    )
                    % {"count": len(existing), "code": existing[0].code}
                )
            if existing:
                self.stdout.write(
                    ngettext(
                        "Xóa %(count)s tỉnh tổng hợp cũ…",
                        "Xóa %(count)s tỉnh tổng hợp cũ…",
                        len(existing),
                    )
                    % {"count": len(existing)}
                )
                synth.remove_synth(using)
            unit = " " + pgettext("progress unit", "đv")
            with tqdm(total=plan.members, unit=unit, unit_scale=True, disable=None) as bar:
                synth.generate(
                    plan=plan,
                    seed=options["seed"],
                    using=using,
                    drop_indexes=drop,
                    progress=bar.update,
                    say=self.stdout.write,
                )
            loaded = time.monotonic()
        committed = time.monotonic()
        self.stdout.write(
            _("Đã ghi trong %(seconds)s s (commit %(commit)s s).")
            % {"seconds": f"{loaded - started:.1f}", "commit": f"{committed - loaded:.1f}"}
        )
        command = "ANALYZE" if options["no_vacuum"] or vendor != "postgresql" else "VACUUM ANALYZE"
        self.stdout.write(f"{command}…")
        synth.analyze(using, vacuum=not options["no_vacuum"])
        server = synth.backend_cpu_seconds(using)
        if server is not None:
            self.stdout.write(
                _("CPU của tiến trình PostgreSQL: %(seconds)s s.") % {"seconds": f"{server:.1f}"}
            )
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(_("Xong trong %(seconds)s s.") % {"seconds": f"{elapsed:.1f}"})
        )
