//! What the simulated workers type: valid inputs for every kind of record,
//! new and edited, drawn from the schedule's generator. Names repeat on
//! purpose, so identifier codes collide and concurrent edits disagree.

use chrono::{Duration, NaiveDate};
use fieldbook_core::record::RecordKind;
use serde_json::{json, Map, Value};

use crate::rng::Rng;

const ALIASES: [&str; 8] = [
    "Hoa",
    "Tuấn Xe Ôm",
    "Chị Lan",
    "Minh",
    "Anh Hải",
    "Bé Na",
    "Cường",
    "Thảo",
];
const PARENTS: [&str; 4] = [
    "Nguyễn Thị Mai",
    "Trần Văn Hùng",
    "Lê Thị Hồng",
    "Phạm Văn Nam",
];
const AREAS: [&str; 4] = [
    "Chợ Long Biên",
    "Gầm cầu Chương Dương",
    "Phường 5",
    "Bến xe",
];
const NOTES: [&str; 5] = [
    "phát bơm kim tiêm",
    "hẹn gặp lại tuần sau",
    "đã tư vấn về methadone",
    "cần hỗ trợ pháp lý",
    "gia đình ủng hộ",
];
const SUBSTANCES: [&str; 4] = ["heroin", "methamphetamine", "cannabis", "alcohol"];
const SERVICES: [&str; 5] = ["methadone", "hiv_test", "art", "prep", "legal_support"];
const STATUSES: [&str; 4] = ["draft", "sent", "accepted", "declined"];
const TOPICS: [&str; 4] = ["overdose", "hiv_testing", "methadone", "peer_support"];

/// The fields of a new record of `kind`. Links (`client_id`) are added by
/// the simulation, which knows the records. Dates are days before `today`
/// (the world's), never later than any device's skewed today.
pub fn new_input(kind: RecordKind, rng: &mut Rng, today: NaiveDate) -> Map<String, Value> {
    let mut m = Map::new();
    match kind {
        RecordKind::Client => {
            m.insert("alias".into(), json!(rng.pick(&ALIASES)));
            if rng.chance(300) {
                // An identifier code: few parents and years, so codes collide.
                m.insert("uic_mother_name".into(), json!(rng.pick(&PARENTS)));
                m.insert("uic_father_name".into(), json!(rng.pick(&PARENTS)));
                m.insert("sex".into(), json!(rng.pick(&["male", "female"])));
                m.insert("birth_year".into(), json!(rng.between(1985, 1987)));
            } else if rng.chance(500) {
                m.insert("birth_year".into(), json!(rng.between(1960, 2005)));
            }
            if rng.chance(500) {
                m.insert("primary_substances".into(), json!([rng.pick(&SUBSTANCES)]));
                m.insert("injecting".into(), json!(rng.chance(500)));
            }
            if rng.chance(300) {
                m.insert("area".into(), json!(rng.pick(&AREAS)));
            }
        }
        RecordKind::Contact => {
            let at = today - Duration::days(rng.between(2, 60));
            m.insert(
                "at".into(),
                json!(format!("{}T{:02}:30:00+07:00", at, rng.between(7, 20))),
            );
            m.insert("place".into(), json!(rng.pick(&AREAS)));
            m.insert(
                "services".into(),
                json!({ "syringes": rng.between(1, 20), "condoms": rng.between(0, 10) }),
            );
            m.insert("notes".into(), json!(rng.pick(&NOTES)));
        }
        RecordKind::CaseNote => {
            let date = today - Duration::days(rng.between(2, 60));
            m.insert("date".into(), json!(date.to_string()));
            m.insert("narrative".into(), json!(rng.pick(&NOTES)));
            m.insert(
                "drug_use_rating".into(),
                json!(rng.between(1, 4).to_string()),
            );
            if rng.chance(500) {
                let next = date + Duration::days(rng.between(7, 30));
                m.insert("next_follow_up".into(), json!(next.to_string()));
            }
        }
        RecordKind::Referral => {
            m.insert("service".into(), json!(rng.pick(&SERVICES)));
            m.insert("status".into(), json!(rng.pick(&STATUSES)));
            let date = today - Duration::days(rng.between(2, 60));
            m.insert("date".into(), json!(date.to_string()));
            m.insert("facility".into(), json!("Cơ sở điều trị Methadone quận 1"));
        }
        RecordKind::Meeting => {
            m.insert("group_name".into(), json!("Nhóm tự lực Hy Vọng"));
            let date = today - Duration::days(rng.between(2, 60));
            m.insert("date".into(), json!(date.to_string()));
            let total = rng.between(3, 30);
            m.insert("attendance_total".into(), json!(total));
            m.insert("attendance_women".into(), json!(rng.between(0, total)));
            m.insert("topics".into(), json!([rng.pick(&TOPICS)]));
        }
    }
    m
}

