"""National-scale synthetic data (``capuy synth``) in the post-1/7/2025 shape.

province → {commune committees (đảng bộ xã/phường), 4 provincial bodies} → grassroots
organizations (⅔ chi bộ cơ sở, ⅓ đảng bộ cơ sở) → chi bộ trực thuộc, with members in the cells.
At ``--members 5600000`` the counts are the national ones of domain.md §10 (34 provinces,
3,321 communes, ~52,000 grassroots organizations, ~200,000 cells); smaller runs scale every
count in proportion.

Each province is generated, written and forgotten before the next one, so memory stays flat.
Paths, depth, numchild and subtree ``member_count`` are computed here, so no recount is needed.
On PostgreSQL rows go in with ``COPY … FROM STDIN`` (psycopg 3); elsewhere with ``bulk_create``.
"""

from __future__ import annotations

import os
import random
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from django.db import connections, models
from django.utils.translation import gettext

from capuy.core.vntext import nfc, search_key, sort_key
from capuy.members.models import Member
from capuy.organizations.choices import CELL_KINDS, OrgKind, UnitType
from capuy.organizations.models import Organization

from .people import PersonGenerator
from .province import apportion
from .purge import purge
from .tree import Node, next_root_position, save_nodes

NATIONAL_MEMBERS = 5_600_000
NATIONAL_PROVINCES = 34
NATIONAL_COMMUNES = 3_321
NATIONAL_GRASSROOTS = 52_000
NATIONAL_CELLS = 200_000  # chi bộ trực thuộc
CHI_BO_CO_SO_SHARE = 0.66
BODY_SHARE = 0.15  # grassroots organizations under the provincial bodies
AS_OF = date(2025, 12, 31)
ESTABLISHED = date(2025, 7, 1)
DEFAULT_SEED = 2025
CODE_PATTERN = re.compile(r"^S\d{2,}$")  # synth roots: S01, S02…

BODIES = (
    # (name, unit type of its grassroots organizations, what those are called)
    ("Đảng bộ các cơ quan Đảng tỉnh", UnitType.CO_QUAN, "cơ quan Đảng"),
    ("Đảng bộ UBND tỉnh", UnitType.CO_QUAN, "cơ quan, đơn vị"),
    ("Đảng bộ Quân sự tỉnh", UnitType.LUC_LUONG_VU_TRANG, "đơn vị quân sự"),
    ("Đảng bộ Công an tỉnh", UnitType.LUC_LUONG_VU_TRANG, "đơn vị công an"),
)
PLACE_FIRST = [
    "An",
    "Bình",
    "Cẩm",
    "Diễn",
    "Đông",
    "Gia",
    "Hà",
    "Hải",
    "Hòa",
    "Hưng",
    "Khánh",
    "Kim",
    "Lạc",
    "Long",
    "Minh",
    "Mỹ",
    "Nam",
    "Nghĩa",
    "Ngọc",
    "Phú",
    "Phúc",
    "Quang",
    "Quảng",
    "Sơn",
    "Tân",
    "Thạch",
    "Thanh",
    "Thái",
    "Thiệu",
    "Thọ",
    "Thuận",
    "Tiên",
    "Trung",
    "Vạn",
    "Vĩnh",
    "Xuân",
    "Yên",
]
PLACE_SECOND = [
    "An",
    "Bình",
    "Châu",
    "Điền",
    "Đồng",
    "Giang",
    "Hà",
    "Hải",
    "Hòa",
    "Hưng",
    "Khê",
    "Lâm",
    "Lập",
    "Lộc",
    "Lợi",
    "Long",
    "Mỹ",
    "Ninh",
    "Phong",
    "Phú",
    "Quang",
    "Sơn",
    "Tân",
    "Thành",
    "Thịnh",
    "Thọ",
    "Thủy",
    "Tiến",
    "Trung",
    "Trường",
    "Tuyền",
    "Văn",
    "Việt",
    "Vinh",
    "Xá",
    "Yên",
]
# A commune's grassroots organizations: at most one of each of these…
COMMUNE_SINGLES = (
    ("Chi bộ Công an {w} {c}", UnitType.LUC_LUONG_VU_TRANG, 10),
    ("Chi bộ Quân sự {w} {c}", UnitType.LUC_LUONG_VU_TRANG, 8),
    ("Chi bộ Trạm Y tế {c}", UnitType.SU_NGHIEP, 6),
    ("Chi bộ Trường Mầm non {c}", UnitType.SU_NGHIEP, 12),
    ("Chi bộ Trường Tiểu học {c}", UnitType.SU_NGHIEP, 14),
    ("Chi bộ Trường THCS {c}", UnitType.SU_NGHIEP, 16),
)
# …and any number of villages/quarters and companies (weights are relative member counts).
VILLAGE = ("Chi bộ {area} {v}", UnitType.XA_PHUONG, 34)
COMPANY = ("Chi bộ Công ty TNHH {s} {v}", UnitType.DOANH_NGHIEP, 12)
# Grassroots committees (đảng bộ cơ sở) under a commune.
COMMITTEE_OFFICE = ("Đảng bộ Cơ quan {w} {c}", UnitType.CO_QUAN)
COMMITTEE_HEALTH = ("Đảng bộ Trung tâm Y tế {c}", UnitType.SU_NGHIEP)
COMMITTEE_SCHOOL = ("Đảng bộ Trường THPT {c} số {k}", UnitType.SU_NGHIEP)
COMMITTEE_COMPANY = ("Đảng bộ Công ty CP {s} {v}", UnitType.DOANH_NGHIEP)
SECTORS = [
    "Xây dựng",
    "Cơ khí",
    "May",
    "Điện tử",
    "Vận tải",
    "Thương mại",
    "Thực phẩm",
    "Dược phẩm",
    "Môi trường",
]
CELL_WEIGHT = 23  # a chi bộ trực thuộc
UNIT_CELL_WEIGHT = 30  # a chi bộ cơ sở


