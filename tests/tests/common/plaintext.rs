//! Searching files for plaintext: every byte string that would betray a
//! marker (case variants, NFC and NFD, diacritics folded, UTF-8 and
//! UTF-16LE), matched at once over every file of some directories.

use regex::bytes::Regex;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

use super::{files_under, utf16le};

/// Removes Vietnamese diacritics the way a search fold might (đ → d).
pub fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            c => c,
        })
        .collect()
}

/// Every byte string that would betray `marker`: its case variants, NFC and
/// NFD, folded, each as UTF-8 and UTF-16LE; and the same for each long word.
pub fn needles(marker: &str) -> BTreeSet<Vec<u8>> {
    let mut texts: BTreeSet<String> = BTreeSet::new();
    let mut sources = vec![marker.to_string()];
    sources.extend(
        marker
            .split_whitespace()
            .filter(|w| w.len() >= 6)
            .map(str::to_string),
    );
    for source in sources {
        for cased in [source.clone(), source.to_lowercase(), source.to_uppercase()] {
            texts.insert(cased.nfc().collect());
            texts.insert(cased.nfd().collect());
            texts.insert(fold(&cased));
        }
    }
    let mut out = BTreeSet::new();
    for t in texts {
        out.insert(utf16le(&t));
        out.insert(t.into_bytes());
    }
    out
}

fn byte_pattern(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("\\x{b:02x}")).collect()
}

/// Reads a file through `cat`. POSIX record locks belong to a process and
/// are all dropped when it closes *any* descriptor of the file, so reading the
/// database here with `std::fs::read` would silently release the locks of the
/// connection that keeps the WAL from being checkpointed.
fn read_from_another_process(file: &Path) -> Option<Vec<u8>> {
    let out = std::process::Command::new("cat")
        .arg(file)
        .stderr(std::process::Stdio::null())
        .output()
        .expect("running cat");
    out.status.success().then_some(out.stdout)
}

/// One fast matcher for every variant of every marker.
pub struct Scanner {
    regex: Regex,
    /// Needle bytes → the marker it came from.
    origin: Vec<(Vec<u8>, String)>,
}

impl Scanner {
    pub fn new(markers: &[String]) -> Scanner {
        let mut origin = Vec::new();
        for m in markers {
            for n in needles(m) {
                origin.push((n, m.clone()));
            }
        }
        // Longest first, so a match reports the most specific needle.
        origin.sort_by_key(|(n, _)| std::cmp::Reverse(n.len()));
        let pattern = origin
            .iter()
            .map(|(n, _)| byte_pattern(n))
            .collect::<Vec<_>>()
            .join("|");
        let regex = regex::bytes::RegexBuilder::new(&format!("(?-u:{pattern})"))
            .unicode(false)
            .size_limit(1 << 26)
            .build()
            .expect("marker pattern");
        Scanner { regex, origin }
    }

    /// Scans every file under `dirs`; returns the files scanned.
    /// Every file under `dirs` with its size, and each match found in them.
    pub fn scan(&self, dirs: &[PathBuf]) -> (Vec<(PathBuf, usize)>, Vec<String>) {
        let mut scanned = Vec::new();
        let mut leaks = Vec::new();
        for dir in dirs {
            for file in files_under(dir) {
                let Some(bytes) = read_from_another_process(&file) else {
                    continue; // removed since listed (SQLite's own files)
                };
                for m in self.regex.find_iter(&bytes) {
                    let marker = self
                        .origin
                        .iter()
                        .find(|(n, _)| n.as_slice() == m.as_bytes())
                        .map(|(_, marker)| marker.as_str())
                        .unwrap_or("?");
                    leaks.push(format!(
                        "{} at offset {} (from marker {marker:?}: {:?})",
                        file.display(),
                        m.start(),
                        String::from_utf8_lossy(m.as_bytes())
                    ));
                }
                scanned.push((file, bytes.len()));
            }
        }
        (scanned, leaks)
    }

    /// Scans every file under `dirs`, failing on any match or when no file
    /// named `database` was among them; returns the files scanned.
    pub fn assert_clean(
        &self,
        dirs: &[PathBuf],
        database: &str,
        phase: &str,
    ) -> Vec<(PathBuf, usize)> {
        let (scanned, leaks) = self.scan(dirs);
        assert!(
            leaks.is_empty(),
            "{phase}: plaintext found at rest:\n{}",
            leaks.join("\n")
        );
        assert!(
            scanned.iter().any(|(f, _)| f.ends_with(database)),
            "{phase}: the database was scanned"
        );
        scanned
    }
}
