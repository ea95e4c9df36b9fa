"""The rule sets and the 27-manifestations catalogue that capuy ships (domain.md §2–§5, §8).

Loaded by the data migration ``0002_shipped_rule_sets``; the office edits them afterwards on
the rule-set and catalogue pages. Everything marked [U] in domain.md is listed in the rule
set's ``unconfirmed_notes`` and is only a configurable default. A change to this data for
existing databases needs a new data migration.

The ``config`` schema is described in capuy/reviews/rules.py (``Rules.from_dict``).
"""

from copy import deepcopy

HTXSNV, HTTNV, HTNV, KHTNV = "HTXSNV", "HTTNV", "HTNV", "KHTNV"
INDIVIDUALS = ["member", "leader"]
COLLECTIVES = ["organization", "collective"]
ALL_KINDS = ["organization", "member", "collective", "leader"]

LEVEL_NAMES = {
    HTXSNV: "Hoàn thành xuất sắc nhiệm vụ",
    HTTNV: "Hoàn thành tốt nhiệm vụ",
    HTNV: "Hoàn thành nhiệm vụ",
    KHTNV: "Không hoàn thành nhiệm vụ",
}


def _criterion(key: str, name: str, group: str) -> dict:
    return {"key": key, "name": name, "group": group}


MEMBER_CRITERIA = [
    _criterion("tu_tuong_chinh_tri", "Tư tưởng chính trị", "general"),
    _criterion("dao_duc_loi_song", "Phẩm chất đạo đức, lối sống", "general"),
    _criterion("to_chuc_ky_luat", "Ý thức tổ chức kỷ luật (kể cả đóng đảng phí)", "general"),
    _criterion("tac_phong_le_loi", "Tác phong, lề lối làm việc", "general"),
    _criterion(
        "khac_phuc_khuyet_diem", "Kết quả khắc phục hạn chế, khuyết điểm đã được chỉ ra", "general"
    ),
    _criterion("ket_qua_nhiem_vu", "Kết quả thực hiện chức trách, nhiệm vụ được giao", "tasks"),
]
LEADER_CRITERIA = [
    *MEMBER_CRITERIA,
    _criterion(
        "ket_qua_lanh_dao",
        "Kết quả lãnh đạo, quản lý của địa phương, cơ quan, đơn vị được giao phụ trách",
        "tasks",
    ),
]
ORGANIZATION_CRITERIA = [
    _criterion("nhiem_vu_chinh_tri", "Lãnh đạo thực hiện nhiệm vụ chính trị", "tasks"),
    _criterion("chinh_tri_tu_tuong", "Công tác giáo dục chính trị, tư tưởng", "general"),
    _criterion(
        "to_chuc_can_bo", "Công tác tổ chức, cán bộ, xây dựng tổ chức đảng và đảng viên", "general"
    ),
    _criterion("kiem_tra_giam_sat", "Công tác kiểm tra, giám sát và thi hành kỷ luật", "general"),
    _criterion("dan_van", "Lãnh đạo công tác dân vận, mặt trận và đoàn thể", "general"),
    _criterion(
        "khac_phuc_khuyet_diem", "Kết quả khắc phục hạn chế, khuyết điểm đã được chỉ ra", "general"
    ),
]
COLLECTIVE_CRITERIA = [
    _criterion("nhiem_vu_chinh_tri", "Kết quả thực hiện nhiệm vụ chính trị được giao", "tasks"),
    _criterion("xay_dung_dang", "Công tác xây dựng Đảng và hệ thống chính trị", "general"),
    _criterion(
        "nguyen_tac_lanh_dao",
        "Thực hiện nguyên tắc tập trung dân chủ, quy chế làm việc; đoàn kết nội bộ",
        "general",
    ),
    _criterion(
        "phong_chong_suy_thoai", "Lãnh đạo phòng, chống suy thoái, tham nhũng, lãng phí", "general"
    ),
    _criterion(
        "khac_phuc_khuyet_diem", "Kết quả khắc phục hạn chế, khuyết điểm đã được chỉ ra", "general"
    ),
]
CRITERIA = {
    "organization": ORGANIZATION_CRITERIA,
    "collective": COLLECTIVE_CRITERIA,
    "member": MEMBER_CRITERIA,
    "leader": LEADER_CRITERIA,
}

