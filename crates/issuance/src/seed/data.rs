//! Word lists for synthetic citizens. Common Vietnamese name parts, the 63 province codes of
//! Circular 07/2016/TT-BCA (vietnam-cccd.md §3), ethnic groups and religions as printed on cards.
//! Combinations are random: no real person is described.

/// (weight, family name). Weights roughly follow how common the names are.
pub(crate) const FAMILY: &[(u32, &str)] = &[
    (38, "Nguyễn"),
    (11, "Trần"),
    (9, "Lê"),
    (7, "Phạm"),
    (5, "Hoàng"),
    (5, "Huỳnh"),
    (4, "Phan"),
    (4, "Vũ"),
    (4, "Võ"),
    (3, "Đặng"),
    (3, "Bùi"),
    (3, "Đỗ"),
    (2, "Hồ"),
    (2, "Ngô"),
    (2, "Dương"),
    (1, "Lý"),
    (1, "Trịnh"),
    (1, "Đinh"),
    (1, "Lâm"),
    (1, "Mai"),
    (1, "Tô"),
    (1, "Lương"),
    (1, "Hà"),
    (1, "Quách"),
];

pub(crate) const MIDDLE_MALE: &[&str] = &[
    "Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công", "Xuân", "Gia", "Tiến", "Quang", "Hoàng",
    "Ngọc", "Trọng", "Thành",
];

pub(crate) const MIDDLE_FEMALE: &[&str] = &[
    "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Bảo", "Mai", "Diệu", "Hồng", "Phương", "Thùy", "Khánh",
    "Minh", "Như",
];

pub(crate) const GIVEN_MALE: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Hùng", "Khánh", "Long", "Minh", "Nam", "Phúc", "Quang", "Sơn",
    "Thắng", "Tuấn", "Việt", "Huy", "Đạt", "Hiếu", "Trung", "Lộc", "Khoa", "Thịnh", "Tùng", "Vinh",
    "Hải", "Đông", "Nghĩa", "Phong", "Tài", "Kiên",
];

pub(crate) const GIVEN_FEMALE: &[&str] = &[
    "Anh", "Châu", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngọc",
    "Nhung", "Phương", "Quyên", "Thảo", "Trang", "Uyên", "Yến", "Vy", "Hằng", "Loan", "Trâm",
    "Oanh", "Thủy", "Xuân", "Huyền", "Nga", "Tuyết", "Diệp",
];

/// (code, province name). Cities under central authority carry "Thành phố" on cards.
pub(crate) const PROVINCES: &[(&str, &str)] = &[
    ("001", "Thành phố Hà Nội"),
    ("002", "Tỉnh Hà Giang"),
    ("004", "Tỉnh Cao Bằng"),
    ("006", "Tỉnh Bắc Kạn"),
    ("008", "Tỉnh Tuyên Quang"),
    ("010", "Tỉnh Lào Cai"),
    ("011", "Tỉnh Điện Biên"),
    ("012", "Tỉnh Lai Châu"),
    ("014", "Tỉnh Sơn La"),
    ("015", "Tỉnh Yên Bái"),
    ("017", "Tỉnh Hòa Bình"),
    ("019", "Tỉnh Thái Nguyên"),
    ("020", "Tỉnh Lạng Sơn"),
    ("022", "Tỉnh Quảng Ninh"),
    ("024", "Tỉnh Bắc Giang"),
    ("025", "Tỉnh Phú Thọ"),
    ("026", "Tỉnh Vĩnh Phúc"),
    ("027", "Tỉnh Bắc Ninh"),
    ("030", "Tỉnh Hải Dương"),
    ("031", "Thành phố Hải Phòng"),
    ("033", "Tỉnh Hưng Yên"),
    ("034", "Tỉnh Thái Bình"),
    ("035", "Tỉnh Hà Nam"),
    ("036", "Tỉnh Nam Định"),
    ("037", "Tỉnh Ninh Bình"),
    ("038", "Tỉnh Thanh Hóa"),
    ("040", "Tỉnh Nghệ An"),
    ("042", "Tỉnh Hà Tĩnh"),
    ("044", "Tỉnh Quảng Bình"),
    ("045", "Tỉnh Quảng Trị"),
    ("046", "Tỉnh Thừa Thiên Huế"),
    ("048", "Thành phố Đà Nẵng"),
    ("049", "Tỉnh Quảng Nam"),
    ("051", "Tỉnh Quảng Ngãi"),
    ("052", "Tỉnh Bình Định"),
    ("054", "Tỉnh Phú Yên"),
    ("056", "Tỉnh Khánh Hòa"),
    ("058", "Tỉnh Ninh Thuận"),
    ("060", "Tỉnh Bình Thuận"),
    ("062", "Tỉnh Kon Tum"),
    ("064", "Tỉnh Gia Lai"),
    ("066", "Tỉnh Đắk Lắk"),
    ("067", "Tỉnh Đắk Nông"),
    ("068", "Tỉnh Lâm Đồng"),
    ("070", "Tỉnh Bình Phước"),
    ("072", "Tỉnh Tây Ninh"),
    ("074", "Tỉnh Bình Dương"),
    ("075", "Tỉnh Đồng Nai"),
    ("077", "Tỉnh Bà Rịa - Vũng Tàu"),
    ("079", "Thành phố Hồ Chí Minh"),
    ("080", "Tỉnh Long An"),
    ("082", "Tỉnh Tiền Giang"),
    ("083", "Tỉnh Bến Tre"),
    ("084", "Tỉnh Trà Vinh"),
    ("086", "Tỉnh Vĩnh Long"),
    ("087", "Tỉnh Đồng Tháp"),
    ("089", "Tỉnh An Giang"),
    ("091", "Tỉnh Kiên Giang"),
    ("092", "Thành phố Cần Thơ"),
    ("093", "Tỉnh Hậu Giang"),
    ("094", "Tỉnh Sóc Trăng"),
    ("095", "Tỉnh Bạc Liêu"),
    ("096", "Tỉnh Cà Mau"),
];

