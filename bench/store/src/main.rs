//! fieldbook-bench: Fieldbook's encrypted store against the same schema in
//! plain SQLite and in SQLCipher, and against the floor (a minimal plain
//! store holding each record's values once, `minimal.rs`), in one process,
//! as ratios.
//!
//! `cargo run --release -p fieldbook-bench -- [--records N] [--clients N] [--runs N] [--quick] [--reports-only]`
//!
//! Through cargo's feature unification this binary links SQLCipher for every
//! crate, fieldbook-core included: with no key set SQLCipher is plain SQLite,
//! so all four stores run on the same engine build.

mod alloc;
mod breakdown;
mod data;
mod disk;
mod engines;
mod minimal;
mod report;
mod reports;
mod sqlstore;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use fieldbook_core::queries::ClientSearch;
use fieldbook_core::record::RecordId;
use fieldbook_core::RecordKind;

use alloc::{PhaseMemory, PhaseProbe};
use data::{Item, Workload};
use engines::{dir_size, Place, ENGINES};
use report::Row;
use sqlstore::Res;

#[global_allocator]
static ALLOC: alloc::Counting = alloc::Counting;

struct Args {
    records: usize,
    clients: usize,
    runs: usize,
    batch: usize,
    dir: Option<PathBuf>,
    /// Only the Fieldbook store and the reports phase.
    reports_only: bool,
}

