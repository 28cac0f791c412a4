//! The indicators as flat rows (indicator, dimension, category, value), the
//! one layout the CSV output and the workbook's indicator sheet share.

use fieldbook_core::reports::{Breakdown, Indicators};
use fieldbook_core::Lang;

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Count(u64),
    Ratio(f64),
    /// Not computed: nothing to divide, or a kind this device may not read.
    Empty,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The indicator's JSON key.
    pub indicator: &'static str,
    /// `total`, `sex`, `age_band`, `visit_type`, `mode`, `service`, ...
    pub dimension: &'static str,
    /// The category within the dimension (empty for totals).
    pub category: String,
    pub value: Cell,
}

fn row(indicator: &'static str, dimension: &'static str, category: &str, value: Cell) -> Row {
    Row {
        indicator,
        dimension,
        category: category.to_string(),
        value,
    }
}

fn breakdown(out: &mut Vec<Row>, indicator: &'static str, b: Option<&Breakdown>) {
    let Some(b) = b else {
        out.push(row(indicator, "total", "", Cell::Empty));
        return;
    };
    out.push(row(indicator, "total", "", Cell::Count(b.total)));
    for (sex, n) in &b.by_sex {
        out.push(row(indicator, "sex", sex, Cell::Count(*n)));
    }
    for (band, n) in &b.by_age_band {
        out.push(row(indicator, "age_band", band, Cell::Count(*n)));
    }
}

fn ratio(value: Option<f64>) -> Cell {
    value.map_or(Cell::Empty, Cell::Ratio)
}

pub fn rows(ind: &Indicators) -> Vec<Row> {
    let mut out = Vec::new();
    breakdown(
        &mut out,
        "unique_clients_reached",
        Some(&ind.unique_clients_reached),
    );
    breakdown(&mut out, "new_clients", Some(&ind.new_clients));
    breakdown(&mut out, "contacts", Some(&ind.contacts.total));
    for (k, n) in &ind.contacts.by_visit_type {
        out.push(row("contacts", "visit_type", k, Cell::Count(*n)));
    }
    for (k, n) in &ind.contacts.by_mode {
        out.push(row("contacts", "mode", k, Cell::Count(*n)));
    }
    out.push(row(
        "contacts",
        "anonymous",
        "",
        Cell::Count(ind.contacts.anonymous),
    ));
    for (item, total) in &ind.services {
        out.push(row(
            "services",
            "quantity",
            item,
            Cell::Count(total.quantity),
        ));
        out.push(row(
            "services",
            "contacts",
            item,
            Cell::Count(total.contacts),
        ));
    }
    breakdown(&mut out, "referrals_made", Some(&ind.referrals_made.total));
    for (k, n) in &ind.referrals_made.by_service {
        out.push(row("referrals_made", "service", k, Cell::Count(*n)));
    }
    for (k, n) in &ind.referrals_made.by_status {
        out.push(row("referrals_made", "status", k, Cell::Count(*n)));
    }
    breakdown(
        &mut out,
        "referrals_completed",
        Some(&ind.referrals_completed),
    );
    out.push(row(
        "referral_completion_rate",
        "total",
        "",
        ratio(ind.referral_completion_rate),
    ));
    out.push(row(
        "median_days_to_completion",
        "total",
        "",
        ratio(ind.median_days_to_completion),
    ));
    breakdown(&mut out, "referrals_overdue", Some(&ind.referrals_overdue));
    breakdown(&mut out, "referrals_lost", Some(&ind.referrals_lost));
    breakdown(&mut out, "case_notes", ind.case_notes.as_ref());
    breakdown(
        &mut out,
        "clients_with_case_note",
        ind.clients_with_case_note.as_ref(),
    );
    out.push(row("meetings", "total", "", Cell::Count(ind.meetings)));
    out.push(row(
        "attendance",
        "total",
        "",
        Cell::Count(ind.attendance.total),
    ));
    out.push(row(
        "attendance",
        "women",
        "",
        Cell::Count(ind.attendance.women),
    ));
    out.push(row(
        "unreadable_records",
        "total",
        "",
        Cell::Count(ind.unreadable_records),
    ));
    out
}

/// The headline figures of a period, one column each in the workbook's
/// month sheet and one line each in the chart (`None`: not visible here).
pub fn headline(ind: &Indicators) -> Vec<(&'static str, Option<u64>)> {
    vec![
        (
            "unique_clients_reached",
            Some(ind.unique_clients_reached.total),
        ),
        ("new_clients", Some(ind.new_clients.total)),
        ("contacts", Some(ind.contacts.total.total)),
        ("referrals_made", Some(ind.referrals_made.total.total)),
        ("referrals_completed", Some(ind.referrals_completed.total)),
        ("referrals_overdue", Some(ind.referrals_overdue.total)),
        ("referrals_lost", Some(ind.referrals_lost.total)),
        ("case_notes", ind.case_notes.as_ref().map(|b| b.total)),
        ("meetings", Some(ind.meetings)),
        ("attendance", Some(ind.attendance.total)),
    ]
}