@dataclass(frozen=True)
class Plan:
    members: int
    provinces: int
    communes: int
    grassroots: int
    cells: int

    @classmethod
    def scaled(cls, members: int, provinces: int | None = None) -> Plan:
        """National counts scaled to ``members``; every parent keeps at least one child."""
        factor = members / NATIONAL_MEMBERS
        provinces = provinces or max(1, round(NATIONAL_PROVINCES * factor))
        communes = max(provinces, round(NATIONAL_COMMUNES * factor))
        grassroots = max(communes + len(BODIES) * provinces, round(NATIONAL_GRASSROOTS * factor))
        cells = max(1, round(NATIONAL_CELLS * factor))
        return cls(members, provinces, communes, grassroots, cells)

    def split(self, rng: random.Random) -> list[Plan]:
        """One plan per province; provinces differ in size (a few big cities, many small)."""
        weights = [rng.lognormvariate(0, 0.5) for _ in range(self.provinces)]
        communes = _at_least(self.communes, weights, 1)
        grassroots = _at_least(self.grassroots, communes, len(BODIES), plus=communes)
        cells = apportion(self.cells, [float(g) for g in grassroots])
        members = apportion(self.members, [float(g) for g in grassroots])
        return [
            Plan(members=m, provinces=1, communes=c, grassroots=g, cells=k)
            for m, c, g, k in zip(members, communes, grassroots, cells, strict=True)
        ]


def _at_least(total: int, weights, floor: int, plus: list[int] | None = None) -> list[int]:
    """Apportion ``total`` by ``weights`` after giving each part ``floor`` (+ ``plus[i]``)."""
    base = [floor + (plus[i] if plus else 0) for i in range(len(weights))]
    extra = apportion(total - sum(base), [float(w) for w in weights]) if total > sum(base) else None
    return [b + (extra[i] if extra else 0) for i, b in enumerate(base)]


