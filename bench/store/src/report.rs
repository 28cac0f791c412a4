//! Printing: the machine, the table of figures and ratios, memory, sizes and
//! whether the aims hold. Markdown, so it can go into docs/benchmarks.md as is.

use std::collections::HashMap;
use std::path::Path;

use crate::engines::{Engine, ENGINES};
use crate::sqlstore::Res;
use crate::Measure;

const MIB: f64 = 1048576.0;

fn first_line_with(path: &str, key: &str) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()?
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split(':').nth(1))
        .map(|s| s.trim().to_string())
}

pub fn header(records: &usize, clients: &usize, runs: usize, batch: usize, root: &Path) -> Res<()> {
    let conn = rusqlite::Connection::open_in_memory()?;
    let sqlite: String = conn.query_row("SELECT sqlite_version()", [], |r| r.get(0))?;
    let cipher: String = conn
        .query_row("PRAGMA cipher_version", [], |r| r.get(0))
        .unwrap_or_else(|_| "not linked".into());
    let mem_kb: f64 = first_line_with("/proc/meminfo", "MemTotal")
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0.0);
    println!("# fieldbook-bench");
    println!(
        "machine: {} CPUs ({}), {:.1} GiB RAM",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        first_line_with("/proc/cpuinfo", "model name").unwrap_or_else(|| "unknown CPU".into()),
        mem_kb / 1048576.0
    );
    println!(
        "engine: SQLite {sqlite}, SQLCipher {cipher} linked for all four stores (unkeyed = plain SQLite)"
    );
    println!(
        "settings: {records} mixed records, {clients} clients in the clients-only store, median of {runs} runs \
         (5+ for open+list), batches of {batch}, data in {}",
        root.display()
    );
    println!("Fieldbook KDF: Argon2id 64 MiB, t=3, p=1 (KdfParams::make_default); SQLCipher 4 defaults: PBKDF2-HMAC-SHA512, 256,000 iterations");
    Ok(())
}

// Where each store's figure sits in a row's values: the order of ENGINES.
const FLOOR: usize = 0;
const PLAIN: usize = 1;
const CIPHER: usize = 2;
const FIELDBOOK: usize = 3;

/// The header cells of the engines, then of Fieldbook's ratios to each.
fn columns() -> String {
    let names: Vec<&str> = ENGINES.iter().map(|e| e.name()).collect();
    let ratios: Vec<String> = ENGINES[..FIELDBOOK]
        .iter()
        .map(|e| format!("Fieldbook / {}", e.name()))
        .collect();
    format!("{} | {}", names.join(" | "), ratios.join(" | "))
}

fn rule(first: usize) -> String {
    let mut cells = vec!["---"; first];
    cells.extend(vec!["---:"; ENGINES.len() + FIELDBOOK]);
    format!("|{}|", cells.join("|"))
}

pub struct Row {
    pub label: String,
    /// Values per engine in display units, in the order of [`ENGINES`].
    pub values: [f64; 4],
    pub higher_is_better: bool,
    /// For rates: minimum Fieldbook/plain ratio; for times: maximum Fieldbook value.
    pub aim: Option<f64>,
}

fn by_engine(m: &HashMap<&'static str, Measure>, f: impl Fn(&Measure) -> f64) -> [f64; 4] {
    ENGINES.map(|e| m.get(e.name()).map(&f).unwrap_or(f64::NAN))
}

impl Row {
    pub fn rate(
        label: String,
        m: &HashMap<&'static str, Measure>,
        n: f64,
        min_ratio: Option<f64>,
    ) -> Row {
        Row {
            label,
            values: by_engine(m, |x| n / x.median()),
            higher_is_better: true,
            aim: min_ratio,
        }
    }
    pub fn time(label: String, m: &HashMap<&'static str, Measure>, max_ms: Option<f64>) -> Row {
        Row {
            label,
            values: by_engine(m, |x| x.median() * 1000.0),
            higher_is_better: false,
            aim: max_ms,
        }
    }
    fn fieldbook_to(&self, other: usize) -> f64 {
        self.values[FIELDBOOK] / self.values[other]
    }
    fn beats_cipher(&self) -> bool {
        if self.higher_is_better {
            self.values[FIELDBOOK] > self.values[CIPHER]
        } else {
            self.values[FIELDBOOK] < self.values[CIPHER]
        }
    }
    fn ratios(&self) -> String {
        (0..FIELDBOOK)
            .map(|i| format!("{:.2}", self.fieldbook_to(i)))
            .collect::<Vec<_>>()
            .join(" | ")
    }
}

fn fmt(v: f64) -> String {
    if v >= 1000.0 {
        format!("{:.0}", v)
    } else if v >= 10.0 {
        format!("{:.1}", v)
    } else if v >= 0.1 {
        format!("{:.2}", v)
    } else {
        format!("{:.3}", v)
    }
}

