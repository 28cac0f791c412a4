//! The records the first device writes before its first sync: an outreach
//! worker's clients, contacts and referrals, with realistic Vietnamese values
//! from a deterministic generator (SplitMix64), so every run writes the same.

use chrono::{Duration, NaiveDate, Utc};
use fieldbook_core::store::{Store, WriteOptions};
use fieldbook_core::RecordKind;
use serde_json::{json, Map, Value};

use crate::Res;

/// How many records of each kind were written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// Client records.
    pub clients: usize,
    /// Outreach contacts.
    pub contacts: usize,
    /// Referrals.
    pub referrals: usize,
}

impl Written {
    /// Records of every kind.
    pub fn total(&self) -> usize {
        self.clients + self.contacts + self.referrals
    }
}

/// Writes `n` records into `store` with `add_many`, `batch` at a time: 30%
/// clients, 50% contacts, 20% referrals. Contacts and referrals link to
/// clients of earlier batches, so the first batch registers clients only.
pub fn write(store: &mut Store, n: usize, batch: usize, seed: u64) -> Res<Written> {
    let mut rng = Rng(seed);
    let today = Utc::now().date_naive();
    let options = WriteOptions {
        // Generated parents' names collide as real ones do.
        allow_duplicate_uic: true,
        ..Default::default()
    };
    let batch = batch.max(1);
    let mut written = Written::default();
    let mut client_ids: Vec<String> = Vec::new();
    while written.total() < n {
        let size = batch.min(n - written.total());
        let mut items = Vec::with_capacity(size);
        for _ in 0..size {
            let roll = rng.below(10);
            let kind = if client_ids.is_empty() || roll < 3 {
                RecordKind::Client
            } else if roll < 8 {
                RecordKind::Contact
            } else {
                RecordKind::Referral
            };
            let fields = match kind {
                RecordKind::Client => client(&mut rng, today),
                RecordKind::Contact => contact(&mut rng, today, &client_ids),
                _ => referral(&mut rng, today, &client_ids),
            };
            items.push((kind, fields));
        }
        let ids = store.add_many(&items, options)?;
        for ((kind, _), id) in items.iter().zip(ids) {
            match kind {
                RecordKind::Client => {
                    written.clients += 1;
                    client_ids.push(id.to_string());
                }
                RecordKind::Contact => written.contacts += 1,
                _ => written.referrals += 1,
            }
        }
    }
    Ok(written)
}

/// SplitMix64: small, fast, and the same sequence on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    /// `k` distinct items (fewer if the list is shorter).
    fn some<'a>(&mut self, items: &[&'a str], k: usize) -> Vec<&'a str> {
        let mut chosen = Vec::new();
        while chosen.len() < k.min(items.len()) {
            let item = self.pick(items);
            if !chosen.contains(&item) {
                chosen.push(item);
            }
        }
        chosen
    }
    fn day(&mut self, today: NaiveDate, max_days_ago: i64) -> NaiveDate {
        today - Duration::days(self.range(0, max_days_ago))
    }
}

