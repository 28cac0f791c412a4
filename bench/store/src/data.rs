//! The workload: a deterministic mix of records a team builds up in the
//! field, with realistic Vietnamese values. Links to clients are kept as
//! client ordinals (the n-th client registered) and turned into each store's
//! own record ids when a batch is written.

use chrono::{Duration, NaiveDate};
use fieldbook_core::RecordKind;
use serde_json::{json, Map, Value};

/// SplitMix64: small, fast, and the same sequence on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    pub fn range(&mut self, lo: i64, hi_inclusive: i64) -> i64 {
        lo + (self.next_u64() % (hi_inclusive - lo + 1) as u64) as i64
    }
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    /// `k` distinct items, in list order.
    pub fn some<'a>(&mut self, items: &[&'a str], k: usize) -> Vec<&'a str> {
        let mut chosen: Vec<usize> = Vec::new();
        while chosen.len() < k.min(items.len()) {
            let i = self.below(items.len());
            if !chosen.contains(&i) {
                chosen.push(i);
            }
        }
        chosen.sort();
        chosen.into_iter().map(|i| items[i]).collect()
    }
}

/// One record to write: its kind, its form values, and its links by client ordinal.
pub struct Item {
    pub kind: RecordKind,
    pub fields: Map<String, Value>,
    /// `client_id`, by ordinal.
    pub client: Option<usize>,
    /// A meeting's `attendee_ids`, by ordinal.
    pub attendees: Vec<usize>,
}

impl Item {
    /// The form input, with the links written as `ids[ordinal]`.
    pub fn input(&self, ids: &[String]) -> Map<String, Value> {
        let mut m = self.fields.clone();
        if let Some(c) = self.client {
            m.insert("client_id".into(), Value::String(ids[c].clone()));
        }
        if !self.attendees.is_empty() {
            m.insert(
                "attendee_ids".into(),
                Value::Array(
                    self.attendees
                        .iter()
                        .map(|&c| Value::String(ids[c].clone()))
                        .collect(),
                ),
            );
        }
        m
    }
}

/// Shares of each kind, in percent: clients, contacts, case notes, referrals, meetings.
pub const MIX: [(RecordKind, u32); 5] = [
    (RecordKind::Client, 25),
    (RecordKind::Contact, 40),
    (RecordKind::CaseNote, 15),
    (RecordKind::Referral, 15),
    (RecordKind::Meeting, 5),
];

pub struct Workload {
    /// Batches as written: each a block of field work (clients registered
    /// first, then the contacts, notes, referrals and meetings of the block).
    pub batches: Vec<Vec<Item>>,
    pub clients: usize,
    pub counts: Vec<(RecordKind, usize)>,
}

impl Workload {
    pub fn total(&self) -> usize {
        self.batches.iter().map(Vec::len).sum()
    }
}

/// `n` records in the [`MIX`], in batches of `batch` records.
pub fn mixed(n: usize, batch: usize, today: NaiveDate, seed: u64) -> Workload {
    let mut rng = Rng::new(seed);
    let mut totals: Vec<(RecordKind, usize)> = MIX
        .iter()
        .map(|&(k, pct)| (k, n * pct as usize / 100))
        .collect();
    let assigned: usize = totals.iter().map(|t| t.1).sum();
    totals[1].1 += n - assigned; // rounding goes to contacts
                                 // The first batch registers clients only: a batch is written in one
                                 // transaction, and links are made to clients of earlier batches.
    let first = totals[0].1.min(batch);
    let mut batches = vec![(0..first)
        .map(|_| client(&mut rng, today))
        .collect::<Vec<_>>()];
    let mut clients = first;
    let rest: Vec<(RecordKind, usize)> = totals
        .iter()
        .map(|&(k, t)| {
            (
                k,
                if k == RecordKind::Client {
                    t - first
                } else {
                    t
                },
            )
        })
        .collect();
    let blocks = (n - first).div_ceil(batch).max(1);
    for b in 0..blocks {
        let share = |total: usize| total * (b + 1) / blocks - total * b / blocks;
        let linkable = clients;
        let mut items = Vec::with_capacity(batch);
        for _ in 0..share(rest[0].1) {
            items.push(client(&mut rng, today));
            clients += 1;
        }
        let mut others = Vec::new();
        for &(kind, total) in &rest[1..] {
            for _ in 0..share(total) {
                others.push(kind);
            }
        }
        // Field work interleaves the kinds.
        for i in (1..others.len()).rev() {
            let j = rng.below(i + 1);
            others.swap(i, j);
        }
        for kind in others {
            items.push(match kind {
                RecordKind::Contact => contact(&mut rng, today, linkable),
                RecordKind::CaseNote => case_note(&mut rng, today, linkable),
                RecordKind::Referral => referral(&mut rng, today, linkable),
                _ => meeting(&mut rng, today, linkable),
            });
        }
        if !items.is_empty() {
            batches.push(items);
        }
    }
    Workload {
        batches,
        clients,
        counts: totals,
    }
}