/// An indicator's name for people, in the chosen language.
pub fn label(lang: Lang, indicator: &str) -> &'static str {
    let (vi, en) = match indicator {
        "unique_clients_reached" => ("Số khách hàng được tiếp cận", "Unique clients reached"),
        "new_clients" => ("Khách hàng mới", "New clients"),
        "contacts" => ("Lần tiếp cận", "Contacts"),
        "services" => ("Dịch vụ, vật phẩm đã phát", "Services handed out"),
        "referrals_made" => ("Chuyển gửi đã thực hiện", "Referrals made"),
        "referrals_completed" => ("Chuyển gửi thành công", "Referrals completed"),
        "referral_completion_rate" => ("Tỷ lệ chuyển gửi thành công", "Referral completion rate"),
        "median_days_to_completion" => (
            "Số ngày trung vị đến khi hoàn thành",
            "Median days to completion",
        ),
        "referrals_overdue" => ("Chuyển gửi quá hạn theo dõi", "Referrals overdue"),
        "referrals_lost" => ("Chuyển gửi mất dấu", "Referrals lost"),
        "case_notes" => ("Ghi chép quản lý ca", "Case notes"),
        "clients_with_case_note" => ("Khách hàng có ghi chép", "Clients with a case note"),
        "meetings" => ("Buổi sinh hoạt nhóm", "Meetings"),
        "attendance" => ("Lượt tham dự", "Attendance"),
        "unreadable_records" => ("Bản ghi không đọc được", "Unreadable records"),
        _ => ("", ""),
    };
    lang.pick(vi, en)
}

impl Cell {
    /// The value as CSV and people read it ("" when empty).
    pub fn text(&self) -> String {
        match self {
            Cell::Count(n) => n.to_string(),
            Cell::Ratio(x) => format!("{}", (x * 10_000.0).round() / 10_000.0),
            Cell::Empty => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fieldbook_core::reports::{Attendance, Contacts, ReferralsMade};
    use std::collections::BTreeMap;

    fn sample() -> Indicators {
        let mut reached = Breakdown {
            total: 3,
            ..Breakdown::default()
        };
        reached.by_sex.insert("female".into(), 2);
        reached.by_sex.insert("unknown".into(), 1);
        Indicators {
            period: fieldbook_core::reports::Period::new(
                "2026-03-01".parse().unwrap(),
                "2026-03-31".parse().unwrap(),
            )
            .unwrap(),
            worker: None,
            unique_clients_reached: reached,
            new_clients: Breakdown::default(),
            contacts: Contacts {
                total: Breakdown::default(),
                by_visit_type: BTreeMap::from([("first".to_string(), 4)]),
                by_mode: BTreeMap::new(),
                anonymous: 1,
            },
            services: BTreeMap::new(),
            referrals_made: ReferralsMade {
                total: Breakdown::default(),
                by_service: BTreeMap::new(),
                by_status: BTreeMap::new(),
            },
            referrals_completed: Breakdown::default(),
            referral_completion_rate: Some(2.0 / 3.0),
            median_days_to_completion: None,
            referrals_overdue: Breakdown::default(),
            referrals_lost: Breakdown::default(),
            case_notes: None,
            clients_with_case_note: None,
            meetings: 2,
            attendance: Attendance {
                total: 14,
                women: 5,
            },
            unreadable_records: 0,
        }
    }

    fn find<'a>(rows: &'a [Row], indicator: &str, dimension: &str, category: &str) -> &'a Cell {
        &rows
            .iter()
            .find(|r| {
                r.indicator == indicator && r.dimension == dimension && r.category == category
            })
            .unwrap_or_else(|| panic!("no row {indicator}/{dimension}/{category}"))
            .value
    }

    #[test]
    fn every_figure_becomes_a_row() {
        let rows = rows(&sample());
        assert_eq!(
            find(&rows, "unique_clients_reached", "total", ""),
            &Cell::Count(3)
        );
        assert_eq!(
            find(&rows, "unique_clients_reached", "sex", "female"),
            &Cell::Count(2)
        );
        assert_eq!(
            find(&rows, "contacts", "visit_type", "first"),
            &Cell::Count(4)
        );
        assert_eq!(find(&rows, "contacts", "anonymous", ""), &Cell::Count(1));
        assert_eq!(find(&rows, "attendance", "women", ""), &Cell::Count(5));
        assert_eq!(find(&rows, "meetings", "total", ""), &Cell::Count(2));
        // Not visible on this device, and nothing to take a median of: empty, not 0.
        assert_eq!(find(&rows, "case_notes", "total", ""), &Cell::Empty);
        assert_eq!(
            find(&rows, "median_days_to_completion", "total", ""),
            &Cell::Empty
        );
        assert_eq!(
            find(&rows, "referral_completion_rate", "total", "").text(),
            "0.6667"
        );
        assert!(rows
            .iter()
            .all(|r| !label(Lang::Vi, r.indicator).is_empty()));
    }
}