NO_DISCIPLINED_UNIT = {
    "field": "disciplined_units",
    "op": "==",
    "value": 0,
    "default": 0,
    "name": "Không có tổ chức, cá nhân trực thuộc bị thi hành kỷ luật",
}

# Individuals: HD 21 §3.1. HTXSNV [C]; the HTTNV / HTNV thresholds are [U].
INDIVIDUAL_BANDS = [
    {"level": HTXSNV, "min": {"tasks": "xuat_sac", "general": "tot"}},
    {"level": HTTNV, "min": {"tasks": "tot", "general": "tot"}},
    {"level": HTNV, "min": {"tasks": "trung_binh", "general": "trung_binh"}},
]
# Collectives: QĐ 124 §3.2 [C]; reused for QĐ 132 organizations [U].
COLLECTIVE_BANDS = [
    {"level": HTXSNV, "min": {"tasks": "xuat_sac", "general": "tot"}, "conditions": []},
    {"level": HTTNV, "min": {"tasks": "tot", "general": "trung_binh"}},
    {"level": HTNV, "min": {"tasks": "trung_binh", "general": "trung_binh"}},
]
COLLECTIVE_BANDS_124 = deepcopy(COLLECTIVE_BANDS)
COLLECTIVE_BANDS_124[0]["conditions"] = [NO_DISCIPLINED_UNIT]

DISCIPLINE = {
    "code": "discipline",
    "name": "Bị xử lý kỷ luật trong năm đánh giá",
    "field": "disciplined",
    "op": "true",
    "cap": KHTNV,
    "applies_to": ALL_KINDS,
    "exceptions": [
        {
            "field": "discipline_already_counted",
            "op": "true",
            "name": "Vi phạm đã được tính khi xếp loại năm trước (một vi phạm chỉ tính một lần)",
        }
    ],
}
DISCIPLINE_124 = {
    **deepcopy(DISCIPLINE),
    "relief": {
        "field": "discipline_self_detected_remedied",
        "op": "true",
        "cap": HTTNV,
        "name": "Tự phát hiện và khắc phục xong hậu quả (QĐ 124, Điều 12, 4.3.d)",
    },
}
DEGRADATION = {
    "code": "degradation",
    "name": "Bị cấp có thẩm quyền kết luận suy thoái, “tự diễn biến”, “tự chuyển hóa”",
    "field": "degradation_concluded",
    "op": "true",
    "cap": KHTNV,
    "applies_to": INDIVIDUALS,
}
TARGETS = {
    "code": "targets_below_half",
    "name": "Hoàn thành dưới 50% chỉ tiêu, nhiệm vụ được giao",
    "field": "targets_done_pct",
    "op": "<",
    "value": 50,
    "cap": KHTNV,
    "applies_to": ALL_KINDS,
}
CIVIL_SERVANT = {
    "code": "civil_servant_ceiling",
    "name": "Không cao hơn mức xếp loại công chức, viên chức cùng năm",
    "field": "civil_servant_level",
    "op": "ceiling",
    "applies_to": INDIVIDUALS,
}
SICK_LEAVE = {
    "code": "sick_leave",
    "name": "Nghỉ ốm từ 3 tháng trở lên trong năm: không xếp loại cao hơn HTNV",
    "field": "sick_leave_months",
    "op": ">=",
    "value": 3,
    "cap": HTNV,
    "applies_to": INDIVIDUALS,
}
MATERNITY = {
    "field": "maternity_leave",
    "note": "Nghỉ thai sản: xếp loại theo kết quả của thời gian công tác thực tế",
}