/// `n` clients only, in batches of `batch`.
pub fn clients_only(n: usize, batch: usize, today: NaiveDate, seed: u64) -> Workload {
    let mut rng = Rng::new(seed);
    let mut batches = Vec::new();
    let mut left = n;
    while left > 0 {
        let k = left.min(batch);
        batches.push((0..k).map(|_| client(&mut rng, today)).collect());
        left -= k;
    }
    Workload {
        batches,
        clients: n,
        counts: vec![(RecordKind::Client, n)],
    }
}

const MALE_NAMES: &[&str] = &[
    "Tuấn", "Hùng", "Dũng", "Minh", "Nam", "Long", "Sơn", "Thắng", "Đức", "Bình", "Hải", "Quân",
    "Cường", "Tùng", "Việt", "Khánh", "Phúc", "Lộc", "Tài", "Toàn", "Thành", "Hiếu", "Trung",
    "Kiên", "Huy", "Quang", "Vinh", "Hoàng", "Đạt", "Phong", "Khoa", "Thịnh", "Tiến", "Hưng",
];
const FEMALE_NAMES: &[&str] = &[
    "Hoa", "Lan", "Hương", "Thảo", "Ngọc", "Trang", "Linh", "Hạnh", "Mai", "Yến", "Tâm", "Nga",
    "Huyền", "Thu", "Hà", "Vân", "Phương", "Dung", "Loan", "Nhung", "Oanh", "Quỳnh", "Xuân",
];
const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý",
];
const NICKNAMES: &[&str] = &[
    "",
    "",
    "",
    "Béo",
    "Gầy",
    "Xe Ôm",
    "Cầu",
    "Chợ",
    "Lùn",
    "Đen",
    "Sẹo",
    "Tóc Dài",
    "Bến Xe",
    "Hói",
    "Còi",
    "Điếc",
    "Ga",
    "Bãi Giữa",
];
const PREFIXES: &[&str] = &["", "", "", "Anh ", "Chị ", "Em ", "Cu ", "Bác "];
pub const AREAS: &[&str] = &[
    "Chợ Long Biên",
    "Gầm cầu Chương Dương",
    "Bãi giữa sông Hồng",
    "Bến xe Giáp Bát",
    "Bến xe Nước Ngầm",
    "Ga Hà Nội",
    "Phường Phúc Xá, Ba Đình",
    "Phường Phúc Tân, Hoàn Kiếm",
    "Ngõ Văn Chương, Đống Đa",
    "Khu tập thể Kim Liên",
    "Phường Hoàng Liệt, Hoàng Mai",
    "Xã Tân Lập, Đan Phượng",
    "Phường Yên Sở, Hoàng Mai",
    "Chợ Đồng Xuân",
    "Công viên Thống Nhất",
    "Cầu Thăng Long",
    "Phường Thịnh Liệt, Hoàng Mai",
    "Xã Đông Hội, Đông Anh",
    "Phường Lĩnh Nam, Hoàng Mai",
    "Khu nhà trọ Định Công",
    "Phường Quỳnh Lôi, Hai Bà Trưng",
    "Ngõ chợ Khâm Thiên",
    "Bờ hồ Yên Sở",
    "Phường Mai Dịch, Cầu Giấy",
    "Thị trấn Văn Điển, Thanh Trì",
    "Phường Hải Châu, Đà Nẵng",
    "Chợ Bến Thành, Quận 1",
    "Phường 6, Quận 8",
    "Cầu Chữ Y, Quận 8",
    "Phường Thạnh Xuân, Quận 12",
    "Phường Hồng Hải, Hạ Long",
    "Phường Cẩm Thành, Cẩm Phả",
    "Xã Vạn Phúc, Thanh Trì",
    "Phường Trương Định, Hai Bà Trưng",
    "Phường Nghĩa Tân, Cầu Giấy",
    "Phường Ngọc Thụy, Long Biên",
    "Phường Bồ Đề, Long Biên",
    "Xã Mai Lâm, Đông Anh",
    "Khu công nghiệp Quang Minh",
    "Phường Kiến Hưng, Hà Đông",
];
const SUBSTANCES: &[&str] = &[
    "heroin",
    "methamphetamine",
    "opium",
    "cannabis",
    "alcohol",
    "tramadol",
    "sedatives",
];
const NOTE_SENTENCES: &[&str] = &[
    "Khách hàng đến điểm hẹn đúng giờ, tinh thần tốt hơn lần trước.",
    "Đã tư vấn về tiêm chích an toàn và cách xử trí quá liều.",
    "Khách hàng cho biết đang tìm việc làm ở công trường gần nhà.",
    "Gia đình bắt đầu hỗ trợ, mẹ đưa đi khám sức khoẻ định kỳ.",
    "Khách hàng lo lắng về việc bị công an kiểm tra giấy tờ.",
    "Đã phát bơm kim tiêm, bao cao su và tờ rơi về điều trị Methadone.",
    "Khách hàng muốn đăng ký điều trị Methadone tại cơ sở gần nhất.",
    "Ngủ kém, hay lo âu; đã giới thiệu gặp tư vấn viên tâm lý.",
    "Đã làm xét nghiệm HIV tự thực hiện, kết quả âm tính.",
    "Khách hàng bỏ lỡ buổi hẹn tuần trước vì phải đi làm xa.",
    "Client reports reduced use since starting methadone two weeks ago.",
    "Thảo luận kế hoạch giảm liều và các dấu hiệu cần đến cơ sở y tế ngay.",
    "Khách hàng có vết thương ở tay, đã hướng dẫn chăm sóc và hẹn khám.",
    "Vợ khách hàng tham gia buổi tư vấn gia đình, không khí cởi mở.",
    "Khách hàng cần hỗ trợ làm lại căn cước công dân để đăng ký điều trị.",
];
const DOMAIN_SENTENCES: &[&str] = &[
    "Sử dụng heroin khoảng hai lần mỗi ngày, đã giảm so với tháng trước.",
    "Sức khoẻ thể chất ổn định, còn ho kéo dài, cần khám lao.",
    "Tâm trạng thất thường, đôi khi mất ngủ, chưa có ý định tự hại.",
    "Đang làm phụ hồ theo ngày, thu nhập không ổn định.",
    "Quan hệ với gia đình đã cải thiện, em gái thường xuyên liên lạc.",
    "Đang chờ giải quyết một vụ việc hành chính, cần hỗ trợ pháp lý.",
    "Không tiêm chích trong hai tuần qua, sử dụng bơm kim tiêm sạch.",
    "Đã tham gia nhóm tự lực hai buổi, muốn làm tình nguyện viên.",
    "Cân nặng tăng nhẹ, ăn uống đều hơn từ khi ở cùng gia đình.",
    "Lo lắng về nợ nần, bạn bè cũ vẫn rủ rê sử dụng lại.",
];
const GOALS: &[&str] = &[
    "Duy trì điều trị Methadone đều đặn mỗi ngày.",
    "Tìm được việc làm ổn định trong ba tháng tới.",
    "Làm xét nghiệm HIV và viêm gan C trong tháng này.",
    "Giảm sử dụng rượu, không uống trước khi uống thuốc.",
    "Khôi phục liên lạc với con gái và tham gia buổi họp gia đình.",
    "Hoàn thành hồ sơ xin hỗ trợ học nghề.",
];
const FACILITIES: &[&str] = &[
    "Cơ sở điều trị Methadone Đống Đa",
    "Cơ sở điều trị Methadone Hoàng Mai",
    "Trung tâm Y tế quận Long Biên",
    "Phòng khám ngoại trú HIV Bệnh viện Đống Đa",
    "Bệnh viện Phổi Hà Nội",
    "Trung tâm Pháp luật cộng đồng",
    "Điểm tư vấn cộng đồng phường Yên Sở",
    "Trường Trung cấp nghề Long Biên",
    "Bệnh viện Tâm thần Hà Nội",
];
const SERVICES: &[&str] = &[
    "methadone",
    "buprenorphine",
    "community_treatment_site",
    "hiv_test",
    "art",
    "prep",
    "hepatitis",
    "tb",
    "mental_health",
    "social_support",
    "legal_support",
    "vocational_training",
];
const GROUPS: &[&str] = &[
    "Nhóm tự lực Bình Minh",
    "Nhóm Hướng Dương",
    "Nhóm đồng đẳng Sông Hồng",
    "Nhóm Vòng Tay Bè Bạn",
    "Nhóm Hy Vọng Hoàng Mai",
    "Nhóm Ánh Sáng Long Biên",
];
const TOPICS: &[&str] = &[
    "safer_injecting",
    "overdose",
    "hiv_testing",
    "treatment_options",
    "methadone",
    "legal_rights",
    "family",
    "mental_health",
];

