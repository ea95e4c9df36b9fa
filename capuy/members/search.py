"""Member search that stays fast at national scale (5,6 million members).

A name search is answered in three tiers, each read from an index in its own order and cut
to the rows the page needs, so no tier sorts all its matches before the page is full:

1. the given name (tên) starts with the query ("hung": Hùng, Hưng, Hứng…), in roster order.
   ``sort_key`` begins with the given name's letters (tones come last), so these members fill
   one ``sort_key`` range per way of writing the query with Vietnamese letters (u/ư, o/ô/ơ…);
   a query typed with those letters reads its own spelling first;
2. the full name starts with the query ("nguyen van h"), by unaccented full name (on
   PostgreSQL through the C-collated index of migration members 0003);
3. a later word of the full name starts with it ("van hung"), exact diacritics first, then in
   roster order. Only this tier sorts its matches; it is read only once the first two are
   exhausted.

Measured on 5,6 million members: bench/RESULTS.md, "Foundation".
"""

from __future__ import annotations

import itertools
import unicodedata

from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Collate

from capuy.core.vntext import nfc, search_key, sort_key

from .models import Member

# Base letters and the Vietnamese letters written with them (each has its own sort code).
_VARIANTS = {"a": "aăâ", "d": "dđ", "e": "eê", "o": "oôơ", "u": "uư"}
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn (not tones)
# Beyond this many spellings (a long query full of a/o/u), tier 1 filters on given_search.
_MAX_SPELLINGS = 64


def _letters_typed(raw: str) -> str:
    """``raw`` lower-cased without tones but with its Vietnamese letters (ư, ô, đ…)."""
    decomposed = unicodedata.normalize("NFD", raw.lower().replace("ð", "đ"))
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch) or ch in _LETTER_MARKS)
    return unicodedata.normalize("NFC", kept)


def _code_prefix(word: str) -> str:
    """The ``sort_key`` prefix of every given name that starts with ``word`` (its letters)."""
    return sort_key(word, "", "")[: 2 * len(word)]


def _next_string(prefix: str) -> str:
    """The smallest string above every string that starts with ``prefix`` (codes are a–z)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


class MemberSearch:
    """The members of ``base`` matching ``raw``, in tier order; sliceable like a queryset.

    ``base`` is the scoped, filtered queryset (no ordering needed). Slicing runs one query per
    tier it reaches plus one for the rows, whatever the number of matches.
    """

    def __init__(self, base: QuerySet[Member], raw: str) -> None:
        self.base = base.order_by()
        self.raw = " ".join(nfc(raw).split())
        self.key = search_key(self.raw)

    # -- the tiers -----------------------------------------------------------------------

    def _given_name_ranges(self) -> tuple[list[Q], list[Q]] | None:
        """(ranges of the spelling typed, ranges of the other spellings), or None when the
        query cannot be a given-name prefix written in plain letters."""
        key = self.key
        if not key.isascii() or not key.isalpha():
            return None
        spellings = ["".join(p) for p in itertools.product(*(_VARIANTS.get(c, c) for c in key))]
        if len(spellings) > _MAX_SPELLINGS:
            return None
        typed = _letters_typed(self.raw)
        exact = typed if typed != key or self.raw.lower() != key else None

        def ranges(words):
            return [
                Q(sort_key__gte=_code_prefix(w), sort_key__lt=_next_string(_code_prefix(w)))
                for w in words
            ]

        if exact in spellings:
            return ranges([exact]), ranges([s for s in spellings if s != exact])
        return [], ranges(spellings)

    @staticmethod
    def _any(ranges: list[Q]) -> Q:
        combined = Q()
        for part in ranges:
            combined |= part
        return combined

    def _ids_in_ranges(self, ranges: list[Q], wanted: int) -> list[int]:
        """The first ``wanted`` ids, in roster order, of the members in any of ``ranges``."""
        parts = [
            self.base.filter(part).order_by("sort_key", "id").values_list("sort_key", "id")
            for part in ranges
        ]
        if len(parts) > 1 and connection.features.supports_slicing_ordering_in_compound:
            # One ordered index range per spelling, each stopping after ``wanted`` rows; an
            # OR of the ranges made PostgreSQL fetch and sort every match (600 ms for "hung").
            union = parts[0][:wanted].union(*(p[:wanted] for p in parts[1:]), all=True)
            rows = union.order_by("sort_key", "id")[:wanted]
        else:
            rows = self.base.filter(self._any(ranges)).order_by("sort_key", "id")[:wanted]
            rows = rows.values_list("sort_key", "id")
        return [pk for _, pk in rows]

    def _tiers(self) -> list[tuple[QuerySet | list[Q], tuple]]:
        """(queryset or given-name ranges, ordering) of each tier, in order; each excludes
        the earlier ones."""
        key = self.key
        tiers: list[tuple[QuerySet, tuple]] = []
        given = Q(given_search__startswith=key)
        ranges = self._given_name_ranges()
        if ranges is None:
            tiers.append((self.base.filter(given), ("sort_key", "id")))
        else:
            exact, others = ranges
            for part in (exact, others):
                if part:
                    tiers.append((part, ("sort_key", "id")))
        full = self.base.filter(search_text__startswith=key).exclude(given)
        if connection.vendor == "postgresql":
            # The C collation lets one index answer both LIKE 'prefix%' and the order.
            full = full.alias(name_c=Collate("search_text", "C"))
            tiers.append((full, ("name_c", "id")))
        else:
            tiers.append((full, ("search_text", "id")))
        later = (
            self.base.filter(search_text__contains=" " + key)
            .exclude(given)
            .exclude(search_text__startswith=key)
            .annotate(
                rank=Case(
                    When(full_name__icontains=self.raw, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
        )
        tiers.append((later, ("rank", "sort_key", "id")))
        return tiers

    # -- the queryset-like surface list_page uses ------------------------------------------

    def __getitem__(self, window: slice) -> list[Member]:
        start, stop = window.start or 0, window.stop
        if stop is None or window.step not in (None, 1):
            raise ValueError("MemberSearch takes a bounded slice")
        ids: list[int] = []
        for queryset, ordering in self._tiers():
            wanted = stop - len(ids)
            if wanted <= 0:
                break
            if isinstance(queryset, list):  # given-name ranges
                ids += self._ids_in_ranges(queryset, wanted)
            else:
                ids += queryset.order_by(*ordering).values_list("id", flat=True)[:wanted]
        ids = ids[start:stop]
        if not ids:
            return []
        rows = Member.objects.select_related("cell").in_bulk(ids)
        return [rows[pk] for pk in ids if pk in rows]

    def count_up_to(self, cap: int) -> int:
        """How many members match, counting at most ``cap`` (one query)."""
        matching = self.base.filter(
            Q(search_text__startswith=self.key)
            | Q(given_search__startswith=self.key)
            | Q(search_text__contains=" " + self.key)
        )
        return matching[:cap].count()

    def __iter__(self):
        raise TypeError("MemberSearch is read a page at a time: slice it")
