"""The demo province: Bắc Ninh's 2019 party structure and its post-1/7/2025 shape.

District-level units and commune names are Bắc Ninh's 2019 ones (126 commune-level units,
domain.md §9.2). The grouping of old communes into the 33 new communes of 2025 is a
*demonstration* mapping that follows the real pattern (3–6 old communes merge, the first new
commune of each district holds the district seat, towns became wards) — it is not the official
list. Agency, school and company names are generic; villages, companies, khóa numbers and every
person are generated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from capuy.organizations.choices import UnitType

PROVINCE_CODE = "BN"
PROVINCE_NAME = "Đảng bộ tỉnh Bắc Ninh"
PROVINCE_ESTABLISHED = date(1997, 1, 1)  # Bắc Ninh was re-established from Hà Bắc on 1/1/1997
DISSOLVED_ON = date(2025, 6, 30)
REORGANIZED_ON = date(2025, 7, 1)
# Card numbers of demo members: "<province code>.<serial>"; synth uses letters, so both coexist.
CARD_PREFIX = "27"


@dataclass(frozen=True)
class OldCommune:
    word: str  # "xã", "phường", "thị trấn"
    place: str


@dataclass(frozen=True)
class NewCommune:
    word: str  # "xã", "phường"
    place: str
    old: tuple[OldCommune, ...]


@dataclass(frozen=True)
class District:
    """A 2019 district-level unit with territory (thành phố, thị xã, huyện)."""

    word: str  # "thành phố", "thị xã", "huyện"
    place: str
    committee: str  # "Thành ủy", "Thị ủy", "Huyện ủy"
    term_name: str  # khóa of its 2015–2020 congress (illustrative)
    new_communes: tuple[NewCommune, ...]  # the first one contains the district seat

    @property
    def name(self) -> str:
        return f"Đảng bộ {self.word} {self.place}"


def _old(spec: str) -> tuple[OldCommune, ...]:
    """ "p:Kinh Bắc, x:Tiền An, tt:Lim" -> old communes (p = phường, x = xã, tt = thị trấn)."""
    words = {"p": "phường", "x": "xã", "tt": "thị trấn"}
    result = []
    for item in spec.split(","):
        word, place = item.strip().split(":")
        result.append(OldCommune(words[word], place))
    return tuple(result)


def _new(word: str, place: str, old: str) -> NewCommune:
    return NewCommune(word, place, _old(old))


DISTRICTS = (
    District(
        "thành phố",
        "Bắc Ninh",
        "Thành ủy",
        "XX",
        (
            _new("phường", "Kinh Bắc", "p:Kinh Bắc, p:Tiền An, p:Ninh Xá, p:Suối Hoa, p:Vệ An"),
            _new("phường", "Võ Cường", "p:Võ Cường, p:Đại Phúc, p:Phong Khê, p:Khúc Xuyên"),
            _new(
                "phường",
                "Vũ Ninh",
                "p:Vũ Ninh, p:Đáp Cầu, p:Thị Cầu, p:Kim Chân, p:Vạn An, p:Hòa Long",
            ),
            _new("phường", "Nam Sơn", "p:Nam Sơn, p:Khắc Niệm"),
            _new("phường", "Hạp Lĩnh", "p:Hạp Lĩnh, p:Vân Dương"),
        ),
    ),
    District(
        "thị xã",
        "Từ Sơn",
        "Thị ủy",
        "XXIII",
        (
            _new("phường", "Từ Sơn", "p:Đông Ngàn, p:Trang Hạ, p:Đồng Kỵ, p:Tân Hồng"),
            _new("phường", "Tam Sơn", "x:Tam Sơn, x:Hương Mạc, x:Tương Giang"),
            _new("phường", "Đồng Nguyên", "p:Đồng Nguyên, p:Châu Khê, p:Đình Bảng"),
            _new("phường", "Phù Khê", "x:Phù Khê, x:Phù Chẩn"),
        ),
    ),
    District(
        "huyện",
        "Quế Võ",
        "Huyện ủy",
        "XXVI",
        (
            _new("phường", "Quế Võ", "tt:Phố Mới, x:Việt Hùng, x:Bằng An, x:Quế Tân, x:Phượng Mao"),
            _new("phường", "Phương Liễu", "x:Phương Liễu, x:Đại Xuân, x:Việt Thống"),
            _new("phường", "Nhân Hòa", "x:Nhân Hòa, x:Cách Bi, x:Mộ Đạo, x:Chi Lăng"),
            _new("phường", "Bồng Lai", "x:Bồng Lai, x:Yên Giả, x:Hán Quảng, x:Đào Viên"),
            _new("xã", "Phù Lãng", "x:Phù Lãng, x:Phù Lương, x:Ngọc Xá, x:Châu Phong, x:Đức Long"),
        ),
    ),
    District(
        "huyện",
        "Thuận Thành",
        "Huyện ủy",
        "XXIII",
        (
            _new("phường", "Thuận Thành", "tt:Hồ, x:Gia Đông, x:Song Hồ"),
            _new("phường", "Mão Điền", "x:Mão Điền, x:An Bình, x:Hoài Thượng, x:Đại Đồng Thành"),
            _new("phường", "Trạm Lộ", "x:Trạm Lộ, x:Đình Tổ, x:Thanh Khương"),
            _new("phường", "Trí Quả", "x:Trí Quả, x:Xuân Lâm, x:Hà Mãn"),
            _new(
                "phường",
                "Song Liễu",
                "x:Song Liễu, x:Ngũ Thái, x:Nguyệt Đức, x:Ninh Xá, x:Nghĩa Đạo",
            ),
        ),
    ),
    District(
        "huyện",
        "Tiên Du",
        "Huyện ủy",
        "XXI",
        (
            _new("xã", "Tiên Du", "tt:Lim, x:Nội Duệ, x:Phú Lâm"),
            _new("xã", "Liên Bão", "x:Liên Bão, x:Hiên Vân, x:Hoàn Sơn, x:Việt Đoàn"),
            _new("xã", "Tân Chi", "x:Tân Chi, x:Lạc Vệ, x:Minh Đạo, x:Cảnh Hưng"),
            _new("xã", "Phật Tích", "x:Phật Tích, x:Đại Đồng, x:Tri Phương"),
        ),
    ),
    District(
        "huyện",
        "Yên Phong",
        "Huyện ủy",
        "XXII",
        (
            _new("xã", "Yên Phong", "tt:Chờ, x:Đông Tiến, x:Trung Nghĩa, x:Long Châu"),
            _new("xã", "Văn Môn", "x:Văn Môn, x:Yên Phụ, x:Đông Thọ"),
            _new("xã", "Tam Giang", "x:Tam Giang, x:Hòa Tiến, x:Tam Đa"),
            _new("xã", "Yên Trung", "x:Yên Trung, x:Dũng Liệt, x:Thụy Hòa, x:Đông Phong"),
        ),
    ),
    District(
        "huyện",
        "Gia Bình",
        "Huyện ủy",
        "XXV",
        (
            _new("xã", "Gia Bình", "tt:Gia Bình, x:Xuân Lai, x:Đại Bái, x:Quỳnh Phú"),
            _new(
                "xã",
                "Nhân Thắng",
                "x:Nhân Thắng, x:Thái Bảo, x:Bình Dương, x:Song Giang, x:Giang Sơn",
            ),
            _new("xã", "Đại Lai", "x:Đại Lai, x:Lãng Ngâm, x:Cao Đức, x:Vạn Ninh, x:Đông Cứu"),
        ),
    ),
    District(
        "huyện",
        "Lương Tài",
        "Huyện ủy",
        "XXIV",
        (
            _new("xã", "Lương Tài", "tt:Thứa, x:An Thịnh, x:Tân Lãng, x:Mỹ Hương, x:Phú Hòa"),
            _new("xã", "Lâm Thao", "x:Lâm Thao, x:Phú Lương, x:Bình Định, x:Quảng Phú"),
            _new(
                "xã", "Trung Chính", "x:Trung Chính, x:Trung Kênh, x:Trừng Xá, x:Lai Hạ, x:Minh Tân"
            ),
        ),
    ),
)

# --- provincial bodies --------------------------------------------------------------------

# Keys of the post-2025 provincial bodies (their 2025 names) that 2019 units flow into.
BODY_PARTY = "Đảng bộ các cơ quan Đảng tỉnh"
BODY_GOVERNMENT = "Đảng bộ UBND tỉnh"
BODY_MILITARY = "Đảng bộ Quân sự tỉnh"
BODY_POLICE = "Đảng bộ Công an tỉnh"
NEW_BODIES = (BODY_PARTY, BODY_GOVERNMENT, BODY_MILITARY, BODY_POLICE)

# Cell naming styles for the chi bộ trực thuộc of an đảng bộ cơ sở.
CELL_NAMES = {
    "agency": (
        "Văn phòng",
        "Phòng Tổ chức - Hành chính",
        "Phòng Kế hoạch - Tài chính",
        "Thanh tra",
        "Phòng Nghiệp vụ 1",
        "Phòng Nghiệp vụ 2",
        "Phòng Quản lý chuyên ngành",
        "Chi cục trực thuộc",
        "Trung tâm trực thuộc",
        "Phòng Pháp chế",
        "Ban Quản lý dự án",
        "Khối đoàn thể",
    ),
    "hospital": (
        "Khoa Khám bệnh",
        "Khoa Nội",
        "Khoa Ngoại",
        "Khoa Sản",
        "Khoa Nhi",
        "Khoa Hồi sức cấp cứu",
        "Khoa Dược",
        "Khoa Xét nghiệm",
        "Khoa Chẩn đoán hình ảnh",
        "Phòng Kế hoạch - Tổng hợp",
        "Phòng Điều dưỡng",
        "Khoa Kiểm soát nhiễm khuẩn",
    ),
    "enterprise": (
        "Khối văn phòng",
        "Phòng Kỹ thuật",
        "Phòng Kinh doanh",
        "Phân xưởng số 1",
        "Phân xưởng số 2",
        "Phân xưởng số 3",
        "Xí nghiệp thành viên",
        "Đội Thi công số 1",
        "Đội Thi công số 2",
        "Chi nhánh",
        "Phòng Tài chính - Kế toán",
        "Phòng Vật tư",
    ),
    "military": (
        "Đại đội 1",
        "Đại đội 2",
        "Đại đội 3",
        "Đại đội Hỏa lực",
        "Ban Tham mưu",
        "Ban Chính trị",
        "Ban Hậu cần - Kỹ thuật",
        "Khối cơ quan",
        "Tiểu đội Thông tin",
        "Kho Vũ khí",
    ),
    "police": (
        "Đội Tổng hợp",
        "Đội An ninh",
        "Đội Cảnh sát hình sự",
        "Đội Cảnh sát kinh tế",
        "Đội Cảnh sát giao thông",
        "Đội Quản lý hành chính",
        "Đội Cảnh sát điều tra",
        "Đội Cảnh sát ma túy",
        "Nhà tạm giữ",
        "Đội Cảnh sát PCCC",
    ),
}


@dataclass(frozen=True)
class Unit:
    """A non-commune grassroots organization: its name, whether it is an đảng bộ cơ sở (with
    cells in ``cell_style``), its unit type and where it goes on 1/7/2025."""

    name: str
    unit_type: str
    dest: str  # a NEW_BODIES key, or "seat" / "spread" (new communes of its district)
    cell_style: str = ""  # "" = chi bộ cơ sở; otherwise đảng bộ cơ sở with these cell names
    agency: bool = False  # leaders' cells: committee seat holders are drawn from here first


CQ, SN, DN, LL = (
    UnitType.CO_QUAN.value,
    UnitType.SU_NGHIEP.value,
    UnitType.DOANH_NGHIEP.value,
    UnitType.LUC_LUONG_VU_TRANG.value,
)


def district_units(district: District) -> list[Unit]:
    """The ~28 grassroots organizations under a district-level committee besides its communes."""
    u, p, c = district.word, district.place, district.committee
    here = f"{u} {p}"
    agencies = [
        Unit(f"Chi bộ Văn phòng {c}", CQ, "seat", agency=True),
        Unit(f"Chi bộ Cơ quan Ủy ban Kiểm tra {c}", CQ, "seat", agency=True),
        Unit(f"Chi bộ Ban Tổ chức {c}", CQ, "seat", agency=True),
        Unit(f"Chi bộ Ban Tuyên giáo {c}", CQ, "seat", agency=True),
        Unit(f"Chi bộ Ban Dân vận {c}", CQ, "seat", agency=True),
        Unit(f"Chi bộ Trung tâm Chính trị {here}", CQ, "seat"),
        Unit(f"Chi bộ Cơ quan Ủy ban MTTQ và các đoàn thể {here}", CQ, "seat", agency=True),
        Unit(f"Đảng bộ Cơ quan chính quyền {here}", CQ, "seat", "agency", agency=True),
        Unit(f"Chi bộ Phòng Giáo dục và Đào tạo {here}", CQ, "seat"),
        Unit(f"Chi bộ Chi cục Thuế {here}", CQ, "seat"),
        Unit(f"Chi bộ Kho bạc Nhà nước {here}", CQ, "seat"),
        Unit(f"Chi bộ Bảo hiểm xã hội {here}", CQ, "seat"),
        Unit(f"Chi bộ Tòa án nhân dân {here}", CQ, "seat"),
        Unit(f"Chi bộ Viện Kiểm sát nhân dân {here}", CQ, "seat"),
        Unit(f"Chi bộ Chi cục Thi hành án dân sự {here}", CQ, "seat"),
        Unit(f"Chi bộ Trung tâm Văn hóa - Thể thao {here}", SN, "seat"),
        Unit(f"Đảng bộ Trung tâm Y tế {here}", SN, "spread", "hospital"),
        Unit(f"Chi bộ Trung tâm Giáo dục nghề nghiệp - GDTX {here}", SN, "spread"),
        Unit(f"Chi bộ Ngân hàng Chính sách xã hội {here}", CQ, "seat"),
        Unit(f"Chi bộ Ban Quản lý dự án đầu tư xây dựng {here}", SN, "seat"),
    ]
    schools = [Unit(f"Chi bộ Trường THPT {p} số {n}", SN, "spread") for n in (1, 2, 3)]
    places = [old.place for new in district.new_communes for old in new.old]
    companies = [
        Unit(f"Chi bộ Công ty TNHH May {places[1]}", DN, "spread"),
        Unit(f"Chi bộ Công ty CP Vật liệu xây dựng {places[3]}", DN, "spread"),
        Unit(f"Chi bộ Hợp tác xã Dịch vụ nông nghiệp {places[5]}", DN, "spread"),
        Unit(f"Đảng bộ Công ty CP Đầu tư và Xây dựng {p}", DN, "spread", "enterprise"),
        Unit(f"Đảng bộ Công ty CP Môi trường và Dịch vụ đô thị {p}", DN, "spread", "enterprise"),
    ]
    return agencies + schools + companies


_PARTY_AGENCIES = (
    ("Văn phòng Tỉnh ủy", "agency"),
    ("Ban Tổ chức Tỉnh ủy", ""),
    ("Ban Tuyên giáo Tỉnh ủy", ""),
    ("Ban Dân vận Tỉnh ủy", ""),
    ("Ban Nội chính Tỉnh ủy", ""),
    ("Cơ quan Ủy ban Kiểm tra Tỉnh ủy", ""),
    ("Báo Bắc Ninh", "agency"),
    ("Trường Chính trị tỉnh", "agency"),
    ("Cơ quan Ủy ban MTTQ tỉnh", ""),
    ("Cơ quan Tỉnh đoàn", ""),
    ("Cơ quan Hội Liên hiệp Phụ nữ tỉnh", ""),
    ("Cơ quan Hội Nông dân tỉnh", ""),
    ("Cơ quan Hội Cựu chiến binh tỉnh", ""),
    ("Cơ quan Liên đoàn Lao động tỉnh", ""),
    ("Văn phòng Đoàn ĐBQH và HĐND tỉnh", ""),
    ("Tòa án nhân dân tỉnh", "agency"),
    ("Viện Kiểm sát nhân dân tỉnh", "agency"),
    ("Hội Chữ thập đỏ tỉnh", ""),
    ("Liên minh Hợp tác xã tỉnh", ""),
    ("Hội Văn học Nghệ thuật tỉnh", ""),
    ("Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh", ""),
)
_STATE_AGENCIES = (
    ("Văn phòng UBND tỉnh", "agency"),
    ("Sở Nội vụ", ""),
    ("Sở Tư pháp", ""),
    ("Sở Kế hoạch và Đầu tư", ""),
    ("Sở Tài chính", ""),
    ("Sở Công Thương", "agency"),
    ("Sở Nông nghiệp và Phát triển nông thôn", "agency"),
    ("Sở Giao thông vận tải", ""),
    ("Sở Xây dựng", ""),
    ("Sở Tài nguyên và Môi trường", "agency"),
    ("Sở Thông tin và Truyền thông", ""),
    ("Sở Lao động - Thương binh và Xã hội", "agency"),
    ("Sở Văn hóa, Thể thao và Du lịch", "agency"),
    ("Sở Khoa học và Công nghệ", ""),
    ("Sở Giáo dục và Đào tạo", "agency"),
    ("Sở Y tế", ""),
    ("Thanh tra tỉnh", ""),
    ("Ban Quản lý các khu công nghiệp tỉnh", ""),
    ("Cục Thuế tỉnh", "agency"),
    ("Cục Hải quan tỉnh", ""),
    ("Kho bạc Nhà nước tỉnh", ""),
    ("Bảo hiểm xã hội tỉnh", "agency"),
    ("Cục Thống kê tỉnh", ""),
    ("Cục Thi hành án dân sự tỉnh", ""),
    ("Đài Phát thanh và Truyền hình tỉnh", ""),
    ("Bệnh viện Đa khoa tỉnh", "hospital"),
    ("Bệnh viện Sản - Nhi tỉnh", "hospital"),
    ("Bệnh viện Y học cổ truyền tỉnh", ""),
    ("Bệnh viện Phổi tỉnh", ""),
    ("Bệnh viện Tâm thần tỉnh", ""),
    ("Trung tâm Kiểm soát bệnh tật tỉnh", ""),
    ("Trường Cao đẳng Y tế tỉnh", ""),
    ("Trường Cao đẳng Sư phạm tỉnh", ""),
    ("Trường Cao đẳng Công nghiệp tỉnh", ""),
    ("Trường THPT Chuyên tỉnh", ""),
    ("Ngân hàng Nhà nước chi nhánh tỉnh", ""),
    ("Ban Quản lý dự án xây dựng dân dụng và công nghiệp tỉnh", ""),
    ("Ban Quản lý dự án xây dựng giao thông tỉnh", ""),
    ("Trung tâm Phát triển quỹ đất tỉnh", ""),
    ("Trung tâm Dịch vụ việc làm tỉnh", ""),
    ("Chi cục Kiểm lâm", ""),
    ("Chi cục Thủy lợi", ""),
    ("Chi cục Chăn nuôi và Thú y", ""),
    ("Chi cục Trồng trọt và Bảo vệ thực vật", ""),
    ("Trung tâm Khuyến nông tỉnh", ""),
    ("Quỹ Đầu tư phát triển tỉnh", ""),
    ("Trung tâm Xúc tiến đầu tư tỉnh", ""),
    ("Trung tâm Văn hóa tỉnh", ""),
    ("Thư viện tỉnh", ""),
    ("Bảo tàng tỉnh", ""),
    ("Nhà hát Dân ca Quan họ", ""),
    ("Trung tâm Huấn luyện và Thi đấu thể thao tỉnh", ""),
    ("Trung tâm Công nghệ thông tin và Truyền thông tỉnh", ""),
    ("Trung tâm Phục vụ hành chính công tỉnh", ""),
    ("Trung tâm Quan trắc tài nguyên và môi trường tỉnh", ""),
    ("Văn phòng Đăng ký đất đai tỉnh", ""),
    ("Trung tâm Giám định chất lượng xây dựng tỉnh", ""),
    ("Trung tâm Pháp y tỉnh", ""),
    ("Trung tâm Kiểm nghiệm thuốc, mỹ phẩm, thực phẩm tỉnh", ""),
    ("Trung tâm Bảo trợ xã hội tỉnh", ""),
    ("Trung tâm Điều dưỡng người có công tỉnh", ""),
    ("Cơ sở Cai nghiện ma túy tỉnh", ""),
    ("Trung tâm Đăng kiểm xe cơ giới tỉnh", ""),
    ("Ban Quản lý dự án nông nghiệp tỉnh", ""),
    ("Quỹ Bảo vệ môi trường tỉnh", ""),
    ("Trung tâm Nước sạch và Vệ sinh môi trường nông thôn", ""),
    ("Trường Trung cấp nghề tỉnh", ""),
    ("Trung tâm Lưu trữ lịch sử tỉnh", ""),
    ("Ban Tiếp công dân tỉnh", ""),
    ("Trung tâm Y tế dự phòng tỉnh", ""),
    ("Trung tâm Dịch vụ đấu giá tài sản tỉnh", ""),
    ("Trung tâm Trợ giúp pháp lý tỉnh", ""),
    ("Trung tâm Thông tin và Xúc tiến du lịch tỉnh", ""),
    ("Trung tâm Khoa học và Công nghệ tỉnh", ""),
)
_COMPANY_SECTORS = (
    "Xây dựng",
    "Đầu tư và Phát triển hạ tầng",
    "Cơ khí",
    "May",
    "Gốm sứ",
    "Thép",
    "Điện tử",
    "Vận tải",
    "Thương mại",
    "Dược phẩm",
    "Môi trường đô thị",
    "Cấp thoát nước",
    "In",
    "Sách và Thiết bị trường học",
    "Vật liệu xây dựng",
    "Giấy",
    "Bao bì",
    "Thực phẩm",
    "Giống cây trồng",
    "Khai thác công trình thủy lợi",
)
_COMPANY_BRANDS = ("Kinh Bắc", "Quan Họ", "Tiên Sơn", "Sông Cầu", "Thiên Đức")
_MILITARY = (
    ("Đảng bộ Cơ quan Bộ Chỉ huy Quân sự tỉnh", "military"),
    ("Đảng bộ Trung đoàn Bộ binh", "military"),
    ("Đảng bộ Tiểu đoàn Huấn luyện - Cơ động", "military"),
    ("Đảng bộ Trường Quân sự tỉnh", "military"),
    ("Đảng bộ Phòng Hậu cần - Kỹ thuật", "military"),
    ("Đảng bộ Phòng Tham mưu", "military"),
    ("Đảng bộ Phòng Chính trị", "military"),
    ("Chi bộ Đại đội Công binh", ""),
    ("Chi bộ Đại đội Thông tin", ""),
    ("Chi bộ Đại đội Trinh sát", ""),
    ("Chi bộ Đại đội Phòng hóa", ""),
    ("Chi bộ Kho Kỹ thuật", ""),
    ("Chi bộ Đại đội Pháo phòng không", ""),
    ("Chi bộ Ban Tài chính", ""),
    ("Chi bộ Ban Kinh tế", ""),
    ("Chi bộ Đội Quy tập", ""),
)
_POLICE_UNITS = (
    "Phòng An ninh chính trị nội bộ",
    "Phòng An ninh kinh tế",
    "Phòng An ninh mạng",
    "Phòng An ninh điều tra",
    "Phòng An ninh đối ngoại",
    "Phòng Cảnh sát hình sự",
    "Phòng Cảnh sát kinh tế",
    "Phòng Cảnh sát giao thông",
    "Phòng Cảnh sát điều tra tội phạm về ma túy",
    "Phòng Cảnh sát điều tra tội phạm về trật tự xã hội",
    "Phòng Cảnh sát quản lý hành chính về trật tự xã hội",
    "Phòng Cảnh sát cơ động",
    "Phòng Cảnh sát môi trường",
    "Phòng Cảnh sát thi hành án hình sự",
    "Phòng Kỹ thuật hình sự",
    "Phòng Hồ sơ",
    "Phòng Tham mưu",
    "Phòng Tổ chức cán bộ",
    "Phòng Công tác Đảng và công tác chính trị",
    "Phòng Hậu cần",
    "Phòng Quản lý xuất nhập cảnh",
    "Phòng Pháp chế",
    "Thanh tra Công an tỉnh",
    "Trại tạm giam",
    "Phòng Cảnh sát truy nã tội phạm",
    "Phòng Cảnh sát bảo vệ",
)


def provincial_bodies() -> list[tuple[str, list[Unit]]]:
    """The four 2019 provincial bodies (đảng bộ cấp huyện và tương đương) with their units."""
    khoi_cq = [
        Unit(f"{'Đảng bộ' if style else 'Chi bộ'} {name}", CQ, BODY_PARTY, style, agency=True)
        for name, style in _PARTY_AGENCIES
    ] + [
        Unit(
            f"{'Đảng bộ' if style else 'Chi bộ'} {name}",
            SN if name.startswith(("Bệnh viện", "Trường", "Trung tâm")) else CQ,
            BODY_GOVERNMENT,
            style,
            agency=True,
        )
        for name, style in _STATE_AGENCIES
    ]
    khoi_dn = []
    for index, sector in enumerate(_COMPANY_SECTORS):
        for brand_index, brand in enumerate(_COMPANY_BRANDS[: 4 if index % 4 else 5]):
            style = "enterprise" if (index + brand_index) % 6 == 0 else ""
            prefix = "Đảng bộ" if style else "Chi bộ"
            khoi_dn.append(
                Unit(f"{prefix} Công ty CP {sector} {brand}", DN, BODY_GOVERNMENT, style)
            )
    military = [
        Unit(name, LL, BODY_MILITARY, style, agency=style != "") for name, style in _MILITARY
    ] + [
        Unit(f"Chi bộ Ban Chỉ huy Quân sự {d.word} {d.place}", LL, BODY_MILITARY) for d in DISTRICTS
    ]
    police = (
        [Unit(f"Đảng bộ Công an {d.word} {d.place}", LL, BODY_POLICE, "police") for d in DISTRICTS]
        + [Unit("Đảng bộ Phòng Cảnh sát PCCC và CNCH", LL, BODY_POLICE, "police", agency=True)]
        + [
            Unit(f"Chi bộ {name}", LL, BODY_POLICE, agency=index < 4)
            for index, name in enumerate(_POLICE_UNITS)
        ]
    )
    return [
        ("Đảng bộ Khối các cơ quan tỉnh", khoi_cq),
        ("Đảng bộ Khối doanh nghiệp tỉnh", khoi_dn),
        ("Đảng bộ Quân sự tỉnh", military),
        ("Đảng bộ Công an tỉnh", police),
    ]


# Where each 2019 provincial body is merged on 1/7/2025.
BODY_MERGED_INTO = {
    "Đảng bộ Khối các cơ quan tỉnh": BODY_PARTY,
    "Đảng bộ Khối doanh nghiệp tỉnh": BODY_GOVERNMENT,
    "Đảng bộ Quân sự tỉnh": BODY_MILITARY,
    "Đảng bộ Công an tỉnh": BODY_POLICE,
}
# khóa of the 2015–2020 congresses of the provincial bodies (illustrative).
BODY_TERM_NAMES = {
    "Đảng bộ Khối các cơ quan tỉnh": "V",
    "Đảng bộ Khối doanh nghiệp tỉnh": "V",
    "Đảng bộ Quân sự tỉnh": "XV",
    "Đảng bộ Công an tỉnh": "XV",
}

# Commune-level cells besides the residential ones: (name prefix, unit type, member weight).
COMMUNE_CELLS = (
    ("Chi bộ Cơ quan", CQ, 20),
    ("Chi bộ Trường Mầm non", SN, 8),
    ("Chi bộ Trường Tiểu học", SN, 10),
    ("Chi bộ Trường THCS", SN, 11),
    ("Chi bộ Trạm Y tế", SN, 4),
    ("Chi bộ Quân sự", LL, 6),
    ("Chi bộ Công an", LL, 7),
)

# Village-name syllables (combined at random, unique within a district).
VILLAGE_FIRST = (
    "Đông",
    "Đoài",
    "Thượng",
    "Hạ",
    "Trung",
    "Nam",
    "Bắc",
    "Tiền",
    "Hậu",
    "Phú",
    "Yên",
    "An",
    "Lạc",
    "Xuân",
    "Thọ",
    "Mỹ",
    "Hòa",
    "Ninh",
    "Tân",
    "Cổ",
    "Đại",
    "Vân",
    "Kim",
    "Ngọc",
    "Quế",
    "Thái",
    "Phù",
    "Hoài",
    "Lũng",
    "Khánh",
)
VILLAGE_SECOND = (
    "Xá",
    "Lộc",
    "Mai",
    "Sơn",
    "Đình",
    "Bảo",
    "Lâm",
    "Khê",
    "Hương",
    "Cầu",
    "Trì",
    "Vĩ",
    "Nội",
    "Ngoại",
    "Vạn",
    "Chàng",
    "Mão",
    "Liễu",
    "Giang",
    "Đồng",
    "Thôn",
    "Tháp",
    "Miếu",
    "Dương",
    "Phong",
    "Lương",
    "Quan",
    "Trạch",
    "Yên",
    "Ổ",
)

# Notes for dated flags on communes (rotation priority, seed fact 7).
FLAG_NOTES = {
    "kho_khan": "Địa bàn khó khăn: kinh tế chậm phát triển, thiếu cán bộ chủ chốt (dữ liệu mẫu).",
    "phuc_tap": "Tình hình phức tạp: khiếu kiện về đất đai kéo dài (dữ liệu mẫu).",
}
