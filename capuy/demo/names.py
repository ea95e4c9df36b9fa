"""Generated Vietnamese personal names for demo and synthetic data.

Only common name parts are combined at random, so no generated person is meant to be anybody.
The real officials named in the seed article must never come out, not even without diacritics
(a search for "nguyen van hung" must not find a demo member): :func:`is_forbidden` checks that
and :class:`NameGenerator` draws again when it happens.
"""

from __future__ import annotations

import functools
import random

from capuy.core.vntext import search_key

# The people named in shared/seed/000_efd4e3fead053959.txt.
FORBIDDEN_FULL_NAMES = (
    "Nguyễn Nhân Chiến",
    "Đào Hồng Lan",
    "Nguyễn Hương Giang",
    "Nguyễn Quốc Chung",
    "Nguyễn Văn Hùng",
)
_FORBIDDEN_KEYS = frozenset(search_key(name) for name in FORBIDDEN_FULL_NAMES)


def is_forbidden(full_name: str) -> bool:
    """Whether ``full_name`` is, with or without diacritics, a real person's name from the seed."""
    return search_key(full_name) in _FORBIDDEN_KEYS


# (name, weight): weights roughly follow published family-name shares in the north.
FAMILY_NAMES = (
    ("Nguyễn", 380),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 70),
    ("Hoàng", 45),
    ("Huỳnh", 5),
    ("Phan", 45),
    ("Vũ", 35),
    ("Võ", 4),
    ("Đặng", 21),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
)
MIDDLE_NAMES_MALE = (
    ("Văn", 450),
    ("Đức", 60),
    ("Minh", 60),
    ("Quang", 40),
    ("Hữu", 40),
    ("Xuân", 35),
    ("Thanh", 35),
    ("Ngọc", 30),
    ("Công", 30),
    ("Đình", 40),
    ("Duy", 25),
    ("Tiến", 20),
    ("Mạnh", 20),
    ("Trọng", 25),
    ("Anh", 15),
    ("Quốc", 20),
    ("Thế", 20),
    ("Bá", 15),
    ("Văn Minh", 10),
    ("Đức Anh", 5),
)
MIDDLE_NAMES_FEMALE = (
    ("Thị", 550),
    ("Thu", 50),
    ("Ngọc", 40),
    ("Thanh", 40),
    ("Minh", 30),
    ("Phương", 30),
    ("Hồng", 30),
    ("Kim", 25),
    ("Thùy", 25),
    ("Mai", 20),
    ("Hải", 15),
    ("Thúy", 20),
    ("Bích", 15),
    ("Diệu", 10),
    ("Thị Thu", 20),
    ("Thị Minh", 10),
)
GIVEN_NAMES_MALE = (
    ("Hùng", 30),
    ("Tuấn", 30),
    ("Dũng", 30),
    ("Hà", 10),
    ("Minh", 25),
    ("Hải", 25),
    ("Nam", 20),
    ("Long", 20),
    ("Cường", 20),
    ("Thắng", 20),
    ("Quân", 15),
    ("Sơn", 20),
    ("Trung", 20),
    ("Hưng", 20),
    ("Đạt", 15),
    ("Hiếu", 15),
    ("Toàn", 15),
    ("Thành", 20),
    ("Phong", 15),
    ("Bình", 15),
    ("Tùng", 15),
    ("Vinh", 15),
    ("Hòa", 15),
    ("Huy", 15),
    ("Quang", 15),
    ("Việt", 15),
    ("Kiên", 10),
    ("Lâm", 10),
    ("Tú", 10),
    ("Tiến", 15),
    ("Hoàng", 10),
    ("Thịnh", 10),
    ("Nghĩa", 15),
    ("Đông", 10),
    ("Tâm", 10),
    ("Khánh", 10),
    ("Lợi", 10),
    ("Phúc", 10),
    ("Đức", 15),
    ("Hậu", 10),
    ("Thanh", 15),
    ("Tài", 10),
    ("Trường", 10),
    ("Khoa", 8),
    ("Anh", 15),
    ("Duy", 8),
    ("Mạnh", 10),
    ("Bảo", 8),
    ("Thái", 8),
    ("Chiến", 10),
)
GIVEN_NAMES_FEMALE = (
    ("Lan", 30),
    ("Hương", 30),
    ("Hà", 25),
    ("Hoa", 20),
    ("Mai", 20),
    ("Hằng", 20),
    ("Thủy", 20),
    ("Thảo", 20),
    ("Huyền", 20),
    ("Nga", 20),
    ("Ngọc", 15),
    ("Linh", 20),
    ("Trang", 20),
    ("Phương", 15),
    ("Yến", 15),
    ("Loan", 10),
    ("Dung", 15),
    ("Hạnh", 15),
    ("Nhung", 15),
    ("Oanh", 10),
    ("Vân", 15),
    ("Liên", 10),
    ("Hiền", 15),
    ("Thu", 10),
    ("Hồng", 15),
    ("Giang", 10),
    ("Anh", 10),
    ("Quyên", 8),
    ("Tâm", 8),
    ("Thúy", 10),
    ("Xuân", 10),
    ("Duyên", 10),
    ("Chi", 8),
    ("Nhàn", 8),
    ("Huệ", 10),
    ("Thơm", 8),
    ("Hường", 10),
    ("Liễu", 8),
    ("Nguyệt", 8),
    ("Tuyết", 8),
)


def _table(pairs) -> tuple[str, ...]:
    """Expand (value, weight) pairs so that one random index picks by weight in O(1)."""
    return tuple(value for value, weight in pairs for _ in range(weight))


_FAMILY = _table(FAMILY_NAMES)
_MIDDLE = {"nam": _table(MIDDLE_NAMES_MALE), "nu": _table(MIDDLE_NAMES_FEMALE)}
_GIVEN = {"nam": _table(GIVEN_NAMES_MALE), "nu": _table(GIVEN_NAMES_FEMALE)}


@functools.cache
def _forbidden_triples() -> frozenset[tuple[str, str, str]]:
    """Every combination of the tables above that :func:`is_forbidden` rejects.

    Checked once, so drawing millions of names costs a set lookup instead of an unaccent.
    """
    return frozenset(
        (ho, ten_dem, ten)
        for gender in ("nam", "nu")
        for ho in set(_FAMILY)
        for ten_dem in set(_MIDDLE[gender])
        for ten in set(_GIVEN[gender])
        if is_forbidden(f"{ho} {ten_dem} {ten}")
    )


class NameGenerator:
    """Draws (họ, tên đệm, tên) triples; the same ``rng`` state gives the same names."""

    def __init__(self, rng: random.Random) -> None:
        self._random = rng.random
        self._forbidden = _forbidden_triples()

    def pick(self, gender: str) -> tuple[str, str, str]:
        rand = self._random
        family, middle, given = _FAMILY, _MIDDLE[gender], _GIVEN[gender]
        while True:
            name = (
                family[int(rand() * len(family))],
                middle[int(rand() * len(middle))],
                given[int(rand() * len(given))],
            )
            if name not in self._forbidden:
                return name
