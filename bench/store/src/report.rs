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
        "engine: SQLite {sqlite}, SQLCipher {cipher} linked for all three stores (unkeyed = plain SQLite)"
    );
    println!(
        "settings: {records} mixed records, {clients} clients in the clients-only store, median of {runs} runs \
         (5+ for open+list), batches of {batch}, data in {}",
        root.display()
    );
    println!("Fieldbook KDF: Argon2id 64 MiB, t=3, p=1 (KdfParams::make_default); SQLCipher 4 defaults: PBKDF2-HMAC-SHA512, 256,000 iterations");
    Ok(())
}

pub struct Row {
    pub label: String,
    /// Values per engine in display units.
    pub values: [f64; 3],
    pub higher_is_better: bool,
    /// For rates: minimum Fieldbook/plain ratio; for times: maximum Fieldbook value.
    pub aim: Option<f64>,
}

fn by_engine(m: &HashMap<&'static str, Measure>, f: impl Fn(&Measure) -> f64) -> [f64; 3] {
    let v = |e: Engine| m.get(e.name()).map(&f).unwrap_or(f64::NAN);
    [v(ENGINES[0]), v(ENGINES[1]), v(ENGINES[2])]
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
    fn fb_vs_plain(&self) -> f64 {
        self.values[2] / self.values[0]
    }
    fn fb_vs_cipher(&self) -> f64 {
        self.values[2] / self.values[1]
    }
    fn beats_cipher(&self) -> bool {
        if self.higher_is_better {
            self.values[2] > self.values[1]
        } else {
            self.values[2] < self.values[1]
        }
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
    println!("| measure | plain SQLite | SQLCipher | Fieldbook | Fieldbook / plain | Fieldbook / SQLCipher |");
    println!("|---|---:|---:|---:|---:|---:|");
    for r in rows {
        println!(
            "| {} | {} | {} | {} | {:.2} | {:.2} {} |",
            r.label,
            fmt(r.values[0]),
            fmt(r.values[1]),
            fmt(r.values[2]),
            r.fb_vs_plain(),
            r.fb_vs_cipher(),
            if r.beats_cipher() {
                "(faster)"
            } else {
                "(SLOWER)"
            }
        );
    }
    println!("\nRates: higher is better (a ratio above 1 means Fieldbook is faster). Times: lower is better (a ratio below 1 means Fieldbook is faster).");
}

pub fn memory(phases: &[(&str, &HashMap<&'static str, Measure>)]) {
    println!("\n## Peak memory per phase (MiB: Rust heap above the phase's start + SQLite heap high-water)\n");
    println!("| phase | plain SQLite | SQLCipher | Fieldbook | Fieldbook / plain | Fieldbook / SQLCipher |");
    println!("|---|---:|---:|---:|---:|---:|");
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
        println!(
            "| {name} | {:.1} ({:.1} + {:.1}) | {:.1} ({:.1} + {:.1}) | {:.1} ({:.1} + {:.1}) | {:.2} | {:.2} |",
            v[0].0, v[0].1, v[0].2, v[1].0, v[1].1, v[1].2, v[2].0, v[2].1, v[2].2,
            v[2].0 / v[0].0,
            v[2].0 / v[1].0
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
    println!("| store | plain SQLite | SQLCipher | Fieldbook | Fieldbook / plain | Fieldbook / SQLCipher |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (label, m) in [
        (format!("{n} mixed records"), mixed),
        (format!("{c} clients"), clients),
    ] {
        let v: Vec<f64> = ENGINES
            .iter()
            .map(|e| m.get(e.name()).copied().unwrap_or(0) as f64 / MIB)
            .collect();
        println!(
            "| {label} (MiB) | {:.1} | {:.1} | {:.1} | {:.2} | {:.2} |",
            v[0],
            v[1],
            v[2],
            v[2] / v[0],
            v[2] / v[1]
        );
    }
}

pub fn open_parts(
    mixed: &HashMap<&'static str, Measure>,
    clients: &HashMap<&'static str, Measure>,
) {
    println!("\n## Where open + unlock + list goes (medians, ms)\n");
    println!("| store | step | plain SQLite | SQLCipher | Fieldbook |");
    println!("|---|---|---:|---:|---:|");
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
        println!(
            "| {label} | open (SQLCipher: incl. PBKDF2) | {} | {} | {} |",
            fmt(open[0]),
            fmt(open[1]),
            fmt(open[2])
        );
        println!(
            "| {label} | unlock (Argon2id + keys + audit entry) | - | - | {} |",
            fmt(unlock[2])
        );
        println!(
            "| {label} | list + sort | {} | {} | {} |",
            fmt(list[0]),
            fmt(list[1]),
            fmt(list[2])
        );
    }
}

pub fn verdict(rows: &[Row], _clients: &HashMap<&'static str, Measure>) {
    println!("\n## Aims\n");
    let insert = &rows[0];
    let ratio = insert.fb_vs_plain();
    println!(
        "- encrypted writes >= 0.8 x plain SQLite: {:.2} -> {}",
        ratio,
        if ratio >= 0.8 { "HOLDS" } else { "MISSED" }
    );
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
                r.values[2],
                if r.values[2] < max { "HOLDS" } else { "MISSED" }
            );
        }
    }
}