class _Places:
    """Two-syllable place names, unique within one province."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def __call__(self) -> str:
        rng = self._rng
        for _ in range(50):
            name = f"{rng.choice(PLACE_FIRST)} {rng.choice(PLACE_SECOND)}"
            if name not in self._used and name.split()[0] != name.split()[1]:
                self._used.add(name)
                return name
        return f"{rng.choice(PLACE_FIRST)} {rng.choice(PLACE_SECOND)} {len(self._used)}"


def build_province(number: int, position: int, plan: Plan, rng: random.Random) -> Node:
    """The subtree of one synthetic province with the planned counts.

    Cells carry their member count in ``member_count`` (subtree totals after the call) and
    their ``tag`` is True.
    """
    code = f"S{number:02d}"
    root = Node.root(
        position,
        code,
        f"Đảng bộ tỉnh Tổng hợp {number:02d}",
        OrgKind.DANG_BO_TINH,
        established_on=ESTABLISHED,
    )
    places = _Places(rng)
    parents: list[tuple[Node, str, str]] = []  # (node, place, xã/phường)
    for index in range(plan.communes):
        word = "phường" if rng.random() < 0.3 else "xã"
        place = places()
        parents.append(
            (
                root.add(
                    f"{code}-X{index + 1:04d}",
                    f"Đảng bộ {word} {place}",
                    OrgKind.DANG_BO_XA,
                    established_on=ESTABLISHED,
                ),
                place,
                word,
            )
        )
    bodies = [
        root.add(f"{code}-K{index + 1}", name, OrgKind.DANG_BO_HUYEN, established_on=ESTABLISHED)
        for index, (name, _, _) in enumerate(BODIES)
    ]

    # Grassroots organizations: one per parent first, the rest by commune size; the bodies get
    # BODY_SHARE of them.
    to_bodies = max(
        len(bodies), min(round(plan.grassroots * BODY_SHARE), plan.grassroots - len(parents))
    )
    to_communes = plan.grassroots - to_bodies
    commune_counts = _at_least(to_communes, [rng.uniform(0.5, 1.5) for _ in parents], 1)
    body_counts = _at_least(to_bodies, [1.0] * len(bodies), 1)
    committees = max(1, round(plan.grassroots * (1 - CHI_BO_CO_SO_SHARE)))
    is_committee = [True] * committees + [False] * (plan.grassroots - committees)
    rng.shuffle(is_committee)

    grassroots: list[tuple[Node, bool]] = []
    flags = iter(is_committee)
    for (parent, place, word), count in zip(parents, commune_counts, strict=True):
        units = _CommuneUnits(rng, place, word, places)
        for n in range(1, count + 1):
            code = f"{parent.code}-{n:03d}"
            if next(flags):
                name, unit_type = units.committee()
                node = parent.add(
                    code,
                    name,
                    OrgKind.DANG_BO_CO_SO,
                    unit_type=unit_type,
                    established_on=ESTABLISHED,
                )
                grassroots.append((node, True))
            else:
                name, unit_type, weight = units.unit()
                node = parent.add(
                    code,
                    name,
                    OrgKind.CHI_BO_CO_SO,
                    unit_type=unit_type,
                    established_on=ESTABLISHED,
                    tag=UNIT_CELL_WEIGHT * weight / 30,
                )
                grassroots.append((node, False))
    for body, count, (_, body_type, label) in zip(bodies, body_counts, BODIES, strict=True):
        for n in range(1, count + 1):
            committee = next(flags)
            node = body.add(
                f"{body.code}-{n:03d}",
                f"{'Đảng bộ' if committee else 'Chi bộ'} {label} số {n}",
                OrgKind.DANG_BO_CO_SO if committee else OrgKind.CHI_BO_CO_SO,
                unit_type=body_type,
                established_on=ESTABLISHED,
                tag=UNIT_CELL_WEIGHT,
            )
            grassroots.append((node, committee))

    # Cells under the đảng bộ cơ sở (each at least one), then members over all cells.
    with_cells = [node for node, committee in grassroots if committee]
    for node, count in zip(
        with_cells,
        _at_least(plan.cells, [rng.uniform(0.3, 1.7) for _ in with_cells], 1),
        strict=True,
    ):
        for n in range(1, count + 1):
            node.add(
                f"{node.code}-{n:03d}",
                f"Chi bộ số {n}",
                OrgKind.CHI_BO_TRUC_THUOC,
                established_on=ESTABLISHED,
                tag=CELL_WEIGHT,
            )
    cells = [node for node in root.walk() if node.kind in CELL_KINDS]
    weights = [cell.tag * rng.uniform(0.5, 1.5) for cell in cells]
    for cell, count in zip(cells, apportion(plan.members, weights), strict=True):
        cell.member_count = count
        cell.tag = True
    root.sum_member_counts()
    return root


class _CommuneUnits:
    """Names the grassroots organizations of one commune without absurd repeats."""

    def __init__(self, rng: random.Random, place: str, word: str, places: _Places) -> None:
        self.rng, self.places = rng, places
        self.fields = {"c": place, "w": word, "area": "thôn" if word == "xã" else "khu phố"}
        self.singles = list(COMMUNE_SINGLES)
        self.office = self.health = True
        self.schools = 0

    def unit(self) -> tuple[str, str, float]:
        rng = self.rng
        roll = rng.random()
        if roll < 0.15 and self.singles:
            template, unit_type, weight = self.singles.pop(0)
        elif roll < 0.9:
            template, unit_type, weight = VILLAGE
        else:
            template, unit_type, weight = COMPANY
        return self._name(template), unit_type, weight

    def committee(self) -> tuple[str, str]:
        rng = self.rng
        if self.office:
            self.office = False
            template, unit_type = COMMITTEE_OFFICE
        elif self.health and rng.random() < 0.3:
            self.health = False
            template, unit_type = COMMITTEE_HEALTH
        elif rng.random() < 0.5:
            self.schools += 1
            template, unit_type = COMMITTEE_SCHOOL
        else:
            template, unit_type = COMMITTEE_COMPANY
        return self._name(template), unit_type

    def _name(self, template: str) -> str:
        fields = dict(self.fields, k=self.schools, s=self.rng.choice(SECTORS))
        if "{v}" in template:
            fields["v"] = self.places()
        return template.format(**fields)


# --- rows ---------------------------------------------------------------------------------

MEMBER_FIELDS = (
    "ho",
    "ten_dem",
    "ten",
    "full_name",
    "birth_date",
    "gender",
    "card_number",
    "admitted_on",
    "official_on",
    "status",
    "cell_id",
    "org_path",
    "sort_key",
    "search_text",
    "given_search",
)
ORG_FIELDS = (
    "path",
    "depth",
    "numchild",
    "code",
    "name",
    "kind",
    "unit_type",
    "established_on",
    "dissolved_on",
    "merged_into_id",
    "member_count",
    "search_text",
)


def org_row(node: Node) -> tuple:
    return (
        node.path,
        node.depth,
        len(node.children),
        node.code,
        node.name,
        node.kind,
        node.unit_type,
        node.established_on,
        node.dissolved_on,
        None,
        node.member_count,
        node.search_text(),
    )


class NameColumns:
    """full_name, sort_key, search_text and given_search of a name, as ``fill_derived`` makes
    them; cached per distinct (họ, tên đệm, tên) since a few thousand names cover millions."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, str, str], tuple[str, str, str, str]] = {}

    def __call__(self, ho: str, ten_dem: str, ten: str) -> tuple[str, str, str, str]:
        key = (ho, ten_dem, ten)
        value = self.cache.get(key)
        if value is None:
            ho, ten_dem, ten = nfc(ho).strip(), nfc(ten_dem).strip(), nfc(ten).strip()
            full = " ".join(part for part in (ho, ten_dem, ten) if part)
            value = self.cache[key] = (
                full,
                sort_key(ten, ho, ten_dem)[:200],
                search_key(full)[:200],
                search_key(ten)[:50],
            )
        return value