fn day(today: NaiveDate, rng: &mut Rng, max_days_ago: i64) -> NaiveDate {
    today - Duration::days(rng.range(0, max_days_ago))
}

fn sentences(rng: &mut Rng, from: &[&str], k: usize) -> String {
    (0..k)
        .map(|_| *rng.pick(from))
        .collect::<Vec<_>>()
        .join(" ")
}

fn person(rng: &mut Rng, female: bool) -> String {
    let given = if female {
        rng.pick(FEMALE_NAMES)
    } else {
        rng.pick(MALE_NAMES)
    };
    let middle = if female { "Thị" } else { "Văn" };
    format!("{} {} {}", rng.pick(FAMILY), middle, given)
}

pub fn client(rng: &mut Rng, today: NaiveDate) -> Item {
    let sex = match rng.below(100) {
        0..=79 => "male",
        80..=94 => "female",
        95..=97 => "transgender_female",
        _ => "other",
    };
    let given = if sex == "female" || sex == "transgender_female" {
        *rng.pick(FEMALE_NAMES)
    } else {
        *rng.pick(MALE_NAMES)
    };
    let alias = format!("{}{} {}", rng.pick(PREFIXES), given, rng.pick(NICKNAMES))
        .trim()
        .to_string();
    let mut m = Map::new();
    m.insert("alias".into(), json!(alias));
    m.insert("uic_mother_name".into(), json!(person(rng, true)));
    m.insert("uic_father_name".into(), json!(person(rng, false)));
    m.insert("sex".into(), json!(sex));
    m.insert("birth_year".into(), json!(rng.range(1965, 2006)));
    if rng.chance(0.4) {
        m.insert("real_name".into(), json!(person(rng, sex == "female")));
    }
    if rng.chance(0.3) {
        m.insert(
            "phone".into(),
            json!(format!(
                "09{} {:03} {:03}",
                rng.below(10),
                rng.below(1000),
                rng.below(1000)
            )),
        );
    }
    let k = 1 + rng.below(2);
    m.insert("primary_substances".into(), json!(rng.some(SUBSTANCES, k)));
    m.insert("injecting".into(), json!(rng.chance(0.55)));
    m.insert("area".into(), json!(rng.pick(AREAS)));
    m.insert(
        "consent_date".into(),
        json!(day(today, rng, 700).to_string()),
    );
    let mut scope = vec!["record_keeping", "referral"];
    if rng.chance(0.6) {
        scope.push("follow_up_contact");
    }
    m.insert("consent_scope".into(), json!(scope));
    let status = match rng.below(100) {
        0..=84 => "active",
        85..=91 => "inactive",
        92..=95 => "lost_to_follow_up",
        _ => "moved",
    };
    m.insert("status".into(), json!(status));
    if rng.chance(0.3) {
        m.insert("notes".into(), json!(sentences(rng, NOTE_SENTENCES, 1)));
    }
    Item {
        kind: RecordKind::Client,
        fields: m,
        client: None,
        attendees: Vec::new(),
    }
}