fn parse_args() -> Res<Args> {
    let mut a = Args {
        records: 100_000,
        clients: 100_000,
        runs: 3,
        batch: 1_000,
        dir: None,
        reports_only: false,
    };
    let mut clients_given = false;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut num = |name: &str| -> Res<usize> {
            Ok(it
                .next()
                .ok_or(format!("{name} needs a number"))?
                .replace('_', "")
                .parse()?)
        };
        match arg.as_str() {
            "--records" => a.records = num("--records")?,
            "--clients" => {
                a.clients = num("--clients")?;
                clients_given = true;
            }
            "--runs" => a.runs = num("--runs")?.max(1),
            "--batch" => a.batch = num("--batch")?.max(1),
            "--dir" => a.dir = Some(PathBuf::from(it.next().ok_or("--dir needs a path")?)),
            "--reports-only" => a.reports_only = true,
            "--quick" => {
                a.records = 10_000;
                if !clients_given {
                    a.clients = 10_000;
                }
            }
            "-h" | "--help" => {
                println!(
                    "fieldbook-bench [--records N (100000)] [--clients N (100000)] [--runs N (3)] \
                     [--batch N (1000)] [--dir PATH] [--quick (10,000 records and clients)] \
                     [--reports-only (the Fieldbook store and the reports phase)]"
                );
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    if a.records < 100 {
        return Err("--records must be at least 100".into());
    }
    Ok(a)
}

/// The median of a sample; NaN for an empty one.
pub fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    let n = xs.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

/// One engine's result of [`insert_interleaved`].
struct Inserted {
    secs: f64,
    mem: PhaseMemory,
    client_ids: Vec<RecordId>,
}

/// Writes a workload into a fresh store of each engine, batch by batch in
/// turn (the order of the engines rotates with each batch), so that all
/// three see the same machine load over time: this VM is shared, and load
/// that came and went between whole runs skewed their ratios. Times only the
/// `add_many` calls; memory is the store's creation (Fieldbook's Argon2id)
/// and the largest batch.
fn insert_interleaved(places: &[Place], work: &Workload) -> Res<Vec<Inserted>> {
    let today = chrono::Local::now().date_naive();
    let mut stores = Vec::new();
    let mut out = Vec::new();
    for place in places {
        let probe = PhaseProbe::start();
        stores.push(place.create()?);
        out.push(Inserted {
            secs: 0.0,
            mem: probe.finish(),
            client_ids: Vec::with_capacity(work.clients),
        });
    }
    let mut id_strings: Vec<Vec<String>> = vec![Vec::with_capacity(work.clients); places.len()];
    for (b, items) in work.batches.iter().enumerate() {
        for k in 0..places.len() {
            let e = (b + k) % places.len();
            let batch: Vec<_> = items
                .iter()
                .map(|it: &Item| (it.kind, it.input(&id_strings[e])))
                .collect();
            let probe = PhaseProbe::start();
            let t = Instant::now();
            let ids = stores[e].add_many(&batch, today)?;
            out[e].secs += t.elapsed().as_secs_f64();
            out[e].mem = out[e].mem.max(probe.finish());
            for (item, id) in items.iter().zip(ids) {
                if item.kind == RecordKind::Client {
                    out[e].client_ids.push(id);
                    id_strings[e].push(id.to_string());
                }
            }
        }
    }
    Ok(out)
}

/// Per engine: times of each run (seconds) and the largest memory of a run.
#[derive(Default, Clone)]
pub struct Measure {
    /// Each run's time, in seconds.
    pub secs: Vec<f64>,
    /// The most memory any run needed.
    pub mem: PhaseMemory,
    /// For runs that open a store: the seconds of opening and of unlocking, per run.
    pub parts: Vec<(f64, f64)>,
    /// For runs that list: the most Rust heap the listing alone needed.
    pub list_heap: usize,
}

impl Measure {
    fn add(&mut self, secs: f64, mem: PhaseMemory) {
        self.secs.push(secs);
        self.mem = self.mem.max(mem);
    }
    /// The median time of the runs, in seconds.
    pub fn median(&self) -> f64 {
        median(self.secs.clone())
    }
}

type PerEngine = HashMap<&'static str, Measure>;

fn measure_open_list(place: &Place, expected: usize, runs: usize, m: &mut Measure) -> Res<()> {
    for _ in 0..runs {
        let probe = PhaseProbe::start();
        let t = Instant::now();
        let (mut store, open_s, unlock_s) = place.open_unlock()?;
        let (n, list_heap) = alloc::peak_of(|| store.list_clients());
        let n = n?;
        let secs = t.elapsed().as_secs_f64();
        m.list_heap = m.list_heap.max(list_heap);
        drop(store);
        let mem = probe.finish();
        if n != expected {
            return Err(format!(
                "{}: listed {n} clients, expected {expected}",
                place.engine.name()
            )
            .into());
        }
        m.add(secs, mem);
        m.parts.push((open_s, unlock_s));
    }
    Ok(())
}

fn main() -> Res<()> {
    let args = parse_args()?;
    let started = Instant::now();
    let root_holder;
    let root = match &args.dir {
        Some(d) => {
            std::fs::create_dir_all(d)?;
            d.clone()
        }
        None => {
            root_holder = tempfile::Builder::new()
                .prefix("fieldbook-bench-")
                .tempdir()?;
            root_holder.path().to_path_buf()
        }
    };
    let today = chrono::Local::now().date_naive();
    report::header(&args.records, &args.clients, args.runs, args.batch, &root)?;

    // ---- the mixed workload ----
    let work = data::mixed(args.records, args.batch, today, 0x5EED_F1E1D);
    println!(
        "workload: {} records ({}), {} batches of up to {}",
        work.total(),
        work.counts
            .iter()
            .map(|(k, n)| format!("{n} {k}"))
            .collect::<Vec<_>>()
            .join(", "),
        work.batches.len(),
        args.batch
    );

    if args.reports_only {
        let place = Place::new(&root, engines::Engine::Fieldbook, "reports");
        insert_interleaved(std::slice::from_ref(&place), &work)?;
        let figures = reports::measure(&place, today, args.runs)?;
        place.remove();
        reports::print(&figures, work.total());
        println!("total run time: {:.0} s", started.elapsed().as_secs_f64());
        return Ok(());
    }

    let mut inserts: PerEngine = HashMap::new();
    let mut places: HashMap<&'static str, Place> = HashMap::new();
    let mut client_ids: HashMap<&'static str, Vec<RecordId>> = HashMap::new();
    let mut sizes: HashMap<&'static str, u64> = HashMap::new();
    for run in 0..args.runs {
        let run_places: Vec<Place> = ENGINES
            .iter()
            .map(|&e| Place::new(&root, e, &format!("mixed-{run}")))
            .collect();
        let results = insert_interleaved(&run_places, &work)?;
        for (place, r) in run_places.into_iter().zip(results) {
            let engine = place.engine;
            eprintln!(
                "  insert run {} {:<12} {:>8.0} records/s",
                run + 1,
                engine.name(),
                work.total() as f64 / r.secs
            );
            inserts.entry(engine.name()).or_default().add(r.secs, r.mem);
            sizes.insert(engine.name(), dir_size(&place.data_dir()));
            if let Some(old) = places.insert(engine.name(), place) {
                old.remove();
            }
            client_ids.insert(engine.name(), r.client_ids);
        }
    }
    let rss_after_insert = alloc::max_rss();

    // ---- open + unlock + list the clients of the mixed store ----
    let mut open_list: PerEngine = HashMap::new();
    let list_runs = args.runs.max(5);
    for _ in 0..list_runs {
        for engine in ENGINES {
            measure_open_list(
                &places[engine.name()],
                work.clients,
                1,
                open_list.entry(engine.name()).or_default(),
            )?;
        }
    }

    // ---- searches and timelines ----
    let mut rng = data::Rng::new(42);
    let alias_prefixes = [
        "tuấn", "hoa", "Minh", "lan", "đức", "chị", "hải", "béo", "xe", "Ngọc",
    ];
    let areas: Vec<&str> = (0..10)
        .map(|i| data::AREAS[i * 3 % data::AREAS.len()])
        .collect();
    let uic_sample: Vec<usize> = (0..100).map(|_| rng.below(work.clients)).collect();
    let timeline_sample: Vec<usize> = (0..200).map(|_| rng.below(work.clients)).collect();
    let mut search_alias: PerEngine = HashMap::new();
    let mut search_uic: PerEngine = HashMap::new();
    let mut search_area: PerEngine = HashMap::new();
    let mut timelines: PerEngine = HashMap::new();
    let mut answers: HashMap<&'static str, Vec<usize>> = HashMap::new();
    for engine in ENGINES {
        let place = &places[engine.name()];
        let ids = &client_ids[engine.name()];
        let (mut store, _, _) = place.open_unlock()?;
        let uics: Vec<String> = uic_sample
            .iter()
            .map(|&c| store.uic_of(ids[c]))
            .collect::<Res<_>>()?;
        let mut found = Vec::new();
        for run in 0..args.runs {
            let mut timed =
                |queries: &[ClientSearch], m: &mut Measure, found: &mut Vec<usize>| -> Res<()> {
                    let probe = PhaseProbe::start();
                    let t = Instant::now();
                    for q in queries {
                        let n = store.search(q)?;
                        if run == 0 {
                            found.push(n);
                        }
                    }
                    let secs = t.elapsed().as_secs_f64() / queries.len() as f64;
                    m.add(secs, probe.finish());
                    Ok(())
                };
            let q_alias: Vec<ClientSearch> = alias_prefixes
                .iter()
                .map(|p| ClientSearch {
                    text: Some(p.to_string()),
                    area: None,
                })
                .collect();
            let q_uic: Vec<ClientSearch> = uics
                .iter()
                .map(|u| ClientSearch {
                    text: Some(u.to_lowercase().replace('-', "")),
                    area: None,
                })
                .collect();
            let q_area: Vec<ClientSearch> = areas
                .iter()
                .map(|a| ClientSearch {
                    text: None,
                    area: Some(a.to_string()),
                })
                .collect();
            timed(
                &q_alias,
                search_alias.entry(engine.name()).or_default(),
                &mut found,
            )?;
            timed(
                &q_uic,
                search_uic.entry(engine.name()).or_default(),
                &mut found,
            )?;
            timed(
                &q_area,
                search_area.entry(engine.name()).or_default(),
                &mut found,
            )?;

            let probe = PhaseProbe::start();
            let t = Instant::now();
            for &c in &timeline_sample {
                let n = store.timeline(ids[c])?;
                if run == 0 {
                    found.push(n);
                }
            }
            let secs = t.elapsed().as_secs_f64() / timeline_sample.len() as f64;
            timelines
                .entry(engine.name())
                .or_default()
                .add(secs, probe.finish());
        }
        answers.insert(engine.name(), found);
    }
    let same_answers = answers.values().all(|a| *a == answers["plain SQLite"]);
    if !same_answers {
        eprintln!("WARNING: the stores returned different result counts");
        let base = &answers["plain SQLite"];
        for (name, a) in &answers {
            for (i, (x, y)) in a.iter().zip(base).enumerate() {
                if x != y {
                    eprintln!("  {name}: answer {i} is {x}, plain SQLite's is {y}");
                }
            }
        }
    }
    let report_figures = reports::measure(&places["Fieldbook"], today, args.runs)?;
    let mixed_breakdown = breakdown::listing(&places["Fieldbook"], &places["plain SQLite"])?;
    let mixed_disk = disk::measure(&places["Fieldbook"].db_file(), work.total())?;
    // ---- every version on the hub: what the store keeps from then on ----
    let pushed = places["Fieldbook"].push_all()?;
    let synced_size = dir_size(&places["Fieldbook"].data_dir());
    let synced_disk = disk::measure(&places["Fieldbook"].db_file(), work.total())?;
    for p in places.values() {
        p.remove();
    }
    let rss_after_mixed = alloc::max_rss();

    // ---- a store holding only clients: open + unlock + list them all ----
    let cwork = data::clients_only(args.clients, args.batch, today, 0x0C11_EA75);
    let mut c_insert: PerEngine = HashMap::new();
    let mut c_list: PerEngine = HashMap::new();
    let mut c_sizes: HashMap<&'static str, u64> = HashMap::new();
    let mut c_places: HashMap<&'static str, Place> = HashMap::new();
    let cplaces: Vec<Place> = ENGINES
        .iter()
        .map(|&e| Place::new(&root, e, "clients"))
        .collect();
    let results = insert_interleaved(&cplaces, &cwork)?;
    for (place, r) in cplaces.into_iter().zip(results) {
        let engine = place.engine;
        c_insert
            .entry(engine.name())
            .or_default()
            .add(r.secs, r.mem);
        c_sizes.insert(engine.name(), dir_size(&place.data_dir()));
        c_places.insert(engine.name(), place);
    }
    for _ in 0..list_runs {
        for engine in ENGINES {
            measure_open_list(
                &c_places[engine.name()],
                args.clients,
                1,
                c_list.entry(engine.name()).or_default(),
            )?;
        }
    }
    let clients_breakdown = breakdown::listing(&c_places["Fieldbook"], &c_places["plain SQLite"])?;
    let clients_disk = disk::measure(&c_places["Fieldbook"].db_file(), args.clients)?;
    let write_breakdown = breakdown::writes(&work, today)?;
    for p in c_places.values() {
        p.remove();
    }

    // ---- report ----
    let n = work.total() as f64;
    let c = args.clients as f64;
    let rows = vec![
        Row::rate(
            format!("batched insert, {} mixed records (records/s)", work.total()),
            &inserts,
            n,
            Some(0.8),
        ),
        Row::time(
            format!("open + unlock + list {} clients (ms)", work.clients),
            &open_list,
            None,
        ),
        Row::time(
            "search: alias prefix (ms/query)".into(),
            &search_alias,
            None,
        ),
        Row::time("search: UIC exact (ms/query)".into(), &search_uic, None),
        Row::time("search: area (ms/query)".into(), &search_area, None),
        Row::time(
            format!("client timeline, avg of {} (ms)", timeline_sample.len()),
            &timelines,
            None,
        ),
        Row::time(
            format!(
                "open + unlock + list {} clients, clients-only store (ms)",
                args.clients
            ),
            &c_list,
            Some(1000.0),
        ),
        Row::rate(
            format!("batched insert, {} clients (records/s)", args.clients),
            &c_insert,
            c,
            None,
        ),
    ];
    report::table(&rows);
    report::memory(&[
        ("insert mixed", &inserts),
        ("open+unlock+list (mixed)", &open_list),
        ("search: alias prefix", &search_alias),
        ("search: UIC", &search_uic),
        ("search: area", &search_area),
        ("timeline", &timelines),
        ("insert clients", &c_insert),
        ("open+unlock+list (clients)", &c_list),
    ]);
    report::sizes(&sizes, work.total(), &c_sizes, args.clients);
    report::synced_size(synced_size, &synced_disk, &sizes, work.total(), pushed);
    disk::print(&format!("{} mixed records", work.total()), &mixed_disk);
    disk::print(
        &format!("{} mixed records, every version on the hub", work.total()),
        &synced_disk,
    );
    disk::print(&format!("{} clients", args.clients), &clients_disk);
    report::open_parts(&open_list, &c_list);
    breakdown::print_listing(
        &format!("{} clients (mixed store)", work.clients),
        &mixed_breakdown,
    );
    breakdown::print_listing(
        &format!("{} clients (clients-only store)", args.clients),
        &clients_breakdown,
    );
    breakdown::print_writes(&write_breakdown, &inserts);
    reports::print(&report_figures, work.total());
    report::verdict(&rows, &c_list);
    println!(
        "\nresults identical across stores: {}",
        if same_answers { "yes" } else { "NO" }
    );
    println!(
        "process max RSS: {:.0} MiB after the mixed inserts, {:.0} MiB after the mixed reads, {:.0} MiB at the end (one process for all four stores)",
        rss_after_insert as f64 / 1048576.0,
        rss_after_mixed as f64 / 1048576.0,
        alloc::max_rss() as f64 / 1048576.0
    );
    println!("total run time: {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}