/// District-level unit names; combined freely with any province (synthetic addresses).
pub(crate) const DISTRICTS: &[&str] = &[
    "Huyện Đông Anh",
    "Huyện Tiên Du",
    "Huyện Hòa Vang",
    "Huyện Châu Thành",
    "Huyện Phú Lộc",
    "Huyện Yên Lạc",
    "Huyện Cẩm Giàng",
    "Thị xã Sơn Tây",
    "Quận Ninh Kiều",
    "Quận Hải Châu",
    "Quận Ba Đình",
    "Quận 3",
    "Thành phố Thủ Đức",
    "Huyện Mỹ Tú",
    "Huyện Krông Pắc",
];

pub(crate) const COMMUNES: &[&str] = &[
    "Xã Tân Lập",
    "Xã An Bình",
    "Xã Hòa Phú",
    "Xã Phước Thạnh",
    "Xã Đại Đồng",
    "Xã Nghĩa Trung",
    "Phường Bến Nghé",
    "Phường Võ Thị Sáu",
    "Phường Cống Vị",
    "Phường An Hải Bắc",
    "Phường Xuân Khánh",
    "Phường 5",
    "Thị trấn Đông Anh",
    "Xã Thạnh Lợi",
    "Xã Ea Phê",
];

pub(crate) const STREETS: &[&str] = &[
    "Lê Lợi",
    "Trần Hưng Đạo",
    "Nguyễn Trãi",
    "Hai Bà Trưng",
    "Lý Thường Kiệt",
    "Điện Biên Phủ",
    "Phan Đình Phùng",
    "Nguyễn Huệ",
    "Quang Trung",
    "Bạch Đằng",
];

pub(crate) const HAMLETS: &[&str] = &[
    "Thôn Đông",
    "Thôn Hạ",
    "Ấp Bình Hòa",
    "Ấp 3",
    "Xóm Mới",
    "Bản Na Hang",
    "Tổ 7",
    "Khu phố 2",
];

/// (weight, ethnic group).
pub(crate) const ETHNICITIES: &[(u32, &str)] = &[
    (85, "Kinh"),
    (2, "Tày"),
    (2, "Thái"),
    (2, "Mường"),
    (2, "Khmer"),
    (1, "Hoa"),
    (1, "Nùng"),
    (1, "H'Mông"),
    (1, "Dao"),
    (1, "Gia Rai"),
    (1, "Ê Đê"),
    (1, "Chăm"),
];

/// (weight, religion). "Không" is what a card shows for none.
pub(crate) const RELIGIONS: &[(u32, &str)] = &[
    (80, "Không"),
    (8, "Phật giáo"),
    (7, "Công giáo"),
    (2, "Cao Đài"),
    (1, "Tin Lành"),
    (2, "Phật giáo Hòa Hảo"),
];

/// Identifying features in the phrasing cards use (C: = cách, distance from a landmark).
pub(crate) const FEATURES: &[&str] = &[
    "Nốt ruồi C:2cm dưới sau mép phải",
    "Nốt ruồi C:1cm trên trước đầu mày trái",
    "Sẹo chấm C:3cm dưới sau cánh mũi trái",
    "Sẹo chấm C:1,5cm trên đuôi mắt phải",
    "Nốt ruồi C:2,5cm trên sau cánh mũi phải",
    "Sẹo dài 2cm dưới cằm",
    "Nốt ruồi C:1cm dưới trước dái tai trái",
];