/// Changes to an existing record of `kind`: one to three fields, sometimes
/// an optional field cleared (`null`).
pub fn edit_input(kind: RecordKind, rng: &mut Rng) -> Map<String, Value> {
    let mut m = Map::new();
    let edits = rng.between(1, 3);
    for _ in 0..edits {
        let (key, value) = match kind {
            RecordKind::Client => match rng.below(4) {
                0 => ("alias", json!(rng.pick(&ALIASES))),
                1 => ("notes", json!(rng.pick(&NOTES))),
                2 => (
                    "area",
                    if rng.chance(200) {
                        Value::Null
                    } else {
                        json!(rng.pick(&AREAS))
                    },
                ),
                _ => (
                    "status",
                    json!(rng.pick(&["active", "inactive", "moved", "lost_to_follow_up"])),
                ),
            },
            RecordKind::Contact => match rng.below(2) {
                0 => ("notes", json!(rng.pick(&NOTES))),
                _ => ("place", json!(rng.pick(&AREAS))),
            },
            RecordKind::CaseNote => match rng.below(3) {
                0 => ("narrative", json!(rng.pick(&NOTES))),
                1 => ("plan", json!(rng.pick(&NOTES))),
                _ => ("mental_health_rating", json!(rng.between(1, 4).to_string())),
            },
            RecordKind::Referral => match rng.below(3) {
                0 => ("status", json!(rng.pick(&STATUSES))),
                1 => ("urgency", json!(rng.pick(&["routine", "urgent"]))),
                _ => (
                    "notes",
                    if rng.chance(200) {
                        Value::Null
                    } else {
                        json!(rng.pick(&NOTES))
                    },
                ),
            },
            RecordKind::Meeting => match rng.below(2) {
                0 => ("decisions", json!(rng.pick(&NOTES))),
                _ => ("place", json!(rng.pick(&AREAS))),
            },
        };
        m.insert(key.to_string(), value);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use fieldbook_core::forms::definition;
    use fieldbook_core::Lang;

    /// Every generated input passes the kind's form (links aside), so a
    /// refused write in a schedule means something.
    #[test]
    fn generated_inputs_are_valid() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let mut rng = Rng::new(3);
        for _ in 0..200 {
            for kind in RecordKind::ALL {
                let mut input = new_input(kind, &mut rng, today);
                if matches!(kind, RecordKind::CaseNote | RecordKind::Referral) {
                    input.remove("client_id");
                }
                let validated = definition(kind).validate(&input, None, today, Lang::En);
                match (kind, validated) {
                    (_, Ok(_)) => {}
                    // A link the simulation adds.
                    (RecordKind::CaseNote | RecordKind::Referral, Err(e))
                        if e.to_string().contains("client") => {}
                    (kind, Err(e)) => panic!("{kind}: {e} for {input:?}"),
                }
                let base = new_input(kind, &mut rng, today);
                let edit = edit_input(kind, &mut rng);
                if let Err(e) = definition(kind).validate(&edit, Some(&base), today, Lang::En) {
                    if !e.to_string().contains("client") {
                        panic!("{kind} edit: {e} for {edit:?}");
                    }
                }
            }
        }
    }
}