pub fn table(rows: &[Row]) {
    println!("\n## Results (medians)\n");
    println!("| measure | {} |", columns());
    println!("{}", rule(1));
    for r in rows {
        let values: Vec<String> = r.values.iter().map(|&v| fmt(v)).collect();
        println!(
            "| {} | {} | {} {} |",
            r.label,
            values.join(" | "),
            r.ratios(),
            if r.beats_cipher() {
                "(faster than SQLCipher)"
            } else {
                "(SLOWER than SQLCipher)"
            }
        );
    }
    println!("\nRates: higher is better (a ratio above 1 means Fieldbook is faster). Times: lower is better (a ratio below 1 means Fieldbook is faster). The minimal plain store holds each record's values once, as JSON, in one row: what no encryption and no sync would cost.");
}

pub fn memory(phases: &[(&str, &HashMap<&'static str, Measure>)]) {
    println!("\n## Peak memory per phase (MiB: Rust heap above the phase's start + SQLite heap high-water)\n");
    println!("| phase | {} |", columns());
    println!("{}", rule(1));
    for (name, m) in phases {
        let cell = |e: Engine| {
            m.get(e.name())
                .map(|x| {
                    (
                        x.mem.total() as f64 / MIB,
                        x.mem.rust_heap as f64 / MIB,
                        x.mem.sqlite_heap as f64 / MIB,
                    )
                })
                .unwrap_or((f64::NAN, f64::NAN, f64::NAN))
        };
        let v: Vec<_> = ENGINES.iter().map(|&e| cell(e)).collect();
        let cells: Vec<String> = v
            .iter()
            .map(|(t, r, q)| format!("{t:.1} ({r:.1} + {q:.1})"))
            .collect();
        let ratios: Vec<String> = (0..FIELDBOOK)
            .map(|i| format!("{:.2}", v[FIELDBOOK].0 / v[i].0))
            .collect();
        println!(
            "| {name} | {} | {} |",
            cells.join(" | "),
            ratios.join(" | ")
        );
    }
}

pub fn sizes(
    mixed: &HashMap<&'static str, u64>,
    n: usize,
    clients: &HashMap<&'static str, u64>,
    c: usize,
) {
    println!("\n## Size on disk (database + WAL after closing)\n");
    println!("| store | {} |", columns());
    println!("{}", rule(1));
    for (label, m, count) in [
        (format!("{n} mixed records"), mixed, n),
        (format!("{c} clients"), clients, c),
    ] {
        let bytes: Vec<f64> = ENGINES
            .iter()
            .map(|e| m.get(e.name()).copied().unwrap_or(0) as f64)
            .collect();
        for (unit, scale) in [("MiB", MIB), ("B per record", count.max(1) as f64)] {
            let cells: Vec<String> = bytes.iter().map(|b| fmt(b / scale)).collect();
            let ratios: Vec<String> = (0..FIELDBOOK)
                .map(|i| format!("{:.2}", bytes[FIELDBOOK] / bytes[i]))
                .collect();
            println!(
                "| {label} ({unit}) | {} | {} |",
                cells.join(" | "),
                ratios.join(" | ")
            );
        }
    }
    let per = |e: Engine| mixed.get(e.name()).copied().unwrap_or(0) as f64 / n.max(1) as f64;
    let (fb, floor) = (per(Engine::Fieldbook), per(Engine::Minimal));
    println!(
        "\nAim (issue 14): disk per mixed record <= 1.5 x the minimal plain store and <= 1,500 B: {:.0} B, {:.2} x -> {}",
        fb,
        fb / floor,
        if fb <= 1500.0 && fb / floor <= 1.5 { "HOLDS" } else { "MISSED" }
    );
}

/// Disk per mixed record once every version is on the hub (the store lets
/// go of the bodies its states rebuild): the file as it is, and the pages
/// in use, which is what it takes once later writes reuse the freed pages.
pub fn synced_size(
    file: u64,
    disk: &crate::disk::DiskBreakdown,
    mixed: &HashMap<&'static str, u64>,
    n: usize,
    pushed: usize,
) {
    let floor = mixed.get(Engine::Minimal.name()).copied().unwrap_or(0) as f64 / n.max(1) as f64;
    let in_use: u64 = disk.tables.iter().map(|(_, bytes)| bytes).sum();
    println!(
        "\n## Fieldbook on disk once every version is on the hub ({pushed} versions pushed)\n"
    );
    println!("| measure | B per record | / minimal plain store |");
    println!("|---|---:|---:|");
    for (label, bytes) in [
        ("file (database + WAL)", file),
        ("pages in use (free pages reused by later writes)", in_use),
    ] {
        let per = bytes as f64 / n.max(1) as f64;
        println!("| {label} | {per:.0} | {:.2} |", per / floor);
    }
    let per = in_use as f64 / n.max(1) as f64;
    println!(
        "\nAim (issue 14), once synced: disk per mixed record <= 1.5 x the minimal plain store and <= 1,500 B: {:.0} B in use, {:.2} x -> {}",
        per,
        per / floor,
        if per <= 1500.0 && per / floor <= 1.5 { "HOLDS" } else { "MISSED" }
    );
}

pub fn open_parts(
    mixed: &HashMap<&'static str, Measure>,
    clients: &HashMap<&'static str, Measure>,
) {
    println!("\n## Where open + unlock + list goes (medians, ms)\n");
    let names: Vec<&str> = ENGINES.iter().map(|e| e.name()).collect();
    println!("| store | step | {} |", names.join(" | "));
    println!("|---|---|{}", "---:|".repeat(ENGINES.len()));
    for (label, m) in [("mixed", mixed), ("clients-only", clients)] {
        let part = |e: Engine, f: &dyn Fn(&(f64, f64)) -> f64| {
            m.get(e.name())
                .map(|x| crate::median(x.parts.iter().map(f).collect()) * 1000.0)
                .unwrap_or(f64::NAN)
        };
        let total = |e: Engine| {
            m.get(e.name())
                .map(|x| x.median() * 1000.0)
                .unwrap_or(f64::NAN)
        };
        let open: Vec<f64> = ENGINES.iter().map(|&e| part(e, &|p| p.0)).collect();
        let unlock: Vec<f64> = ENGINES.iter().map(|&e| part(e, &|p| p.1)).collect();
        let list: Vec<f64> = ENGINES
            .iter()
            .enumerate()
            .map(|(i, &e)| total(e) - open[i] - unlock[i])
            .collect();
        let cells = |v: &[f64]| v.iter().map(|&x| fmt(x)).collect::<Vec<_>>().join(" | ");
        println!(
            "| {label} | open (SQLCipher: incl. PBKDF2) | {} |",
            cells(&open)
        );
        let mut unlocks = vec!["-".to_string(); FIELDBOOK];
        unlocks.push(fmt(unlock[FIELDBOOK]));
        println!(
            "| {label} | unlock (Argon2id + keys + audit entry) | {} |",
            unlocks.join(" | ")
        );
        println!("| {label} | list + sort | {} |", cells(&list));
        let heap: Vec<String> = ENGINES
            .iter()
            .map(|e| {
                m.get(e.name())
                    .map(|x| format!("{:.1}", x.list_heap as f64 / MIB))
                    .unwrap_or_default()
            })
            .collect();
        println!(
            "| {label} | list + sort: peak Rust heap (MiB, after the unlock) | {} |",
            heap.join(" | ")
        );
    }
}

pub fn verdict(rows: &[Row], _clients: &HashMap<&'static str, Measure>) {
    println!("\n## Aims\n");
    let insert = &rows[0];
    let ratio = insert.fieldbook_to(PLAIN);
    println!(
        "- encrypted writes >= 0.8 x plain SQLite: {:.2} -> {}",
        ratio,
        if ratio >= 0.8 { "HOLDS" } else { "MISSED" }
    );
    let floor = insert.fieldbook_to(FLOOR);
    println!(
        "- batched writes >= 0.7 x the minimal plain store (issue 14): {:.2} -> {}",
        floor,
        if floor >= 0.7 { "HOLDS" } else { "MISSED" }
    );
    if let Some(list) = rows.iter().find(|r| r.label.contains("clients-only store")) {
        let ratio = list.fieldbook_to(FLOOR);
        let ms = list.values[FIELDBOOK];
        println!(
            "- open + unlock + list, clients-only store <= 1.3 x the minimal plain store and under 500 ms (issue 14): {:.2} x, {:.0} ms -> {}",
            ratio,
            ms,
            if ratio <= 1.3 && ms < 500.0 { "HOLDS" } else { "MISSED" }
        );
    }
    let slower: Vec<&str> = rows
        .iter()
        .filter(|r| !r.beats_cipher())
        .map(|r| r.label.as_str())
        .collect();
    if slower.is_empty() {
        println!("- faster than SQLCipher on every row: HOLDS");
    } else {
        println!(
            "- faster than SQLCipher on every row: MISSED on {}",
            slower.join("; ")
        );
    }
    for r in rows {
        if let (false, Some(max)) = (r.higher_is_better, r.aim) {
            println!(
                "- {} under {:.0} ms: {:.0} ms -> {}",
                r.label,
                max,
                r.values[FIELDBOOK],
                if r.values[FIELDBOOK] < max {
                    "HOLDS"
                } else {
                    "MISSED"
                }
            );
        }
    }
}