SUBJECTS = {
    # Organizations reviewed in a cycle (the scope's own root is reviewed by its superior).
    "organization_kinds": [
        "dang_bo_huyen",
        "dang_bo_xa",
        "dang_bo_co_so",
        "chi_bo_co_so",
        "dang_bo_bo_phan",
        "chi_bo_truc_thuoc",
    ],
    # Seats reviewed as individual leaders: the committees of these kinds of organization.
    "leader_org_kinds": ["dang_bo_tinh", "dang_bo_huyen", "dang_bo_xa"],
    "leader_roles": [
        "bi_thu",
        "pho_bi_thu_thuong_truc",
        "pho_bi_thu",
        "uy_vien_btv",
        "uy_vien_bch",
    ],
    # One leader collective per organization with a committee: the BTV where there is one.
    "collective": "btv_else_bch",
}
# Days after the period's end by which each deciding level finishes [U].
DEADLINE_DAYS = {"co_so": 0, "xa": 15, "huyen": 31, "tinh": 59}

RULES_132 = {
    "levels": LEVEL_NAMES,
    "criteria": CRITERIA,
    "rating_bands": {
        "member": INDIVIDUAL_BANDS,
        "leader": INDIVIDUAL_BANDS,
        "organization": COLLECTIVE_BANDS,
        "collective": COLLECTIVE_BANDS,
    },
    "disqualifiers": [DISCIPLINE, DEGRADATION, TARGETS, CIVIL_SERVANT],
    "caps": [SICK_LEAVE],
    "maternity": MATERNITY,
    "exemptions": {
        "mien_sinh_hoat": {"effect": "not_reviewed"},
        "dinh_chi": {"effect": "not_classified"},
        "moi_ket_nap": {"effect": "not_classified", "months": 6},
        "moi_thanh_lap": {"effect": "not_classified", "months": 6},
        "khac": {"effect": "not_reviewed"},
    },
    "quota_applies_to": ALL_KINDS,
    "subjects": SUBJECTS,
    "deadline_days": DEADLINE_DAYS,
    "forms": {
        "organization": "Mẫu 01-HD KĐ.ĐG 2019",
        "collective": "Mẫu 01-HD KĐ.ĐG 2019",
        "member": "Mẫu 02-HD KĐ.ĐG 2019",
        "leader": "Mẫu 02-HD KĐ.ĐG 2019",
    },
}

RULES_124 = deepcopy(RULES_132)
RULES_124["rating_bands"]["organization"] = COLLECTIVE_BANDS_124
RULES_124["rating_bands"]["collective"] = COLLECTIVE_BANDS_124
RULES_124["disqualifiers"] = [DISCIPLINE_124, DEGRADATION, TARGETS, CIVIL_SERVANT]
RULES_124["exemptions"] = {
    "mien_sinh_hoat": {"effect": "not_reviewed"},
    "dinh_chi": {"effect": "not_reviewed"},
    "moi_ket_nap": {"effect": "not_reviewed", "months": 6},
    "moi_thanh_lap": {"effect": "not_classified", "months": 6},
    "khac": {"effect": "not_reviewed"},
}
RULES_124["forms"] = {
    "organization": "Mẫu 01 (HD 25-HD/BTCTW)",
    "collective": "Mẫu 01 (HD 25-HD/BTCTW)",
    "member": "Mẫu 02 (HD 25-HD/BTCTW)",
    "leader": "Mẫu 02 (HD 25-HD/BTCTW)",
}

SCORE_CONDITIONS_EXCELLENT = [
    {"field": "tasks_on_time_pct", "op": ">=", "value": 100, "name": "100% nhiệm vụ đúng hạn"},
    {
        "field": "tasks_exceeded_pct",
        "op": ">=",
        "value": 30,
        "name": "Ít nhất 30% nhiệm vụ vượt yêu cầu",
    },
    {
        "field": "shortcomings_fixed_pct",
        "op": ">=",
        "value": 100,
        "name": "Khắc phục 100% hạn chế, khuyết điểm đã được chỉ ra",
    },
]