fn contact(rng: &mut Rng, today: NaiveDate, clients: usize) -> Item {
    let mut m = Map::new();
    let d = day(today, rng, 700);
    m.insert(
        "at".into(),
        json!(format!(
            "{}T{:02}:{:02}:00Z",
            d,
            rng.range(1, 14),
            rng.below(60)
        )),
    );
    m.insert("place".into(), json!(rng.pick(AREAS)));
    m.insert(
        "visit_type".into(),
        json!(if rng.chance(0.2) {
            "first"
        } else {
            "follow_up"
        }),
    );
    m.insert(
        "mode".into(),
        json!(if rng.chance(0.85) {
            "individual"
        } else {
            "group"
        }),
    );
    let mut services = Map::new();
    if rng.chance(0.7) {
        services.insert("syringes".into(), json!(rng.range(5, 30)));
    }
    if rng.chance(0.6) {
        services.insert("condoms".into(), json!(rng.range(2, 20)));
    }
    if rng.chance(0.1) {
        services.insert("naloxone".into(), json!(rng.range(1, 2)));
    }
    if rng.chance(0.3) {
        services.insert("leaflets".into(), json!(rng.range(1, 3)));
    }
    if rng.chance(0.05) {
        services.insert("hiv_self_test".into(), json!(1));
    }
    if !services.is_empty() {
        m.insert("services".into(), Value::Object(services));
    }
    let k = 1 + rng.below(3);
    m.insert("topics".into(), json!(rng.some(TOPICS, k)));
    if rng.chance(0.5) {
        let k = 1 + rng.below(2);
        m.insert("notes".into(), json!(sentences(rng, NOTE_SENTENCES, k)));
    }
    Item {
        kind: RecordKind::Contact,
        fields: m,
        client: rng.chance(0.85).then(|| rng.below(clients)),
        attendees: Vec::new(),
    }
}