const MALE: &[&str] = &[
    "Tuấn", "Hùng", "Dũng", "Minh", "Nam", "Long", "Sơn", "Thắng", "Đức", "Bình", "Hải", "Quân",
    "Cường", "Tùng", "Việt", "Khánh", "Phúc", "Lộc", "Tài", "Hiếu", "Trung", "Kiên", "Huy",
];
const FEMALE: &[&str] = &[
    "Hoa", "Lan", "Hương", "Thảo", "Ngọc", "Trang", "Linh", "Hạnh", "Mai", "Yến", "Tâm", "Nga",
    "Huyền", "Thu", "Hà", "Vân", "Phương", "Dung", "Loan", "Nhung",
];
const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý",
];
const NICKNAMES: &[&str] = &[
    "", "", "", "Béo", "Gầy", "Xe Ôm", "Cầu", "Chợ", "Lùn", "Đen", "Sẹo", "Bến Xe", "Còi", "Ga",
];
const PREFIXES: &[&str] = &["", "", "Anh ", "Chị ", "Em ", "Cu ", "Bác "];
const AREAS: &[&str] = &[
    "Chợ Long Biên",
    "Gầm cầu Chương Dương",
    "Bãi giữa sông Hồng",
    "Bến xe Giáp Bát",
    "Ga Hà Nội",
    "Khu tập thể Kim Liên",
    "Phường Hoàng Liệt, Hoàng Mai",
    "Phường Yên Sở, Hoàng Mai",
    "Chợ Đồng Xuân",
    "Khu nhà trọ Định Công",
    "Ngõ chợ Khâm Thiên",
    "Phường 6, Quận 8",
    "Cầu Chữ Y, Quận 8",
    "Phường Hồng Hải, Hạ Long",
    "Phường Cẩm Thành, Cẩm Phả",
    "Phường Lê Chân, Hải Phòng",
];
const SUBSTANCES: &[&str] = &[
    "heroin",
    "methamphetamine",
    "opium",
    "cannabis",
    "alcohol",
    "tramadol",
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
const NOTES: &[&str] = &[
    "Khách hàng đến điểm hẹn đúng giờ, tinh thần tốt hơn lần trước.",
    "Đã tư vấn về tiêm chích an toàn và cách xử trí quá liều.",
    "Khách hàng cho biết đang tìm việc làm ở công trường gần nhà.",
    "Đã phát bơm kim tiêm, bao cao su và tờ rơi về điều trị Methadone.",
    "Khách hàng muốn đăng ký điều trị Methadone tại cơ sở gần nhất.",
    "Ngủ kém, hay lo âu; đã giới thiệu gặp tư vấn viên tâm lý.",
    "Đã làm xét nghiệm HIV tự thực hiện, kết quả âm tính.",
    "Khách hàng bỏ lỡ buổi hẹn tuần trước vì phải đi làm xa.",
    "Khách hàng cần hỗ trợ làm lại căn cước công dân để đăng ký điều trị.",
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
const FACILITIES: &[&str] = &[
    "Cơ sở điều trị Methadone Đống Đa",
    "Cơ sở điều trị Methadone Hoàng Mai",
    "Trung tâm Y tế quận Long Biên",
    "Phòng khám ngoại trú HIV Bệnh viện Đống Đa",
    "Bệnh viện Phổi Hà Nội",
    "Trung tâm Pháp luật cộng đồng",
    "Trường Trung cấp nghề Long Biên",
];

fn person(rng: &mut Rng, female: bool) -> String {
    let (middle, given) = if female {
        ("Thị", rng.pick(FEMALE))
    } else {
        ("Văn", rng.pick(MALE))
    };
    format!("{} {middle} {given}", rng.pick(FAMILY))
}

fn client(rng: &mut Rng, today: NaiveDate) -> Map<String, Value> {
    let female = rng.chance(18);
    let given = rng.pick(if female { FEMALE } else { MALE });
    let alias = format!("{}{given} {}", rng.pick(PREFIXES), rng.pick(NICKNAMES));
    let mut m = Map::new();
    m.insert("alias".into(), json!(alias.trim()));
    m.insert("uic_mother_name".into(), json!(person(rng, true)));
    m.insert("uic_father_name".into(), json!(person(rng, false)));
    m.insert("sex".into(), json!(if female { "female" } else { "male" }));
    m.insert("birth_year".into(), json!(rng.range(1965, 2006)));
    if rng.chance(30) {
        let phone = format!(
            "09{} {:03} {:03}",
            rng.below(10),
            rng.below(1000),
            rng.below(1000)
        );
        m.insert("phone".into(), json!(phone));
    }
    let k = 1 + rng.below(2);
    m.insert("primary_substances".into(), json!(rng.some(SUBSTANCES, k)));
    m.insert("injecting".into(), json!(rng.chance(55)));
    m.insert("area".into(), json!(rng.pick(AREAS)));
    m.insert(
        "consent_date".into(),
        json!(rng.day(today, 700).to_string()),
    );
    m.insert(
        "consent_scope".into(),
        json!(["record_keeping", "referral", "follow_up_contact"]),
    );
    m.insert("status".into(), json!("active"));
    if rng.chance(30) {
        m.insert("notes".into(), json!(rng.pick(NOTES)));
    }
    m
}

fn contact(rng: &mut Rng, today: NaiveDate, clients: &[String]) -> Map<String, Value> {
    let mut m = Map::new();
    let at = format!(
        "{}T{:02}:{:02}:00Z",
        rng.day(today, 700),
        rng.range(1, 14),
        rng.below(60)
    );
    m.insert("at".into(), json!(at));
    if rng.chance(85) {
        m.insert("client_id".into(), json!(clients[rng.below(clients.len())]));
    }
    m.insert("place".into(), json!(rng.pick(AREAS)));
    let visit = if rng.chance(20) { "first" } else { "follow_up" };
    m.insert("visit_type".into(), json!(visit));
    m.insert("mode".into(), json!("individual"));
    let mut services = Map::new();
    if rng.chance(70) {
        services.insert("syringes".into(), json!(rng.range(5, 30)));
    }
    if rng.chance(60) {
        services.insert("condoms".into(), json!(rng.range(2, 20)));
    }
    if rng.chance(10) {
        services.insert("naloxone".into(), json!(rng.range(1, 2)));
    }
    if !services.is_empty() {
        m.insert("services".into(), Value::Object(services));
    }
    let k = 1 + rng.below(3);
    m.insert("topics".into(), json!(rng.some(TOPICS, k)));
    if rng.chance(50) {
        m.insert("notes".into(), json!(rng.pick(NOTES)));
    }
    m
}

fn referral(rng: &mut Rng, today: NaiveDate, clients: &[String]) -> Map<String, Value> {
    let mut m = Map::new();
    let date = rng.day(today, 700);
    m.insert("client_id".into(), json!(clients[rng.below(clients.len())]));
    m.insert("service".into(), json!(rng.pick(SERVICES)));
    m.insert("facility".into(), json!(rng.pick(FACILITIES)));
    let urgency = rng.pick(&["routine", "routine", "routine", "urgent", "emergency"]);
    m.insert("urgency".into(), json!(urgency));
    let status = rng.pick(&["draft", "sent", "sent", "accepted", "completed", "lost"]);
    m.insert("status".into(), json!(status));
    m.insert("date".into(), json!(date.to_string()));
    let due = date + Duration::days(rng.range(7, 30));
    m.insert("follow_up_due".into(), json!(due.to_string()));
    if status == "completed" {
        let done = (date + Duration::days(rng.range(1, 40))).min(today);
        m.insert("completed_date".into(), json!(done.to_string()));
        m.insert("outcome".into(), json!(rng.pick(NOTES)));
    }
    if rng.chance(30) {
        m.insert("notes".into(), json!(rng.pick(NOTES)));
    }
    m
}