def _score_bands(collective: bool) -> list[dict]:
    excellent = list(SCORE_CONDITIONS_EXCELLENT)
    if collective:
        excellent.append(
            {**NO_DISCIPLINED_UNIT, "name": "Không có tổ chức, đảng viên bị thi hành kỷ luật"}
        )
    return [
        {"level": HTXSNV, "min_total": 90, "conditions": excellent},
        {
            "level": HTTNV,
            "min_total": 70,
            "conditions": [
                {
                    "field": "tasks_on_time_pct",
                    "op": ">=",
                    "value": 100,
                    "name": "100% nhiệm vụ đúng hạn",
                }
            ],
        },
        {
            "level": HTNV,
            "min_total": 50,
            "conditions": [
                {
                    "field": "tasks_done_pct",
                    "op": ">=",
                    "value": 100,
                    "name": "Hoàn thành 100% nhiệm vụ",
                },
                {
                    "field": "tasks_late_pct",
                    "op": "<=",
                    "value": 20,
                    "name": "Không quá 20% nhiệm vụ chậm tiến độ",
                },
            ],
        },
    ]


RULES_366 = deepcopy(RULES_124)
del RULES_366["rating_bands"]
RULES_366["score"] = {
    "general_max": 30,
    "tasks_max": 70,
    "bands": {
        "organization": _score_bands(True),
        "collective": _score_bands(True),
        "member": _score_bands(False),
        "leader": _score_bands(False),
    },
}
RULES_366["forms"] = {
    "organization": "Mẫu 01 (HD 43-HD/BTCTW)",
    "collective": "Mẫu 01 (HD 43-HD/BTCTW)",
    "leader": "Mẫu 2A (HD 43-HD/BTCTW)",
    "member": "Mẫu 2B (HD 43-HD/BTCTW)",
    "member_outside_system": "Mẫu 2C (HD 43-HD/BTCTW)",
}