fn case_note(rng: &mut Rng, today: NaiveDate, clients: usize) -> Item {
    let mut m = Map::new();
    let d = day(today, rng, 700);
    m.insert("date".into(), json!(d.to_string()));
    let k = 2 + rng.below(3);
    m.insert("narrative".into(), json!(sentences(rng, NOTE_SENTENCES, k)));
    for domain in [
        "drug_use",
        "physical_health",
        "mental_health",
        "employment",
        "family_social",
        "legal",
    ] {
        m.insert(
            format!("{domain}_rating"),
            json!((1 + rng.below(4)).to_string()),
        );
        let k = 1 + rng.below(2);
        m.insert(
            format!("{domain}_narrative"),
            json!(sentences(rng, DOMAIN_SENTENCES, k)),
        );
    }
    m.insert("goals".into(), json!(sentences(rng, GOALS, 2)));
    m.insert("plan".into(), json!(sentences(rng, GOALS, 1)));
    m.insert(
        "next_follow_up".into(),
        json!((d + Duration::days(rng.range(7, 60))).to_string()),
    );
    Item {
        kind: RecordKind::CaseNote,
        fields: m,
        client: Some(rng.below(clients)),
        attendees: Vec::new(),
    }
}

fn referral(rng: &mut Rng, today: NaiveDate, clients: usize) -> Item {
    let mut m = Map::new();
    let d = day(today, rng, 700);
    m.insert("service".into(), json!(rng.pick(SERVICES)));
    m.insert("facility".into(), json!(rng.pick(FACILITIES)));
    let urgency = match rng.below(10) {
        0..=6 => "routine",
        7..=8 => "urgent",
        _ => "emergency",
    };
    m.insert("urgency".into(), json!(urgency));
    let status = match rng.below(100) {
        0..=9 => "draft",
        10..=34 => "sent",
        35..=49 => "accepted",
        50..=79 => "completed",
        80..=86 => "declined",
        87..=95 => "lost",
        _ => "cancelled",
    };
    m.insert("status".into(), json!(status));
    m.insert("date".into(), json!(d.to_string()));
    m.insert(
        "follow_up_due".into(),
        json!((d + Duration::days(rng.range(7, 30))).to_string()),
    );
    if status == "completed" {
        let done = (d + Duration::days(rng.range(1, 40))).min(today.max(d));
        m.insert("completed_date".into(), json!(done.to_string()));
    }
    if ["completed", "declined", "lost", "cancelled"].contains(&status) {
        m.insert("outcome".into(), json!(sentences(rng, NOTE_SENTENCES, 1)));
    }
    if rng.chance(0.3) {
        m.insert("notes".into(), json!(sentences(rng, NOTE_SENTENCES, 1)));
    }
    Item {
        kind: RecordKind::Referral,
        fields: m,
        client: Some(rng.below(clients)),
        attendees: Vec::new(),
    }
}

fn meeting(rng: &mut Rng, today: NaiveDate, clients: usize) -> Item {
    let mut m = Map::new();
    let d = day(today, rng, 700);
    m.insert("group_name".into(), json!(rng.pick(GROUPS)));
    m.insert("date".into(), json!(d.to_string()));
    m.insert("place".into(), json!(rng.pick(AREAS)));
    let female = rng.chance(0.4);
    m.insert("facilitator".into(), json!(person(rng, female)));
    let total = rng.range(5, 25);
    m.insert("attendance_total".into(), json!(total));
    m.insert("attendance_women".into(), json!(rng.range(0, total / 2)));
    let k = 2 + rng.below(3);
    m.insert("topics".into(), json!(rng.some(TOPICS, k)));
    m.insert("decisions".into(), json!(sentences(rng, GOALS, 1)));
    if rng.chance(0.5) {
        m.insert(
            "follow_ups".into(),
            json!(sentences(rng, NOTE_SENTENCES, 1)),
        );
    }
    m.insert(
        "next_meeting".into(),
        json!((d + Duration::days(rng.range(7, 14))).to_string()),
    );
    let mut attendees: Vec<usize> = Vec::new();
    if clients > 0 {
        for _ in 0..rng.below(7) {
            let c = rng.below(clients);
            if !attendees.contains(&c) {
                attendees.push(c);
            }
        }
    }
    Item {
        kind: RecordKind::Meeting,
        fields: m,
        client: None,
        attendees,
    }
}
