"""``capuy synth``: a national-scale synthetic dataset (post-2025 shape) for benchmarks."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from tqdm import tqdm

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


class Command(BaseCommand):
    help = (
        "Sinh dữ liệu tổng hợp quy mô toàn quốc (tỉnh → xã/phường và đảng bộ cơ quan tỉnh → "
        "TCCSĐ → chi bộ) dưới các tổ chức gốc riêng S01, S02… để đo hiệu năng. "
        "5,6 triệu đảng viên tương ứng 34 tỉnh, 3.321 xã, ~52.000 TCCSĐ, ~200.000 chi bộ; "
        "số nhỏ hơn thu nhỏ theo tỉ lệ. PostgreSQL: ghi bằng COPY; SQLite: bulk_create."
    )

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, required=True, help="số đảng viên")
        parser.add_argument(
            "--provinces", type=int, help="số tỉnh (mặc định: 34 × members / 5.600.000, ít nhất 1)"
        )
        parser.add_argument("--seed", type=int, default=synth.DEFAULT_SEED)
        parser.add_argument("--reset", action="store_true", help="xóa dữ liệu tổng hợp cũ trước")
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="bí danh CSDL trong settings.DATABASES"
        )
        parser.add_argument(
            "--database-url",
            help="ghi vào CSDL này thay cho DATABASES (vd. postgresql://postgres@127.0.0.1/capuy_bench)",
        )
        parser.add_argument(
            "--drop-indexes",
            choices=["auto", "yes", "no"],
            default="auto",
            help="PostgreSQL: bỏ các chỉ mục phụ của bảng đảng viên trong lúc COPY rồi tạo lại "
            "đúng như cũ (auto: khi nạp ≥ 500.000 dòng và gấp đôi số đang có)",
        )
        parser.add_argument(
            "--no-vacuum", action="store_true", help="chỉ ANALYZE, không VACUUM sau khi nạp"
        )
        parser.add_argument(
            "--allow-production", action="store_true", help="cho phép chạy khi CAPUY_ENV=production"
        )

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION and not options["allow_production"]:
            raise CommandError(
                "Không sinh dữ liệu tổng hợp trên máy chủ thật (--allow-production)."
            )
        if options["members"] < 1:
            raise CommandError("--members phải lớn hơn 0.")
        using = options["database"]
        if options["database_url"]:
            using = register_database_url(options["database_url"])
        drop = {"auto": None, "yes": True, "no": False}[options["drop_indexes"]]
        plan = synth.Plan.scaled(options["members"], options["provinces"])
        vendor = connections[using].vendor
        self.stdout.write(
            f"Sinh {plan.members} đảng viên, {plan.provinces} tỉnh, {plan.communes} xã/phường, "
            f"~{plan.grassroots} TCCSĐ, ~{plan.cells} chi bộ trực thuộc vào «{using}» ({vendor})…"
        )
        started = time.monotonic()
        with transaction.atomic(using=using):
            existing = synth.synth_roots(using)
            if existing and not options["reset"]:
                raise CommandError(
                    f"Đã có {len(existing)} tỉnh tổng hợp (mã {existing[0].code}…). "
                    "Dùng --reset để xóa và sinh lại."
                )
            if existing:
                self.stdout.write(f"Xóa {len(existing)} tỉnh tổng hợp cũ…")
                synth.remove_synth(using)
            with tqdm(total=plan.members, unit=" đv", unit_scale=True, disable=None) as bar:
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
            f"Đã ghi trong {loaded - started:.1f} s (commit {committed - loaded:.1f} s)."
        )
        command = "ANALYZE" if options["no_vacuum"] or vendor != "postgresql" else "VACUUM ANALYZE"
        self.stdout.write(f"{command}…")
        synth.analyze(using, vacuum=not options["no_vacuum"])
        server = synth.backend_cpu_seconds(using)
        if server is not None:
            self.stdout.write(f"CPU của tiến trình PostgreSQL: {server:.1f} s.")
        self.stdout.write(self.style.SUCCESS(f"Xong trong {time.monotonic() - started:.1f} s."))