RULE_SETS = [
    {
        "code": "qd132-hd21",
        "name": "Kiểm điểm, đánh giá, xếp loại chất lượng năm 2019–2022",
        "regulation": "QĐ 132-QĐ/TW (08/3/2018)",
        "guidance": "HD 21-HD/BTCTW (18/10/2019)",
        "first_year": 2019,
        "last_year": 2022,
        "derivation": "ratings",
        "quota_percent": 20,
        "quota_denominator": "httnv",
        "quota_grouping": "grassroots",
        "quota_rounding": "floor",
        "config": RULES_132,
        "unconfirmed_notes": "\n".join(
            [
                "- Ngưỡng HTTNV, HTNV theo tiêu chí của cá nhân (chưa thấy văn bản; tạm: mọi "
                "tiêu chí đạt Tốt / Trung bình trở lên).",
                "- Tiêu chí và ngưỡng xếp loại tổ chức, tập thể (tạm dùng khung của QĐ 124).",
                "- Mẫu số tỷ lệ HTXSNV (HTTNV hay HTTNV trở lên) và cách làm tròn (tạm: số "
                "HTTNV, làm tròn xuống).",
                "- Mức trần theo xếp loại công chức ở các mức giữa (văn bản chỉ nêu HTXSNV và "
                "KHTNV).",
                "- Tổ chức bị kỷ luật trong năm xếp KHTNV; hoàn thành dưới 50% chỉ tiêu áp "
                "dụng cả cho tập thể.",
                "- Thời hạn từng cấp và số hiệu biểu mẫu (Mẫu 01/02-HD KĐ.ĐG 2019).",
            ]
        ),
    },
    {
        "code": "qd124-hd25",
        "name": "Kiểm điểm, đánh giá, xếp loại chất lượng năm 2023–2024",
        "regulation": "QĐ 124-QĐ/TW (04/10/2023)",
        "guidance": "HD 25-HD/BTCTW (10/11/2023)",
        "first_year": 2023,
        "last_year": 2024,
        "derivation": "ratings",
        "quota_percent": 20,
        "quota_denominator": "httnv",
        "quota_grouping": "similar_role",
        "quota_rounding": "floor",
        "config": RULES_124,
        "unconfirmed_notes": "\n".join(
            [
                "- Ngưỡng HTTNV, HTNV theo tiêu chí của cá nhân (tạm như HD 21).",
                "- Kỷ luật tự phát hiện, khắc phục xong: không xếp KHTNV; tạm đặt trần HTTNV.",
                "- Tổ chức mới thành lập dưới 6 tháng; nghỉ ốm từ 3 tháng; nghỉ thai sản (tạm "
                "như HD 21).",
                "- Cách lập nhóm đối tượng tương đồng (tạm: cùng cấp quyết định, cùng loại tổ "
                "chức / cùng chức vụ).",
                "- Mẫu số tỷ lệ HTXSNV và cách làm tròn (tạm: số HTTNV, làm tròn xuống).",
                "- Thời hạn từng cấp và số hiệu biểu mẫu.",
            ]
        ),
    },
    {
        "code": "qd366-hd43",
        "name": "Kiểm điểm, đánh giá, xếp loại chất lượng từ năm 2025",
        "regulation": "QĐ 366-QĐ/TW (30/8/2025)",
        "guidance": "HD 43-HD/BTCTW (31/10/2025)",
        "first_year": 2025,
        "last_year": None,
        "derivation": "score",
        "quota_percent": 20,
        "quota_denominator": "httnv",
        "quota_grouping": "similar_role",
        "quota_rounding": "floor",
        "config": RULES_366,
        "unconfirmed_notes": "\n".join(
            [
                "- Tỷ lệ HTXSNV của QĐ 366 / HD 43 (chưa thấy; tạm 20% số HTTNV, nhóm tương "
                "đồng, làm tròn xuống) và ngoại lệ năm 2025.",
                "- Các trường hợp miễn, không xếp loại (tạm như QĐ 124).",
                "- Danh sách trường hợp KHTNV ngoài điểm dưới 50 (tạm: kỷ luật, kết luận suy "
                "thoái, dưới 50% chỉ tiêu, trần theo xếp loại công chức).",
                "- Mẫu 2A / 2B cho cán bộ lãnh đạo, quản lý và cá nhân khác (Mẫu 01 và 2C đã "
                "xác nhận).",
                "- Thời hạn từng cấp.",
            ]
        ),
    },
]

UNCONFIRMED = "[chưa đối chiếu]"
SOURCE_PLO = "plo.vn (tóm tắt NQ 04-NQ/TW)"
SOURCE_THANHHOA = "baothanhhoa.vn (tóm tắt NQ 04-NQ/TW)"
SOURCE_BLOG = "nguồn thứ cấp trích NQ 04-NQ/TW, cần đối chiếu"


def _placeholder(code: str, hint: str = "") -> str:
    text = f"{UNCONFIRMED} Biểu hiện {code} — nhập theo văn bản NQ 04-NQ/TW"
    return f"{text} (gợi ý: {hint})" if hint else text