def member_rows(
    number: int, cells: list[tuple[str, int, int]], rng: random.Random, names: NameColumns
) -> Iterator[tuple]:
    """Rows (in MEMBER_FIELDS order) for ``cells`` = [(path, id, member count)]."""
    draw = PersonGenerator(rng, as_of=AS_OF, born_to=2005).draw_row
    known = names.cache
    prefix = f"S{number:02d}."
    serial = 0
    for path, cell_id, count in cells:
        for _ in range(count):
            ho, ten_dem, ten, gender, born, admitted, official, status = draw()
            derived = known.get((ho, ten_dem, ten)) or names(ho, ten_dem, ten)
            full, sort, search, given = derived
            card = None
            if official is not None:
                serial += 1
                card = f"{prefix}{serial:07d}"
            yield (
                ho,
                ten_dem,
                ten,
                full,
                born,
                gender,
                card,
                admitted,
                official,
                status,
                cell_id,
                path,
                sort,
                search,
                given,
            )


def _extra_columns(model, known: tuple[str, ...]) -> tuple[list[str], tuple]:
    """Columns of ``model`` this module does not fill, with the constant each gets.

    Keeps COPY working when another app adds a field with a default to Member or Organization.
    """
    names, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in known:
            continue
        if field.db_default is not models.NOT_PROVIDED:
            continue
        if not field.has_default() and not field.null:
            raise RuntimeError(
                f"{model._meta.label}.{field.name} is required and synth does not know it"
            )
        names.append(field.column)
        values.append(field.get_default())
    return names, tuple(values)


