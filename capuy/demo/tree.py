"""Build organization trees in memory and insert them in bulk.

treebeard would issue several queries per ``add_child``; for thousands of nodes we compute the
materialized path, depth and numchild ourselves (exactly as treebeard's ``MP_Node`` does:
``steplen`` characters of base-36 per level) and insert with ``bulk_create`` or ``COPY``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from capuy.core.vntext import search_key
from capuy.organizations.models import Organization

STEPLEN = Organization.steplen
ALPHABET = Organization.alphabet


def step(position: int) -> str:
    """The path segment of the ``position``-th child (1-based), e.g. 1 -> "0001", 36 -> "0010"."""
    if position < 1:
        raise ValueError("positions start at 1")
    digits = ""
    while position:
        position, rest = divmod(position, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    if len(digits) > STEPLEN:
        raise OverflowError("too many siblings for the path step length")
    return digits.rjust(STEPLEN, ALPHABET[0])


def next_root_position(using: str = "default") -> int:
    """Position for a new root after every existing one (roots may come from demo and synth)."""
    last = (
        Organization.objects.using(using)
        .filter(depth=1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    return int(last, len(ALPHABET)) + 1 if last else 1


class Node:
    """One organization before it is saved; ``member_count`` ends up as the subtree count."""

    __slots__ = (
        "children",
        "code",
        "depth",
        "dissolved_on",
        "established_on",
        "kind",
        "member_count",
        "merged_into",
        "name",
        "path",
        "pk",
        "tag",
        "unit_type",
    )

    def __init__(
        self,
        path: str,
        code: str,
        name: str,
        kind: str,
        *,
        unit_type: str = "",
        established_on: date | None = None,
        dissolved_on: date | None = None,
        tag: object = None,
    ) -> None:
        self.path = path
        self.depth = len(path) // STEPLEN
        self.code = code
        self.name = name
        # Plain str: psycopg would dump a TextChoices member by its enum name, not its value.
        self.kind = str(kind)
        self.unit_type = str(unit_type)
        self.established_on = established_on
        self.dissolved_on = dissolved_on
        self.children: list[Node] = []
        self.merged_into: Node | None = None
        self.member_count = 0
        self.pk: int | None = None
        # Free slot for the generator (e.g. "this cell is residential").
        self.tag = tag

    @classmethod
    def root(cls, position: int, code: str, name: str, kind: str, **fields) -> Node:
        return cls(step(position), code, name, kind, **fields)

    def add(self, code: str, name: str, kind: str, **fields) -> Node:
        child = Node(self.path + step(len(self.children) + 1), code, name, kind, **fields)
        self.children.append(child)
        return child

    def walk(self) -> Iterator[Node]:
        """This node and its descendants in path order."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def sum_member_counts(self) -> int:
        """Turn per-cell ``member_count`` values into subtree totals (post-order)."""
        total = self.member_count
        for child in self.children:
            total += child.sum_member_counts()
        self.member_count = total
        return total

    def search_text(self) -> str:
        # Same value Organization.save() stores.
        return search_key(f"{self.name} {self.code}")[:255]

    def to_model(self) -> Organization:
        return Organization(
            path=self.path,
            depth=self.depth,
            numchild=len(self.children),
            code=self.code,
            name=self.name,
            kind=self.kind,
            unit_type=self.unit_type,
            established_on=self.established_on,
            dissolved_on=self.dissolved_on,
            member_count=self.member_count,
            search_text=self.search_text(),
        )


def save_nodes(nodes: list[Node], *, using: str = "default", batch_size: int = 1000) -> None:
    """Insert ``nodes`` with ``bulk_create`` and set ``node.pk`` on each.

    A node whose ``merged_into`` is among ``nodes`` is inserted after its target, so the link is
    written with the row (dissolved units point at their successors, never the other way round).
    """
    pending = nodes
    while pending:
        ready = [n for n in pending if n.merged_into is None or n.merged_into.pk is not None]
        if not ready:
            raise ValueError("merged_into links form a cycle")
        objs = [node.to_model() for node in ready]
        for node, obj in zip(ready, objs, strict=True):
            obj.merged_into_id = node.merged_into.pk if node.merged_into else None
        Organization.objects.using(using).bulk_create(objs, batch_size=batch_size)
        if any(obj.pk is None for obj in objs):  # a backend that cannot return inserted ids
            ids = dict(
                Organization.objects.using(using)
                .filter(path__in=[obj.path for obj in objs])
                .values_list("path", "id")
            )
            for obj in objs:
                obj.pk = ids[obj.path]
        for node, obj in zip(ready, objs, strict=True):
            node.pk = obj.pk
        pending = [n for n in pending if n.pk is None]