MANIFESTATIONS = [
    # (group, number, text, confirmed, source)
    (
        "A",
        1,
        "Phai nhạt lý tưởng cách mạng; dao động, giảm sút niềm tin vào mục tiêu độc lập dân "
        "tộc và chủ nghĩa xã hội; hoài nghi chủ nghĩa Mác-Lênin, tư tưởng Hồ Chí Minh",
        True,
        SOURCE_PLO,
    ),
    (
        "A",
        2,
        "Nhận thức sai lệch về ý nghĩa, tầm quan trọng của lý luận; lười học tập chủ nghĩa "
        "Mác-Lênin, tư tưởng Hồ Chí Minh, nghị quyết của Đảng, pháp luật",
        True,
        SOURCE_THANHHOA,
    ),
    (
        "A",
        3,
        "Không chấp hành nghiêm nguyên tắc tổ chức của Đảng; sa sút ý chí phấn đấu; né tránh "
        "trách nhiệm, trung bình chủ nghĩa; không làm tròn chức trách",
        True,
        SOURCE_PLO,
    ),
    (
        "A",
        4,
        f"{UNCONFIRMED} Tự phê bình giấu giếm khuyết điểm; phê bình nể nang, né tránh, “thấy "
        "đúng không bảo vệ, thấy sai không đấu tranh”; lợi dụng phê bình để nịnh bợ, lấy lòng "
        "nhau …",
        False,
        SOURCE_PLO,
    ),
    (
        "A",
        5,
        f"{UNCONFIRMED} Nói theo, làm theo, phụ họa theo nhận thức lệch lạc, quan điểm sai trái, "
        "thù địch",
        False,
        "",
    ),
    ("A", 6, _placeholder("A6", "tham vọng chức quyền, không chấp hành sự phân công"), False, ""),
    ("A", 7, _placeholder("A7", "thiếu trách nhiệm, không hết lòng vì nước vì dân"), False, ""),
    ("A", 8, _placeholder("A8"), False, ""),
    ("A", 9, _placeholder("A9"), False, ""),
    ("B", 1, _placeholder("B1", "cá nhân chủ nghĩa, cơ hội, thực dụng, vụ lợi"), False, ""),
    ("B", 2, _placeholder("B2", "bè phái, lợi ích nhóm"), False, ""),
    (
        "B",
        3,
        _placeholder("B3", "quan liêu, xa rời quần chúng, thờ ơ, vô cảm trước khó khăn của dân"),
        False,
        "",
    ),
    ("B", 4, _placeholder("B4", "tham nhũng, lãng phí"), False, ""),
    ("B", 5, _placeholder("B5", "chạy chức, chạy quyền"), False, ""),
    ("B", 6, _placeholder("B6", "sống xa hoa, hưởng lạc"), False, ""),
    ("B", 7, _placeholder("B7", "lợi dụng chức vụ, quyền hạn"), False, ""),
    ("B", 8, _placeholder("B8", "cục bộ, mất đoàn kết"), False, ""),
    ("B", 9, _placeholder("B9"), False, ""),
    (
        "C",
        1,
        f"{UNCONFIRMED} Phản bác, phủ nhận chủ nghĩa Mác-Lênin, tư tưởng Hồ Chí Minh; đòi “đa "
        "nguyên, đa đảng”",
        False,
        SOURCE_BLOG,
    ),
    (
        "C",
        2,
        f"{UNCONFIRMED} Phủ nhận nền dân chủ xã hội chủ nghĩa, Nhà nước pháp quyền xã hội chủ "
        "nghĩa; đòi “tam quyền phân lập”, “xã hội dân sự”; phủ nhận sở hữu toàn dân về đất đai",
        False,
        SOURCE_BLOG,
    ),
    (
        "C",
        3,
        f"{UNCONFIRMED} Nói, viết, làm trái quan điểm, đường lối của Đảng; xuyên tạc lịch sử, "
        "vu cáo lãnh tụ",
        False,
        SOURCE_BLOG,
    ),
    (
        "C",
        4,
        f"{UNCONFIRMED} Kích động bất mãn, bất đồng chính kiến, chia rẽ nội bộ",
        False,
        SOURCE_BLOG,
    ),
    (
        "C",
        5,
        f"{UNCONFIRMED} Phủ nhận sự lãnh đạo tuyệt đối, trực tiếp về mọi mặt của Đảng đối với "
        "lực lượng vũ trang; chia rẽ quân đội – công an – nhân dân",
        False,
        SOURCE_BLOG,
    ),
    (
        "C",
        6,
        f"{UNCONFIRMED} Móc nối, cấu kết với thế lực thù địch, phản động",
        False,
        SOURCE_BLOG,
    ),
    ("C", 7, _placeholder("C7"), False, ""),
    ("C", 8, _placeholder("C8"), False, ""),
    ("C", 9, _placeholder("C9"), False, ""),
]