# --- writers ------------------------------------------------------------------------------


class OrmWriter:
    """Portable path (SQLite): ``bulk_create`` in batches."""

    def __init__(self, using: str, batch: int = 2000) -> None:
        self.using = using
        self.batch = batch

    def organizations(self, root: Node) -> list[tuple[str, int, int]]:
        nodes = list(root.walk())
        save_nodes(nodes, using=self.using, batch_size=self.batch)
        return [(n.path, n.pk, n.member_count) for n in nodes if n.tag is True]

    def members(self, rows: Iterator[tuple], progress: Callable[[int], None]) -> None:
        objs: list[Member] = []
        for row in rows:
            objs.append(Member(**dict(zip(MEMBER_FIELDS, row, strict=True))))
            if len(objs) >= self.batch:
                self._flush(objs, progress)
        self._flush(objs, progress)

    def _flush(self, objs: list[Member], progress) -> None:
        if objs:
            Member.objects.using(self.using).bulk_create(objs, batch_size=self.batch)
            progress(len(objs))
            objs.clear()

    def finish(self) -> None:
        pass


class CopyWriter:
    """PostgreSQL: ``COPY … FROM STDIN`` through psycopg 3, in the caller's transaction.

    With ``drop_indexes`` the member table's secondary indexes (those not backing a
    constraint) are dropped before the first COPY and re-created by :meth:`finish` from their
    own ``pg_indexes`` definitions, i.e. exactly as the migrations made them. Its foreign keys
    are dropped too and added back the same way: adding a foreign key checks every row in one
    join, where the deferred per-row triggers of a COPY run one lookup per row (85 s of 420 s
    at 5,6 million members). The drop holds an ACCESS EXCLUSIVE lock on the member table until
    commit.
    """

    def __init__(self, using: str, drop_indexes: bool) -> None:
        self.using = using
        self.connection = connections[using]
        self.connection.ensure_connection()
        self.raw = self.connection.connection  # psycopg.Connection, inside Django's atomic()
        self.org_table = Organization._meta.db_table
        self.member_table = Member._meta.db_table
        org_extra, self.org_defaults = _extra_columns(Organization, ORG_FIELDS)
        member_extra, self.member_defaults = _extra_columns(Member, MEMBER_FIELDS)
        org_columns = [Organization._meta.get_field(f).column for f in ORG_FIELDS] + org_extra
        member_columns = [Member._meta.get_field(f).column for f in MEMBER_FIELDS] + member_extra
        self.org_copy = self._copy_sql(self.org_table, org_columns)
        self.member_copy = self._copy_sql(self.member_table, member_columns)
        self.org_types = self._column_types(self.org_table, org_columns)
        self.member_types = self._column_types(self.member_table, member_columns)
        self.dropped: list[tuple[str, str]] = []
        self.dropped_keys: list[tuple[str, str]] = []
        self.timings: list[tuple[str, float]] = []
        if drop_indexes:
            self._drop_member_indexes()
            self._drop_member_foreign_keys()

    @staticmethod
    def _copy_sql(table: str, columns: list[str]) -> str:
        # Binary COPY: about half the client and server CPU of the text format.
        quoted = ", ".join(f'"{c}"' for c in columns)
        return f'COPY "{table}" ({quoted}) FROM STDIN (FORMAT BINARY)'

    def _column_types(self, table: str, columns: list[str]) -> list[int]:
        """Type OIDs of ``columns``, which binary COPY needs to encode each value."""
        with self.raw.cursor() as cur:
            cur.execute(
                "SELECT attname, atttypid::int FROM pg_attribute"
                " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                [table],
            )
            types = dict(cur.fetchall())
        return [types[column] for column in columns]

    def _drop_member_indexes(self) -> None:
        with self.raw.cursor() as cur:
            cur.execute(
                """
                SELECT i.relname, pg_get_indexdef(i.oid)
                FROM pg_index x
                JOIN pg_class i ON i.oid = x.indexrelid
                WHERE x.indrelid = %s::regclass
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)
                ORDER BY i.relname
                """,
                [self.member_table],
            )
            self.dropped = cur.fetchall()
            for name, _ in self.dropped:
                cur.execute(f'DROP INDEX "{name}"')

    def _drop_member_foreign_keys(self) -> None:
        with self.raw.cursor() as cur:
            cur.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                [self.member_table],
            )
            self.dropped_keys = cur.fetchall()
            for name, _ in self.dropped_keys:
                cur.execute(f'ALTER TABLE "{self.member_table}" DROP CONSTRAINT "{name}"')

    def organizations(self, root: Node) -> list[tuple[str, int, int]]:
        extra = self.org_defaults
        with self.raw.cursor() as cur:
            with cur.copy(self.org_copy) as copy:
                copy.set_types(self.org_types)
                for node in root.walk():
                    copy.write_row(org_row(node) + extra)
            cur.execute(
                f'SELECT path, id FROM "{self.org_table}" WHERE path LIKE %s AND kind = ANY(%s)',
                [root.path + "%", [str(kind) for kind in CELL_KINDS]],
            )
            ids = dict(cur.fetchall())
        return [(n.path, ids[n.path], n.member_count) for n in root.walk() if n.tag is True]

    def members(self, rows: Iterator[tuple], progress: Callable[[int], None]) -> None:
        extra = self.member_defaults
        done = 0
        with self.raw.cursor() as cur, cur.copy(self.member_copy) as copy:
            copy.set_types(self.member_types)
            write = copy.write_row
            if extra:
                for done, row in enumerate(rows, start=1):
                    write(row + extra)
                    if not done % 20000:
                        progress(20000)
            else:
                for done, row in enumerate(rows, start=1):
                    write(row)
                    if not done % 20000:
                        progress(20000)
        progress(done % 20000)

    def finish(self) -> None:
        if not self.dropped and not self.dropped_keys:
            return
        with self.raw.cursor() as cur:
            # CREATE INDEX refuses to run while deferred foreign-key checks are pending on the
            # table (the organizations' own, here): run them now, then defer again.
            started = time.monotonic()
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for name, definition in self.dropped_keys:
                cur.execute(
                    f'ALTER TABLE "{self.member_table}" ADD CONSTRAINT "{name}" {definition}'
                )
            self.timings.append(("foreign keys", time.monotonic() - started))
            # Index builds sort in memory when they can; LOCAL ends with the transaction.
            cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
            for name, definition in self.dropped:
                started = time.monotonic()
                cur.execute(definition)
                self.timings.append((name, time.monotonic() - started))
            cur.execute("SET CONSTRAINTS ALL DEFERRED")


