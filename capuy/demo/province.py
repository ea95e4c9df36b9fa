"""Build the demo province (``capuy demo``): Bắc Ninh's 2019 tree, its 1/7/2025 reorganization,
members, committee seats, flags and one demo user per role.

Everything is drawn from ``random.Random`` seeded with ``seed``, so the same arguments give the
same rows. Rows are inserted in bulk (the audit trail does not record bulk inserts; demo data
needs no history), paths are computed in memory (:mod:`capuy.demo.tree`), and the stored subtree
member counts are computed before the insert; ``recount_members()`` confirms them at the end.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.utils.translation import gettext

from capuy.core.vntext import format_number
from capuy.members.models import Member, MemberTransfer
from capuy.organizations.choices import FlagKind, OrgKind, UnitType
from capuy.organizations.models import Organization, OrganizationFlag
from capuy.organizations.services import recount_members

from . import bacninh as bn
from .people import PersonGenerator
from .purge import purge
from .seats import create_committees
from .tree import Node, next_root_position, save_nodes
from .users import DEMO_EMAIL_DOMAIN, DEMO_USERNAMES, DemoLogin, create_users

DEFAULT_MEMBERS = 57_000
# Below this the smallest district-level unit cannot fill its ~35 committee seats.
MIN_MEMBERS = 3_000
DEFAULT_SEED = 2019
# Members as they stood on the eve of the reorganization (dự bị = admitted in the year before).
AS_OF = date(2025, 6, 30)
TRANSFER_NOTE = "Sắp xếp tổ chức đảng theo mô hình chính quyền địa phương hai cấp (dữ liệu mẫu)"
BATCH = 2000

RESIDENTIAL_WEIGHT = 32
UNIT_CELL_WEIGHT = 18  # a chi bộ cơ sở of an agency, school or company
SUB_CELL_WEIGHT = 20  # a chi bộ trực thuộc of an agency's đảng bộ cơ sở


@dataclass(slots=True)
class CellInfo:
    """What the generator knows about a 2019 cell (kept in ``Node.tag``)."""

    owner: int  # index into DemoTree.owners (the 2019 district-level unit above it)
    weight: float
    agency: bool  # leaders' cell: committee seats are filled from here first
    residential: bool


@dataclass(slots=True)
class Candidate:
    pk: int
    owner: int
    agency: bool
    born: date
    admitted: date
    official: date | None
    residential_cell: Node | None  # the 2025 cell, when the 2019 cell was residential


@dataclass
class DemoSummary:
    root: Organization
    organizations: int
    members: int
    transfers: int
    seats: int
    flags: int
    logins: list[DemoLogin] = field(default_factory=list)


@dataclass
class DemoTree:
    root: Node
    owners: list[Node]  # the 12 district-level units of 2019 (8 with territory, 4 bodies)
    owner_terms: list[str]
    old_communes: list[Node]
    new_communes: list[Node]
    new_bodies: dict[str, Node]
    cells: list[Node]  # 2019 cells; each one's merged_into is its 2025 counterpart


# --- tree ---------------------------------------------------------------------------------


def _code(parent: Node) -> str:
    return f"{parent.code}-{len(parent.children) + 1:03d}"


def _founded(rng: random.Random, first: int = 1997, last: int = 2015) -> date:
    start = date(first, 1, 1).toordinal()
    return date.fromordinal(start + int(rng.random() * (date(last, 12, 31).toordinal() - start)))


def _vary(rng: random.Random, weight: float) -> float:
    return weight * (0.6 + 0.8 * rng.random())


def _add_cell(
    old_parent: Node, new_parent: Node, name: str, kind: str, info: CellInfo, **fields
) -> Node:
    """A 2019 cell and its 2025 counterpart (same name), linked by ``merged_into``."""
    established = fields.pop("established_on", bn.PROVINCE_ESTABLISHED)
    new_kind = OrgKind.CHI_BO_CO_SO if new_parent.kind == OrgKind.DANG_BO_XA else kind
    unit_type = fields.pop("unit_type", "")
    old = old_parent.add(
        _code(old_parent),
        name,
        kind,
        unit_type=unit_type if kind == OrgKind.CHI_BO_CO_SO else "",
        established_on=established,
        dissolved_on=bn.DISSOLVED_ON,
        tag=info,
    )
    old.merged_into = new_parent.add(
        _code(new_parent),
        name,
        new_kind,
        unit_type=unit_type if new_kind == OrgKind.CHI_BO_CO_SO else "",
        established_on=bn.REORGANIZED_ON,
    )
    return old


def _add_unit(rng, old_parent: Node, new_parent: Node, unit: bn.Unit, owner: int, cells) -> None:
    """A non-commune grassroots organization in 2019 and again under its 2025 parent."""
    founded = _founded(rng)
    if not unit.cell_style:
        info = CellInfo(owner, _vary(rng, UNIT_CELL_WEIGHT), unit.agency, False)
        cells.append(
            _add_cell(
                old_parent,
                new_parent,
                unit.name,
                OrgKind.CHI_BO_CO_SO,
                info,
                unit_type=unit.unit_type,
                established_on=founded,
            )
        )
        return
    old = old_parent.add(
        _code(old_parent),
        unit.name,
        OrgKind.DANG_BO_CO_SO,
        unit_type=unit.unit_type,
        established_on=founded,
        dissolved_on=bn.DISSOLVED_ON,
    )
    new = new_parent.add(
        _code(new_parent),
        unit.name,
        OrgKind.DANG_BO_CO_SO,
        unit_type=unit.unit_type,
        established_on=bn.REORGANIZED_ON,
    )
    old.merged_into = new
    names = bn.CELL_NAMES[unit.cell_style]
    for cell_name in names[: rng.randint(4, min(11, len(names)))]:
        info = CellInfo(owner, _vary(rng, SUB_CELL_WEIGHT), unit.agency, False)
        cells.append(
            _add_cell(
                old,
                new,
                f"Chi bộ {cell_name}",
                OrgKind.CHI_BO_TRUC_THUOC,
                info,
                established_on=founded,
            )
        )


def _village(rng, used: set[str]) -> str:
    while True:
        name = f"{rng.choice(bn.VILLAGE_FIRST)} {rng.choice(bn.VILLAGE_SECOND)}"
        if name not in used and name.split()[0] != name.split()[1]:
            used.add(name)
            return name


def build_tree(rng: random.Random, root_position: int) -> DemoTree:
    root = Node.root(
        root_position,
        bn.PROVINCE_CODE,
        bn.PROVINCE_NAME,
        OrgKind.DANG_BO_TINH,
        established_on=bn.PROVINCE_ESTABLISHED,
    )
    bodies = bn.provincial_bodies()
    owners = [
        root.add(
            f"{bn.PROVINCE_CODE}-H{index:02d}",
            name,
            OrgKind.DANG_BO_HUYEN,
            established_on=bn.PROVINCE_ESTABLISHED,
            dissolved_on=bn.DISSOLVED_ON,
        )
        for index, name in enumerate(
            [d.name for d in bn.DISTRICTS] + [name for name, _ in bodies], start=1
        )
    ]
    new_communes: list[list[Node]] = []
    for district in bn.DISTRICTS:
        new_communes.append(
            [
                root.add(
                    f"{bn.PROVINCE_CODE}-X{sum(map(len, new_communes)) + index:02d}",
                    f"Đảng bộ {commune.word} {commune.place}",
                    OrgKind.DANG_BO_XA,
                    established_on=bn.REORGANIZED_ON,
                )
                for index, commune in enumerate(district.new_communes, start=1)
            ]
        )
    new_bodies = {
        name: root.add(
            f"{bn.PROVINCE_CODE}-K{index:02d}",
            name,
            OrgKind.DANG_BO_HUYEN,
            established_on=bn.REORGANIZED_ON,
        )
        for index, name in enumerate(bn.NEW_BODIES, start=1)
    }

    cells: list[Node] = []
    old_communes: list[Node] = []
    for owner, (district, owner_node, targets) in enumerate(
        zip(bn.DISTRICTS, owners, new_communes, strict=False)
    ):
        owner_node.merged_into = targets[0]  # the new commune holding the district seat
        used_villages: set[str] = set()
        for new_commune, target in zip(district.new_communes, targets, strict=True):
            for commune in new_commune.old:
                grassroots = owner_node.add(
                    _code(owner_node),
                    f"Đảng bộ {commune.word} {commune.place}",
                    OrgKind.DANG_BO_CO_SO,
                    unit_type=UnitType.XA_PHUONG,
                    established_on=bn.PROVINCE_ESTABLISHED,
                    dissolved_on=bn.DISSOLVED_ON,
                )
                grassroots.merged_into = target
                old_communes.append(grassroots)
                area = "thôn" if commune.word == "xã" else "khu phố"
                for _ in range(rng.randint(6, 9)):
                    info = CellInfo(owner, _vary(rng, RESIDENTIAL_WEIGHT), False, True)
                    name = f"Chi bộ {area} {_village(rng, used_villages)}"
                    cells.append(
                        _add_cell(
                            grassroots,
                            target,
                            name,
                            OrgKind.CHI_BO_TRUC_THUOC,
                            info,
                            unit_type=UnitType.XA_PHUONG,
                        )
                    )
                for index, (prefix, unit_type, weight) in enumerate(bn.COMMUNE_CELLS):
                    if index >= 4 and rng.random() > 0.2:
                        continue  # every commune has the first four; some have the others
                    where = (
                        f"{commune.word} {commune.place}"
                        if unit_type in (UnitType.CO_QUAN, UnitType.LUC_LUONG_VU_TRANG)
                        else commune.place
                    )
                    info = CellInfo(owner, _vary(rng, weight), unit_type == UnitType.CO_QUAN, False)
                    cells.append(
                        _add_cell(
                            grassroots,
                            target,
                            f"{prefix} {where}",
                            OrgKind.CHI_BO_TRUC_THUOC,
                            info,
                            unit_type=unit_type,
                        )
                    )
        spread = 0
        for unit in bn.district_units(district):
            if unit.dest == "seat":
                target = targets[0]
            else:
                target = targets[spread % len(targets)]
                spread += 1
            _add_unit(rng, owner_node, target, unit, owner, cells)

    for offset, (name, units) in enumerate(bodies):
        owner = len(bn.DISTRICTS) + offset
        owners[owner].merged_into = new_bodies[bn.BODY_MERGED_INTO[name]]
        for unit in units:
            _add_unit(rng, owners[owner], new_bodies[unit.dest], unit, owner, cells)

    owner_terms = [d.term_name for d in bn.DISTRICTS] + [
        bn.BODY_TERM_NAMES[name] for name, _ in bodies
    ]
    flat_new = [node for group in new_communes for node in group]
    return DemoTree(root, owners, owner_terms, old_communes, flat_new, new_bodies, cells)


def apportion(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` exactly (largest remainder)."""
    scale = total / sum(weights)
    shares = [w * scale for w in weights]
    counts = [int(s) for s in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: (counts[i] - shares[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


# --- members ------------------------------------------------------------------------------


def plan_members(tree: DemoTree, total: int) -> list[int]:
    """How many members each 2019 cell gets; also sets every node's subtree ``member_count``.

    Members end up in the 2025 counterparts of their cells, so the counts go there; computing
    them now means the rows are inserted with exact counts and ``recount_members()`` only
    confirms them.
    """
    counts = apportion(total, [cell.tag.weight for cell in tree.cells])
    for cell, count in zip(tree.cells, counts, strict=True):
        cell.merged_into.member_count = count
    tree.root.sum_member_counts()
    return counts


def create_members(
    tree: DemoTree,
    counts: list[int],
    rng: random.Random,
    progress: Callable[[int], None],
) -> tuple[list[Candidate], int]:
    """Members in the 2019 cells, moved to the 2025 cells by transfers dated 1/7/2025."""
    people = PersonGenerator(rng, as_of=AS_OF)
    candidates: list[Candidate] = []
    serial = 0
    batch: list[tuple[Member, Node]] = []

    def flush() -> None:
        Member.objects.bulk_create([member for member, _ in batch], batch_size=BATCH)
        MemberTransfer.objects.bulk_create(
            [
                MemberTransfer(
                    member_id=member.pk,
                    from_cell_id=old.pk,
                    to_cell_id=old.merged_into.pk,
                    transferred_on=bn.REORGANIZED_ON,
                    note=TRANSFER_NOTE,
                )
                for member, old in batch
            ],
            batch_size=BATCH,
        )
        for member, old in batch:
            info = old.tag
            candidates.append(
                Candidate(
                    member.pk,
                    info.owner,
                    info.agency,
                    member.birth_date,
                    member.admitted_on,
                    member.official_on,
                    old.merged_into if info.residential else None,
                )
            )
        progress(len(batch))
        batch.clear()

    for old, count in zip(tree.cells, counts, strict=True):
        new = old.merged_into
        for _ in range(count):
            person = people.draw()
            card = None
            if person.official_on is not None:
                serial += 1
                card = f"{bn.CARD_PREFIX}.{serial:06d}"
            member = Member(
                ho=person.ho,
                ten_dem=person.ten_dem,
                ten=person.ten,
                birth_date=person.birth_date,
                gender=person.gender,
                card_number=card,
                admitted_on=person.admitted_on,
                official_on=person.official_on,
                status=person.status,
                cell_id=new.pk,
                org_path=new.path,
            )
            member.fill_derived()
            batch.append((member, old))
            if len(batch) >= BATCH:
                flush()
    if batch:
        flush()
    return candidates, len(candidates)


# --- flags ----------------------------------------------------------------------


def create_flags(tree: DemoTree, rng: random.Random) -> int:
    """Dated "khó khăn" / "phức tạp" flags on about one commune in ten, before and after 2025."""
    flags = []
    for communes, valid_from, valid_to in (
        (tree.old_communes, date(2018, 1, 1), bn.DISSOLVED_ON),
        (tree.new_communes, bn.REORGANIZED_ON, None),
    ):
        chosen = rng.sample(communes, max(1, round(len(communes) / 10)))
        for index, node in enumerate(sorted(chosen, key=lambda n: n.path)):
            kind = FlagKind.KHO_KHAN if index % 2 == 0 else FlagKind.PHUC_TAP
            flags.append(
                OrganizationFlag(
                    organization_id=node.pk,
                    kind=kind,
                    valid_from=valid_from,
                    valid_to=valid_to,
                    note=bn.FLAG_NOTES[kind],
                )
            )
    OrganizationFlag.objects.bulk_create(flags)
    return len(flags)


# --- entry points -------------------------------------------------------------------------


def find_demo_root() -> Organization | None:
    return Organization.objects.filter(depth=1, code=bn.PROVINCE_CODE).first()


def remove_demo() -> None:
    """Delete the demo province, everything in it and the demo users. Run inside a transaction."""
    User = get_user_model()
    purge(User.objects.filter(username__in=DEMO_USERNAMES, email__endswith=DEMO_EMAIL_DOMAIN))
    root = find_demo_root()
    if root is not None:
        purge(Organization.objects.filter(path__startswith=root.path))


def build_demo(
    *,
    members: int = DEFAULT_MEMBERS,
    seed: int = DEFAULT_SEED,
    progress: Callable[[int], None] = lambda n: None,
    say: Callable[[str], None] = lambda s: None,
) -> DemoSummary:
    """Create the demo province. Call inside ``transaction.atomic()`` on a database without it."""
    if members < MIN_MEMBERS:
        raise ValueError(f"members must be at least {MIN_MEMBERS}")
    say(gettext("Cây tổ chức 2019 và 2025…"))
    tree = build_tree(random.Random(f"{seed}:tree"), next_root_position())
    counts = plan_members(tree, members)
    nodes = list(tree.root.walk())
    save_nodes(nodes, batch_size=BATCH)
    say(gettext("Đảng viên (%(n)s)…") % {"n": format_number(members)})
    candidates, created = create_members(tree, counts, random.Random(f"{seed}:members"), progress)
    say(gettext("Cấp ủy, đánh dấu địa bàn, người dùng mẫu…"))
    rng = random.Random(f"{seed}:committees")
    seats, holders = create_committees(tree, candidates, rng)
    flags = create_flags(tree, rng)
    logins = create_users(tree, candidates, holders)
    if recount_members():
        raise RuntimeError("planned member counts differ from the inserted members")
    return DemoSummary(
        root=Organization.objects.get(pk=tree.root.pk),
        organizations=len(nodes),
        members=created,
        transfers=created,
        seats=seats,
        flags=flags,
        logins=logins,
    )