# --- entry points -------------------------------------------------------------------------


def synth_roots(using: str = "default"):
    return [
        org
        for org in Organization.objects.using(using).filter(depth=1, code__startswith="S")
        if CODE_PATTERN.match(org.code)
    ]


def remove_synth(using: str = "default") -> int:
    """Delete every synth province and what is in it. Run inside a transaction."""
    roots = synth_roots(using)
    for root in roots:
        purge(Organization.objects.using(using).filter(path__startswith=root.path), using=using)
    return len(roots)


def should_drop_indexes(using: str, members: int) -> bool:
    """Dropping and rebuilding pays off only when the load dwarfs what is already there."""
    with connections[using].cursor() as cur:
        cur.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [Member._meta.db_table]
        )
        existing = max(0, int(cur.fetchone()[0]))
    return members >= 500_000 and members >= 2 * existing


def generate(
    *,
    plan: Plan,
    seed: int = DEFAULT_SEED,
    using: str = "default",
    drop_indexes: bool | None = None,
    progress: Callable[[int], None] = lambda n: None,
    say: Callable[[str], None] = lambda s: None,
) -> list[Plan]:
    """Write ``plan`` to the database ``using``; call inside ``transaction.atomic(using=…)``.

    ``drop_indexes`` (PostgreSQL only): None decides from the sizes.
    """
    postgres = connections[using].vendor == "postgresql"
    if postgres:
        if drop_indexes is None:
            drop_indexes = should_drop_indexes(using, plan.members)
        writer: OrmWriter | CopyWriter = CopyWriter(using, drop_indexes)
    else:
        writer = OrmWriter(using)
    provinces = plan.split(random.Random(f"{seed}:plan"))
    first = next_root_position(using)
    names = NameColumns()
    started = time.monotonic()
    for number, province in enumerate(provinces, start=1):
        rng = random.Random(f"{seed}:{number}")
        root = build_province(number, first + number - 1, province, rng)
        cells = writer.organizations(root)
        del root
        writer.members(member_rows(number, cells, rng, names), progress)
    say(
        gettext("Đã ghi tổ chức và đảng viên (%(s).1f s%(cpu)s).")
        % {"s": time.monotonic() - started, "cpu": _server_cpu(using)}
    )
    if isinstance(writer, CopyWriter) and writer.dropped:
        say(gettext("Tạo lại %(n)s chỉ mục của bảng đảng viên…") % {"n": len(writer.dropped)})
    started = time.monotonic()
    writer.finish()
    if isinstance(writer, CopyWriter) and writer.dropped:
        say(
            gettext("Kiểm tra khóa ngoại, tạo chỉ mục: %(s).1f s%(cpu)s.")
            % {"s": time.monotonic() - started, "cpu": _server_cpu(using)}
        )
        say(", ".join(f"{name} {seconds:.1f} s" for name, seconds in writer.timings))
    return provinces


def _server_cpu(using: str) -> str:
    seconds = backend_cpu_seconds(using)
    if seconds is None:
        return ""
    return gettext("; CPU PostgreSQL đến nay %(s).1f s") % {"s": seconds}


def backend_cpu_seconds(using: str = "default") -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend, when it runs on this
    machine and /proc is readable (parallel index-build workers are not included)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def analyze(using: str = "default", vacuum: bool = True) -> None:
    """Refresh planner statistics (and the visibility map) after a bulk load, outside atomic()."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        return
    # VACUUM cannot run in a transaction (e.g. inside a test); ANALYZE can.
    command = "VACUUM (ANALYZE)" if vacuum and not connection.in_atomic_block else "ANALYZE"
    with connection.cursor() as cur:
        for model in (Organization, Member):
            cur.execute(f'{command} "{model._meta.db_table}"')
